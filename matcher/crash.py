"""Crash points for the kill tests: a process started with `MATCHER_CRASH_AT=<name>` (or
`<name>:<n>`, the n-th time) kills itself with SIGKILL when it reaches `crash_point(name)`.

Nothing happens without the variable. The points sit where a real crash hurts most: after
the first kind of an import is written, inside a commit, between a commit and the index
update, between a temporary file's write and its rename.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

CRASH_VARIABLE = "MATCHER_CRASH_AT"
_reached: Counter[str] = Counter()


def crash_point(name: str) -> None:
    """SIGKILL this process here when `MATCHER_CRASH_AT` names this point (and count)."""
    wanted = os.environ.get(CRASH_VARIABLE)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
