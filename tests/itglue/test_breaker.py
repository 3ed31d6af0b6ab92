"""Circuit breaker states, driven by a fake clock."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from itglue_mcp.itglue.breaker import CircuitBreaker
from itglue_mcp.itglue.errors import CircuitOpen, ServiceUnavailable


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def _open_breaker(clock: FakeClock) -> CircuitBreaker:
    breaker = CircuitBreaker(failure_threshold=3, reset_s=30.0, clock=clock)
    for _ in range(3):
        breaker.before_request()
        breaker.record_failure()
    return breaker


def test_opens_after_consecutive_failures_only() -> None:
    breaker = CircuitBreaker(failure_threshold=3, reset_s=30.0, clock=FakeClock())

    for failed in (True, True, False, True, True):
        breaker.before_request()
        if failed:
            breaker.record_failure()
        else:
            breaker.record_success()
    assert breaker.state == "closed"

    breaker.before_request()
    with capture_logs() as logs:
        breaker.record_failure()

    assert breaker.state == "open"
    assert logs == [
        {
            "event": "itglue.breaker.open",
            "failures": 3,
            "reopens_in_s": 30.0,
            "log_level": "warning",
        }
    ]


def test_open_breaker_fails_fast_with_time_left() -> None:
    clock = FakeClock()
    breaker = _open_breaker(clock)
    clock.now += 10.0

    with pytest.raises(CircuitOpen) as caught:
        breaker.before_request()

    assert caught.value.reopens_in_s == pytest.approx(20.0)
    assert breaker.reopens_in_s == pytest.approx(20.0)
    assert isinstance(caught.value, ServiceUnavailable)


def test_half_open_lets_one_trial_through_and_success_closes() -> None:
    clock = FakeClock()
    breaker = _open_breaker(clock)
    clock.now += 30.0

    assert breaker.reopens_in_s == 0.0
    assert breaker.before_request() is True  # the trial
    assert breaker.state == "half-open"
    with pytest.raises(CircuitOpen) as caught:
        breaker.before_request()
    assert caught.value.reopens_in_s == 0.0

    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.before_request() is False


def test_failed_trial_reopens_for_a_full_reset_period() -> None:
    clock = FakeClock()
    breaker = _open_breaker(clock)
    clock.now += 31.0
    breaker.before_request()

    breaker.record_failure()

    assert breaker.state == "open"
    clock.now += 29.0
    with pytest.raises(CircuitOpen):
        breaker.before_request()
    clock.now += 1.0
    breaker.before_request()
    assert breaker.state == "half-open"


def test_released_trial_lets_another_request_try() -> None:
    clock = FakeClock()
    breaker = _open_breaker(clock)
    clock.now += 30.0
    breaker.before_request()

    breaker.release()

    breaker.before_request()
    assert breaker.state == "half-open"
