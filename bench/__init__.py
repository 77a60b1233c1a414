"""The load benchmark of the chat server (issue 8): `python -m bench --help`.

Modules, one concern each: `server` (databases, Redis, daphne processes),
`users` (users, rooms and tokens through the ORM; tickets over REST),
`generator` (the open-loop WebSocket load), `scenarios` (a-e), `stats`
(percentiles, knees), `procstat` (server CPU and memory from /proc),
`report` (markdown tables), `baseline` (the Channels tutorial's consumer).
"""
