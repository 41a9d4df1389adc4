#!/usr/bin/env python3
"""Time the index build against the stock Whoosh writer on the same bench listings, alternating.

Each build runs in its own forked process, so that its peak RSS (and that of its worker
processes) is its own; the listings are generated once, before any build, as the benchmark does.
"stock" is ``SearchIndex.rebuild`` with the writer it had before ``BuildWriter``: Whoosh's
``index.writer(procs=..., limitmb=..., multisegment=True)`` and one ``add_document`` per listing.

Usage::

    python tools/compare_builds.py --listings 50000 --rounds 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from search_index import index as index_module
from search_index.bench import load_index, make_corpus, make_documents
from search_index.storage import SyncState

Result = tuple[float, float, float]


def stock_write_documents(
    index: Any,
    documents: Iterable[Mapping[str, Any]],
    to_fields: Callable[[Mapping[str, Any]], dict[str, Any]],
    *,
    procs: int,
    limitmb: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the documents as ``SearchIndex.rebuild`` did before ``BuildWriter``."""
    writer = index.writer(procs=procs, limitmb=limitmb, multisegment=procs > 1)
    count = 0
    try:
        for count, doc in enumerate(documents, start=1):
            writer.add_document(**to_fields(doc))
            if progress is not None:
                progress(count)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def build(kind: str, root: Path, docs: list[dict[str, Any]], answer: Connection) -> None:
    """Child process: build once with the ``kind`` writer and send (seconds, own MB, workers' MB)."""
    if kind == "stock":
        index_module.write_documents = stock_write_documents  # type: ignore[assignment]
    index = load_index(root)
    started = time.perf_counter()
    index.rebuild(docs, SyncState(schema_version=0), expected_count=len(docs))
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    answer.send((seconds, own, workers))


def run_once(kind: str, base: Path, docs: list[dict[str, Any]]) -> Result:
    """Build in a forked process and return its figures."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    root = Path(tempfile.mkdtemp(dir=base))
    process = context.Process(target=build, args=(kind, root, docs, sender))
    process.start()
    result = receiver.recv()
    process.join()
    shutil.rmtree(root, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    """Generate listings, alternate stock and current builds, print each and a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="compare-builds-"))
    try:
        rng = random.Random(args.seed)
        vocabulary = load_index(base / "taxonomy").vocabulary
        docs = make_documents(rng, make_corpus(rng, vocabulary), args.listings)
        results: dict[str, list[Result]] = {"stock": [], "current": []}
        for round_number in range(args.rounds):
            order = ("stock", "current") if round_number % 2 == 0 else ("current", "stock")
            for kind in order:
                seconds, own, workers = run_once(kind, base, docs)
                results[kind].append((seconds, own, workers))
                shown = f"{seconds:.1f} s, peak RSS {own:.0f} MB, workers {workers:.0f} MB"
                print(f"round {round_number} {kind}: {shown}", flush=True)
        for kind, figures in results.items():
            times = [figure[0] for figure in figures]
            print(
                f"{kind}: median {statistics.median(times):.1f} s, max {max(times):.1f} s, "
                f"peak RSS {max(f[1] for f in figures):.0f} MB, workers {max(f[2] for f in figures):.0f} MB"
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
