"""Damage in an index generation: find it, name the file and the error, and read files so that it shows.

Whoosh memory-maps segment files by default; a segment file cut short under a running process
then kills the process (SIGBUS) on the next read of the missing part. Generations are read here
with ``os.pread`` instead, so a damaged file raises an error that can be noticed and handled.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC
from whoosh.reading import SegmentReader

#: Whoosh's default index name: files are ``_MAIN_<n>.toc`` and ``MAIN_<segment>.seg``.
INDEX_NAME = "MAIN"
#: How many times to re-read when a commit replaces the table of contents during a check.
RETRIES = 3


@dataclass(frozen=True)
class Fault:
    """Damage found in one generation: the file that cannot be read (when known) and the error."""

    generation: Path
    file: str | None
    error: str

    def describe(self) -> str:
        """Say which generation, which file and what error, in one sentence."""
        where = f"file {self.file}" if self.file else "its files"
        return (
            f"generation {self.generation.name} in {self.generation.parent}: "
            f"{where} cannot be read ({self.error})"
        )


class IndexCorrupt(RuntimeError):
    """The generation to search is damaged and no good generation can stand in for it."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(f"the search index is damaged: {fault.describe()}")
        self.fault = fault


class _SharedFile:
    """A read-only file read with ``os.pread`` at a position kept per thread.

    Whoosh reads a segment's parts through one file object, seeking before each read; with the
    position per thread, searches in several threads can share it safely (as they share a memory
    map). The descriptor is closed with the searcher, or quietly when the object is collected.
    """

    def __init__(self, path: str) -> None:
        self.name = path
        self._fd = -1
        self._fd = os.open(path, os.O_RDONLY)
        self._position = threading.local()

    @property
    def closed(self) -> bool:
        """Whether the descriptor is closed."""
        return self._fd < 0

    def fileno(self) -> int:
        """Return the file descriptor."""
        return self._fd

    def tell(self) -> int:
        """Return this thread's position."""
        return getattr(self._position, "at", 0)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move this thread's position."""
        if whence == os.SEEK_SET:
            base = 0
        elif whence == os.SEEK_CUR:
            base = self.tell()
        elif whence == os.SEEK_END:
            base = os.fstat(self._fd).st_size  # only here: a stat per seek cost ~5% of a cold query pass
        else:
            raise ValueError(f"invalid whence ({whence!r})")
        self._position.at = base + offset
        return self._position.at

    def read(self, size: int | None = -1) -> bytes:
        """Read from this thread's position (fewer bytes at the end of the file)."""
        at = self.tell()
        if size is None or size < 0:
            size = max(os.fstat(self._fd).st_size - at, 0)
        data = os.pread(self._fd, size, at)
        self._position.at = at + len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        """Read up to and including the next newline (pickles need it)."""
        at = self.tell()
        line = b""
        while size is None or size < 0 or len(line) < size:
            block = os.pread(self._fd, 4096, at + len(line))
            if not block:
                break
            end = block.find(b"\n")
            line += block if end < 0 else block[: end + 1]
            if end >= 0:
                break
        if size is not None and size >= 0:
            line = line[:size]
        self._position.at = at + len(line)
        return line

    def close(self) -> None:
        """Close the descriptor."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()


class GenerationStorage(FileStorage):
    """A generation's folder read without memory maps, closing what it opened if opening fails."""

    def __init__(self, generation: Path, *, readonly: bool = True) -> None:
        super().__init__(str(generation), supports_mmap=False, readonly=readonly)
        self._opened: list[Any] = []

    def open_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Open a file of the generation for reading, remembering it until it is closed."""
        opened = StructFile(_SharedFile(self._fpath(name)), name=name, **kwargs)
        self._opened = [f for f in self._opened if not f.is_closed]
        self._opened.append(opened)
        return opened

    def close_opened(self) -> None:
        """Close every file still open (Whoosh leaves them open when a read fails half-way)."""
        for opened in self._opened:
            if not opened.is_closed:
                opened.close()
        self._opened = []


class _Replaced(Exception):
    """A commit replaced the table of contents while it was being checked."""


def find_fault(generation: Path, *, deep: bool = False) -> Fault | None:
    """Return the first damage in ``generation``, or None.

    The quick check reads the table of contents and each segment file's directory and size
    (a file cut short, missing or overwritten shows there); ``deep`` also reads every stored
    document, term, posting and field length.
    """
    for _ in range(RETRIES):
        files = GenerationStorage(generation)
        try:
            return _inspect(files, generation, deep)
        except _Replaced:
            continue
        finally:
            files.close_opened()
    return None


def describe_error(error: BaseException) -> str:
    """Name an error in words, without the folder path a missing file's message repeats."""
    if isinstance(error, FileNotFoundError):
        return "the file is missing"
    text = str(error).splitlines()[0][:200] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _inspect(files: GenerationStorage, generation: Path, deep: bool) -> Fault | None:
    toc_generation = TOC._latest_generation(files, INDEX_NAME)
    if toc_generation < 0:
        return Fault(generation, None, f"no table of contents (_{INDEX_NAME}_<n>.toc)")
    toc_name = TOC._filename(INDEX_NAME, toc_generation)
    try:
        toc = TOC.read(files, INDEX_NAME, toc_generation)
    except Exception as error:
        _raise_if_replaced(files, toc_generation)
        return Fault(generation, toc_name, describe_error(error))
    for segment in toc.segments:
        main_file = segment.make_filename(segment.COMPOUND_EXT) if segment.is_compound() else None
        try:
            if deep:
                _read_everything(files, toc.schema, segment)
            else:
                _check_segment(files, toc.schema, segment, main_file)
        except Exception as error:
            _raise_if_replaced(files, toc_generation)
            missing = getattr(error, "filename", None)
            return Fault(
                generation, os.path.basename(missing) if missing else main_file, describe_error(error)
            )
    return None


def _raise_if_replaced(files: GenerationStorage, toc_generation: int) -> None:
    if TOC._latest_generation(files, INDEX_NAME) != toc_generation:
        raise _Replaced


def _check_segment(files: GenerationStorage, schema: Any, segment: Any, main_file: str | None) -> None:
    """Read a segment file's directory and check that every part it lists lies inside the file."""
    if main_file is None:
        SegmentReader(files, schema, segment).close()
        return
    size = files.file_length(main_file)
    compound = CompoundStorage(files.open_file(main_file), use_mmap=False)
    try:
        end = max((info["offset"] + info["length"] for info in compound._dir.values()), default=0)
    finally:
        compound.close()
    if end > size:
        raise EOFError(f"the file is {size} bytes but its parts end at byte {end}")


def _read_everything(files: GenerationStorage, schema: Any, segment: Any) -> None:
    """Read every stored document, term, posting and field length of one segment."""
    reader = SegmentReader(files, schema, segment)
    try:
        for _ in reader.iter_docs():
            pass
        for field in reader.indexed_field_names():
            for term in reader.lexicon(field):
                for _ in reader.postings(field, term).all_items():
                    pass
            if schema[field].scorable:
                for docnum in range(reader.doc_count_all()):
                    reader.doc_field_length(docnum, field)
    finally:
        reader.close()
