"""Server CPU time and memory, read from Linux's /proc (proc(5)).

`/proc/PID/stat` holds the process's user and system time (fields 14 and 15,
in clock ticks, summed over all its threads); `/proc/PID/status` holds VmRSS
(resident now) and VmHWM (the peak resident size), in kB.
"""

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks_from_stat(line: str) -> int:
    """utime + stime, in clock ticks, from one `/proc/PID/stat` line.

    The second field (the command name, in parentheses) may itself hold
    spaces and parentheses, so the fields are counted after its last `)`.
    Raises ValueError on a line that is not a stat line.
    """
    close = line.rfind(")")
    if close < 0:
        raise ValueError("not a /proc/PID/stat line")
    rest = line[close + 1 :].split()
    # rest[0] is field 3 (state): utime is field 14, stime field 15.
    return int(rest[11]) + int(rest[12])


def kib_from_status(text: str, key: str) -> int:
    """The value of `key` (e.g. "VmHWM") in kB from a `/proc/PID/status` text; KeyError if absent."""
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0])
    raise KeyError(key)


class ProcessMeter:
    """CPU seconds and memory of one process by pid (None: nothing measured, e.g. a --url server)."""

    def __init__(self, pid: int | None):
        self.pid = pid

    def cpu_seconds(self) -> float | None:
        if self.pid is None:
            return None
        return cpu_ticks_from_stat(Path(f"/proc/{self.pid}/stat").read_text()) / CLOCK_TICKS

    def _status(self, key: str) -> int | None:
        if self.pid is None:
            return None
        return kib_from_status(Path(f"/proc/{self.pid}/status").read_text(), key)

    def rss_kib(self) -> int | None:
        """Resident set size now, in KiB."""
        return self._status("VmRSS")

    def peak_rss_kib(self) -> int | None:
        """The peak resident set size over the process's life (VmHWM), in KiB."""
        return self._status("VmHWM")
