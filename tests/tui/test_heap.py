"""The app's allocator settings (tui.heap)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_the_app_limits_malloc_arenas_before_its_threads_start() -> None:
    """In a fresh interpreter, as the app does at start (a thread's arena, once made, is
    not given back): glibc accepts the limit, and the trim after a large sync runs."""
    code = (
        "from deskapp.tui import heap\n"
        "assert heap.limit_arenas() is True\n"
        "heap._trim_heap()\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_without_glibc_nothing_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from deskapp.tui import heap

    monkeypatch.setattr(heap, "_libc", lambda: None)
    assert heap.limit_arenas() is False
    heap._trim_heap()  # no error either
