"""The failure throttle: per address and per key prefix, a moving window, off at limit 0."""

from __future__ import annotations

import time

from service.throttle import FailureThrottle


def test_failures_past_the_limit_wait_until_the_window_moves_on():
    throttle = FailureThrottle(limit=2, window_seconds=1)
    assert throttle.failed("key", "10.0.0.1", "mk_aaaaa1") is None
    assert throttle.failed("key", "10.0.0.1", "mk_bbbbb1") is None
    assert throttle.failed("key", "10.0.0.1", "mk_ccccc1") == 1  # the address is over
    assert throttle.failed("login", "10.0.0.1", "mk_ccccc1") is None  # logins count apart
    assert throttle.failed("key", "10.0.0.2", "mk_aaaaa2") is None
    assert throttle.failed("key", "10.0.0.3", "mk_aaaaa3") == 1  # the prefix mk_aaaaa is over
    time.sleep(1.05)
    assert throttle.failed("key", "10.0.0.1", "mk_ddddd1") is None


def test_limit_zero_never_throttles():
    throttle = FailureThrottle(limit=0, window_seconds=60)
    assert all(throttle.failed("login", "10.0.0.1", "x") is None for _ in range(100))
