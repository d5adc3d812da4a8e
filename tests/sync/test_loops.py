"""The one loop runner and the one backoff formula every background task uses."""

from __future__ import annotations

import asyncio

import pytest

from app.backoff import JITTER, ROW_RETRY, Backoff
from app.loops import Loops
from app.sync import inbox, outbox_sender, pusher
from app.tiktok.retry import RetryPolicy


def test_each_failure_doubles_the_wait_up_to_the_cap() -> None:
    policy = Backoff(base=5.0, cap=300.0)
    assert [policy.delay(n) for n in range(9)] == [0, 5, 10, 20, 40, 80, 160, 300, 300]
    assert policy.raw(10_000) == 300  # a long outage never overflows


def test_jitter_takes_a_random_share_off_and_can_be_pinned() -> None:
    policy = Backoff(base=10.0, cap=100.0, jitter=0.2)
    assert policy.delay(1, draw=lambda: 0.0) == 10.0
    assert policy.delay(1, draw=lambda: 0.5) == 9.0
    JITTER.seed(7)
    first = [policy.delay(3) for _ in range(5)]
    JITTER.seed(7)
    assert [policy.delay(3) for _ in range(5)] == first
    assert all(32.0 <= d <= 40.0 for d in first) and len(set(first)) > 1


def test_stored_retries_follow_one_schedule() -> None:
    """Writes, pushes and webhook events wait alike after their first, second ... failure;
    the inbox counts the failures before this one, the others count this one too."""
    schedule = [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert [ROW_RETRY.seconds(n) for n in range(1, 10)] == schedule
    assert [outbox_sender.retry_delay(n) for n in range(1, 10)] == schedule
    assert [pusher.retry_delay(n) for n in range(1, 10)] == schedule
    assert [inbox.retry_delay(n) for n in range(9)] == schedule


def test_http_retries_use_the_same_formula() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=30.0, jitter=lambda d: d)
    assert [policy.backoff(n) for n in range(1, 9)] == [0.5, 1, 2, 4, 8, 16, 30, 30]


async def test_a_loop_runs_on_its_period_and_at_once_when_woken() -> None:
    loops = Loops()
    wake = asyncio.Event()
    runs: list[int] = []

    async def work() -> None:
        runs.append(len(runs))

    loops.every("work", 60.0, work, wake=wake, wait_first=True)
    await asyncio.sleep(0.05)
    assert runs == []  # waits first, and the period is long
    wake.set()
    await asyncio.sleep(0.05)
    assert runs == [0]
    wake.set()
    await asyncio.sleep(0.05)
    assert runs == [0, 1]
    assert loops.names == ["work"]
    await loops.stop()
    assert loops.names == []


async def test_a_failing_pass_is_retried_after_the_backoff_and_the_loop_lives_on() -> None:
    waits: list[float] = []
    calls = 0

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    async def work() -> None:
        nonlocal calls
        calls += 1
        if calls <= 3:
            raise RuntimeError("a bad pass")
        if calls >= 5:
            await asyncio.Event().wait()  # park: the test has seen enough

    loops = Loops(sleep=sleep)
    loops.every("work", 1.0, work, backoff=Backoff(base=4.0, cap=10.0))
    for _ in range(50):
        await asyncio.sleep(0)
    await loops.stop()
    # Three failures wait 4, 8, 10 s (never less than the period); a good pass, the period.
    assert calls == 5 and waits == [4.0, 8.0, 10.0, 1.0]


async def test_retry_runs_until_the_work_succeeds_and_replace_cancels_the_old_one() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    answers = iter([False, False, True])
    done = asyncio.Event()

    async def subscribe() -> bool:
        ok = next(answers)
        if ok:
            done.set()
        return ok

    loops = Loops(sleep=sleep)
    loops.retry("subscribe", subscribe, Backoff(base=5.0, cap=300.0))
    await asyncio.wait_for(done.wait(), 1)
    assert waits == [5.0, 10.0]

    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    loops.replace("subscribe", forever())
    await started.wait()
    first = loops._named["subscribe"]
    loops.replace("subscribe", forever())
    await asyncio.sleep(0)
    assert first.cancelled()
    await loops.stop()


async def test_after_runs_once_later_and_stop_cancels_what_is_pending() -> None:
    ran: list[str] = []

    async def note() -> None:
        ran.append("ran")

    loops = Loops()
    loops.after(0.01, note)
    loops.after(60.0, note)
    await asyncio.sleep(0.1)
    await loops.stop()
    assert ran == ["ran"]


@pytest.mark.parametrize("failures", [0, -1])
def test_no_failure_means_no_wait(failures: int) -> None:
    assert Backoff(base=5.0, cap=10.0, jitter=0.5).delay(failures) == 0.0


async def test_keep_up_restarts_what_ends_by_the_backoff_and_a_steady_run_starts_afresh() -> None:
    """A supervised program (the tunnel) that keeps dying waits longer each time; one that ran
    `steady` seconds before it ended is restarted after the first wait again."""
    waits: list[float] = []
    runs = 0
    clock = [0.0]
    lengths = iter([1.0, 1.0, 1.0, 120.0, 1.0])  # seconds each run lasts
    done = asyncio.Event()

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    async def run() -> None:
        nonlocal runs
        runs += 1
        length = next(lengths, None)
        if length is None:
            done.set()
            await asyncio.Event().wait()
        clock[0] += length
        if runs == 2:
            raise OSError("it could not even start")  # a failure is an end like any other

    loops = Loops(sleep=sleep, monotonic=lambda: clock[0])
    loops.keep_up("tunnel", run, Backoff(base=1.0, cap=4.0), steady=60.0)
    await asyncio.wait_for(done.wait(), 1)
    await loops.stop()
    assert runs == 6 and waits == [1.0, 2.0, 4.0, 1.0, 2.0]
    assert loops.names == []


async def test_keep_up_reads_a_policy_function_before_each_wait() -> None:
    waits: list[float] = []
    base = [1.0]

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        base[0] = 10.0  # a setting changed while it was down
        await asyncio.sleep(0)

    async def run() -> None:
        if len(waits) >= 2:
            await asyncio.Event().wait()

    loops = Loops(sleep=sleep)
    loops.keep_up("tunnel", run, lambda: Backoff(base=base[0], cap=60.0), steady=60.0)
    for _ in range(20):
        await asyncio.sleep(0)
    await loops.stop()
    assert waits == [1.0, 20.0]


async def test_a_shorter_first_wait_and_an_injected_sleep_that_a_wake_cuts_short() -> None:
    waits: list[float] = []
    runs: list[int] = []
    wake = asyncio.Event()

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(3600)  # only a wake (or stop) ends this wait

    async def work() -> None:
        runs.append(len(runs))

    loops = Loops(sleep=sleep)
    loops.every("backup", 3600.0, work, wake=wake, wait_first=30.0)
    await asyncio.sleep(0.01)
    assert waits == [30.0] and runs == []
    wake.set()
    await asyncio.sleep(0.01)
    assert runs == [0] and waits == [30.0, 3600.0] and not wake.is_set()
    await loops.stop()
    assert loops.names == []
