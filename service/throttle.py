"""Throttling of failed logins and bad API keys, per client IP and per key prefix.

Only failures count: each failed login or unknown key is one hit on a moving window for its
client IP and one for the first characters of what was presented; once either is over the
limit, further failures are answered 429 with `Retry-After` instead of 401. A valid key or
login is never refused (keys carry 256 random bits, so a correct guess cannot happen, and a
valid user behind the same address as a prober keeps working).

The windows live in memory (`limits`' moving window), so each worker process counts on its
own: with N workers a prober gets at most N times the limit before every answer is 429.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

PREFIX_LENGTH = 8  # the display prefix of a key (`mk_` + 5 characters)


class FailureThrottle:
    """Counts authentication failures; tells how long to wait once a limit is passed."""

    def __init__(self, limit: int, window_seconds: int) -> None:
        self.limit = limit
        self._item = RateLimitItemPerSecond(max(limit, 1), window_seconds)
        self._windows = MovingWindowRateLimiter(MemoryStorage())

    def failed(self, kind: str, client: str, presented: str) -> int | None:
        """Record one failure of `kind` (`login`, `key`) from `client` with credential
        `presented`; the seconds to wait when a limit is passed, else None."""
        if self.limit <= 0:
            return None
        scopes = (("ip", client), ("prefix", presented[:PREFIX_LENGTH]))
        over = [scope for scope in scopes if not self._windows.hit(self._item, kind, *scope)]
        if not over:
            return None
        reset = max(self._windows.get_window_stats(self._item, kind, *s).reset_time for s in over)
        return max(1, math.ceil(reset - time.time()))


def wait_message(seconds: int) -> str:
    """The Chinese message of a 429."""
    return f"登录或密钥验证失败次数过多，请 {seconds} 秒后再试"
