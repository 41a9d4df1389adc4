"""Sampling the memory of a process and its workers together (the benchmark's build figure)."""

from __future__ import annotations

import multiprocessing
import os

from search_index.process_memory import TreeMemory, descendants, resident_mb


def _hold_memory(ready: object, release: object) -> None:
    block = bytearray(150 * 2**20)  # 150 MB, touched so it is resident
    block[::4096] = b"x" * len(block[::4096])
    ready.set()  # type: ignore[attr-defined]
    release.wait(30)  # type: ignore[attr-defined]


def test_a_worker_s_memory_counts_in_the_tree_s_peak():
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    worker = context.Process(target=_hold_memory, args=(ready, release))
    own = resident_mb(os.getpid())
    with TreeMemory(interval_s=0.01) as memory:
        worker.start()
        assert ready.wait(30)
        assert worker.pid in descendants(os.getpid())
        memory.sample()
        release.set()
        worker.join()
    assert memory.peak_process_mb >= 150
    assert memory.peak_total_mb >= own + 140


def test_a_gone_process_has_no_memory():
    assert resident_mb(2**22 + 12345) == 0.0


def _wait(ready: object, release: object) -> None:
    ready.set()  # type: ignore[attr-defined]
    release.wait(30)  # type: ignore[attr-defined]


def test_pages_a_forked_worker_shares_with_its_parent_count_once():
    held = bytearray(200 * 2**20)
    held[::4096] = b"y" * len(held[::4096])
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    worker = context.Process(target=_wait, args=(ready, release))
    with TreeMemory(interval_s=0.01) as memory:
        worker.start()
        assert ready.wait(30)
        memory.sample()
        both_rss = resident_mb(os.getpid()) + resident_mb(worker.pid)
        release.set()
        worker.join()
    assert memory.peak_total_mb < both_rss - 150  # the 200 MB are not counted twice
    del held
