"""The app's allocator settings (tui.heap)."""

from __future__ import annotations

import gc
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from deskapp.search import ranked
from deskapp.tui.screens.unlock import UnlockScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import unlock, wait_for


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

    monkeypatch.setattr(heap, "_libc", lambda platform=sys.platform: None)
    assert heap.limit_arenas() is False
    heap._trim_heap()  # no error either


@pytest.mark.parametrize("platform", ["win32", "darwin", "cygwin"])
def test_on_windows_and_macos_no_c_library_is_asked_for(platform: str) -> None:
    """The branch Windows and macOS take, chosen by the platform given: no handle on the
    process's C library is asked for (Windows refuses ``CDLL(None)``)."""
    from deskapp.tui import heap

    assert heap._libc(platform) is None
    assert heap.limit_arenas(platform=platform) is False


def test_large_blocks_keep_their_own_mappings() -> None:
    """glibc raises its mmap threshold whenever a mapped block is freed, after which large
    buffers come out of the heap and leave it holed; the app fixes the threshold, so a
    512 KiB block is still mapped (and returned whole) after a 4 MiB one was freed."""
    code = """
import ctypes
from deskapp.tui import heap

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.mallinfo2.restype = Info
if "fixed" in __import__("sys").argv:
    assert heap.limit_arenas() is True
libc.free(libc.malloc(4 << 20))
before = libc.mallinfo2().hblks
block = libc.malloc(512 << 10)
print(libc.mallinfo2().hblks - before)
libc.free(block)
"""

    def mapped(*args: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    assert mapped("fixed") == "1"
    assert mapped() == "0"  # glibc's own behaviour: the test can tell the two apart


async def test_open_desk_freezes_the_heap_and_lock_releases_it(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the ranked lists are built the long-lived state leaves the collector's full
    passes (short pauses while typing); locking hands it back so closed screens go."""
    monkeypatch.setattr(ranked, "WARM_DELAY", 0.0)
    gc.unfreeze()
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0)
        desk = app.desk
        assert desk is not None and ranked.cached(desk, "queue") is not None
        # Frozen again once the roster's order follows (in the officer's first pause).
        frozen = gc.get_freeze_count()
        await wait_for(pilot, lambda: ranked.cached(desk, "roster") is not None)
        await wait_for(pilot, lambda: gc.get_freeze_count() > frozen)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert gc.get_freeze_count() == 0
