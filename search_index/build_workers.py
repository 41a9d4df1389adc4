"""Writing a new index's documents, in this process or in worker processes (one segment each).

With ``procs`` > 1, documents go out in batches, batch ``k`` to worker ``k % procs``, so the same
input always makes the same segments. Each worker turns documents into fields and writes its own
segment with :class:`~search_index.building.BuildWriter`; this process holds the index lock and
commits the table of contents naming the workers' segments, as Whoosh's ``MpWriter`` does with
``multisegment=True``. Workers are forked: they read nothing from the caller but the batches.
"""

from __future__ import annotations

import gc
import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from multiprocessing.connection import Connection
from typing import Any

from search_index.building import BuildWriter

#: Documents sent to a worker at a time.
BATCH_SIZE = 100  # as Whoosh's MpWriter
#: Seconds to wait for a stopped worker to exit before killing it.
STOP_TIMEOUT = 5.0

Document = Mapping[str, Any]
ToFields = Callable[[Document], dict[str, Any]]


class BuildFailed(RuntimeError):
    """A build worker failed; the message carries its traceback."""


def write_documents(
    index: Any,
    documents: Iterable[Document],
    to_fields: ToFields,
    *,
    procs: int,
    limitmb: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add ``to_fields(doc)`` of every document to the empty ``index``, commit, and return the count."""
    if procs <= 1:
        return _write_here(index, documents, to_fields, limitmb, progress)
    return _write_in_workers(index, documents, to_fields, procs, limitmb, progress)


def _write_here(
    index: Any,
    documents: Iterable[Document],
    to_fields: ToFields,
    limitmb: int,
    progress: Callable[[int], None] | None,
) -> int:
    writer = BuildWriter(index, limitmb=limitmb)
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


def _write_in_workers(
    index: Any,
    documents: Iterable[Document],
    to_fields: ToFields,
    procs: int,
    limitmb: int,
    progress: Callable[[int], None] | None,
) -> int:
    parent = index.writer()  # holds the lock; adds no document itself
    workers: list[_Worker] = []
    count = 0
    try:
        for _ in range(procs):
            workers.append(_Worker(index, to_fields, limitmb, [worker.connection for worker in workers]))
        batch: list[Document] = []
        sent = 0
        for count, doc in enumerate(documents, start=1):
            batch.append(doc)
            if len(batch) >= BATCH_SIZE:
                workers[sent % procs].send(batch)
                sent += 1
                batch = []
            if progress is not None:
                progress(count)
        if batch:
            workers[sent % procs].send(batch)
        segments = [segment for worker in workers if (segment := worker.finish()) is not None]
    except BaseException:
        for worker in workers:
            worker.stop()
        parent.cancel()
        raise
    parent._close_segment()
    parent._commit_toc(segments)
    parent._finish()
    return count


class _Worker:
    """A forked process writing one segment from the batches sent to it."""

    def __init__(self, index: Any, to_fields: ToFields, limitmb: int, siblings: list[Connection]) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe()
        # The child closes this process's ends of the pipes it inherits (its own and those of the
        # workers started before it), so that it sees the end of its input if this process dies.
        parent_ends = [*siblings, self.connection]
        self.process = context.Process(
            target=_work,
            args=(index, to_fields, limitmb, child, parent_ends),
            name="search-index-build",
            daemon=True,
        )
        # Frozen objects are out of the worker's garbage collection: walking them would copy the
        # parent's heap (the caller's documents, say) into the worker page by page.
        gc.freeze()
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        child.close()

    def send(self, batch: list[Document]) -> None:
        """Hand the worker a batch of documents."""
        try:
            self.connection.send(batch)
        except (BrokenPipeError, ConnectionResetError):
            self.finish()  # raises the worker's own error
            raise

    def finish(self) -> Any:
        """Tell the worker to write its segment; return the segment (None if it got no document)."""
        with suppress(BrokenPipeError, ConnectionResetError):  # if it stopped, its answer says why
            self.connection.send(None)
        try:
            outcome, value = self.connection.recv()
        except EOFError:
            outcome, value = "error", f"the build worker ended with exit code {self.process.exitcode}"
        self.process.join()
        self.connection.close()
        if outcome != "done":
            raise BuildFailed(value)
        return value

    def stop(self) -> None:
        """End the worker without waiting for its segment."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(STOP_TIMEOUT)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        self.connection.close()


def _work(
    index: Any, to_fields: ToFields, limitmb: int, connection: Connection, parent_ends: list[Connection]
) -> None:
    """Worker process: add each batch's documents, then write the segment and send it back."""
    for end in parent_ends:
        end.close()
    writer = None
    try:
        # Like Whoosh's SubWriterTask: no lock of its own (the parent holds the index's).
        writer = BuildWriter(index.storage.open_index(index.indexname), limitmb=limitmb, _lk=False)
        while (batch := connection.recv()) is not None:
            for doc in batch:
                writer.add_document(**to_fields(doc))
        if writer.docnum:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        connection.send(("done", segment))
    except BaseException:
        if writer is not None and not writer.is_closed:
            writer._close_segment()  # not cancel(): that would remove the temp folder others use
        with suppress(OSError):  # unless the parent is gone
            connection.send(("error", traceback.format_exc()))
    finally:
        connection.close()
