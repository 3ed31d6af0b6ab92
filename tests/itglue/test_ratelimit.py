"""Rolling-window limiter, driven by a fake clock so the tests run instantly."""

from __future__ import annotations

import asyncio

import pytest

from itglue_mcp.itglue.ratelimit import RollingWindowLimiter


class FakeClock:
    """A monotonic clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def _limiter(
    clock: FakeClock, max_requests: int = 3, window_s: float = 10.0
) -> RollingWindowLimiter:
    return RollingWindowLimiter(max_requests, window_s, clock=clock, sleep=clock.sleep)


async def test_full_window_waits_for_the_oldest_send_to_leave() -> None:
    clock = FakeClock()
    limiter = _limiter(clock)

    times = []
    for _ in range(4):
        await limiter.acquire()
        times.append(clock.now)
        clock.now += 1.0

    assert times == [1000.0, 1001.0, 1002.0, 1010.0]


async def test_never_more_than_n_in_any_window_under_concurrency() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, max_requests=5, window_s=10.0)
    sent: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        sent.append(clock.now)

    await asyncio.gather(*(one() for _ in range(23)))

    assert len(sent) == 23
    assert sent == sorted(sent)
    for first, sixth in zip(sent, sent[5:], strict=False):
        assert sixth - first >= 10.0
    # The allowance is used, not wasted: 23 sends need exactly four full windows of waiting.
    assert sent[-1] - sent[0] == pytest.approx(40.0)


async def test_pause_holds_back_every_caller_and_is_never_shortened() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, max_requests=100)

    limiter.pause_until(clock.now + 30.0)
    limiter.pause_until(clock.now + 5.0)
    await limiter.acquire()
    first = clock.now
    await limiter.acquire()

    assert first == pytest.approx(1030.0)
    assert clock.now == first
    assert limiter.paused_until == pytest.approx(1030.0)


async def test_cancelled_waiter_takes_no_slot_and_frees_the_queue() -> None:
    limiter = RollingWindowLimiter(1, 0.2)
    await limiter.acquire()
    waiter = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0.02)

    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    await asyncio.sleep(0.2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.wait_for(limiter.acquire(), timeout=1.0)

    assert loop.time() - started < 0.05


@pytest.mark.parametrize(("max_requests", "window_s"), [(0, 1.0), (1, 0.0)])
def test_rejects_impossible_limits(max_requests: int, window_s: float) -> None:
    with pytest.raises(ValueError):
        RollingWindowLimiter(max_requests, window_s)


async def test_arrival_margin_widens_the_window() -> None:
    clock = FakeClock()
    limiter = RollingWindowLimiter(2, 10.0, clock=clock, sleep=clock.sleep, arrival_margin_s=0.5)

    for _ in range(3):
        await limiter.acquire()

    assert clock.now == pytest.approx(1010.5)
