"""Signals rooms sends to the apps above it (rooms never imports messaging)."""

from django.dispatch import Signal

# Sent inside the transaction that added or removed a membership of a public or private
# room, with `room_id`, `user` and `event`: "joined", "added", "left" or "removed".
# messaging.signals stores it as a system message (issue 11 §6).
membership_changed = Signal()
