"""The cyclic collector's pause for bulk work (runtime.collector)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from deskapp.runtime import collector


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_back_after() -> None:
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_nested_pauses_resume_only_at_the_outermost() -> None:
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off() -> None:
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_on_two_threads_resume_when_both_leave() -> None:
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collector.paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    with collector.paused():
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread's batch is still running
    leave.set()
    thread.join(5)
    assert gc.isenabled()
