"""Side files: named numpy arrays in one file beside a Whoosh segment, written once, checked when opened.

A side file holds what the engine reads from a segment (see :mod:`search_index.segments`) in the
form numpy uses directly, so opening a segment and answering a query decode nothing in Python.
Segments never change once written, so neither does their side file.

Layout: a fixed header (magic, format version, directory length and offset, directory digest),
the arrays, each aligned to 64 bytes, then a JSON directory at the end (what the file belongs
to, each array's dtype, shape, offset, CRC-32 and whether it is read whole). The arrays are
written as they are produced and the header last, so a segment's arrays need not all be in
memory at once; the file must end where its directory does.

A side file is never trusted: :func:`open_side_file` refuses one that is missing, cut short,
written by another format or schema version, for another segment, or whose header, directory
or arrays read whole fail their checksums, and the caller rebuilds it from the segment; the
arrays read in slices are checked by :func:`verify_contents` (``flask index check``).
It is written under a temporary name and renamed into place, so no reader ever sees a
half-written one under its real name.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"WSIDE\x00\x00\x01"
#: Bump when the layout or the meaning of any array changes: older files are then rebuilt.
FORMAT_VERSION = 1
SUFFIX = ".side"
_HEADER = struct.Struct("<8sIIQ16s")
#: Where the first array starts (the header, then zeros).
_BODY_START = 64
_ALIGN = 64
#: The largest directory accepted (a damaged length field must not make us read gigabytes).
_MAX_DIRECTORY = 16 * 2**20
#: How much of an array :func:`verify_contents` reads at a time.
_CHUNK = 8 * 2**20


class StaleSideFile(Exception):
    """A side file that cannot be used as it is (missing, damaged or out of date): rebuild it."""


class SideFileDamaged(RuntimeError):
    """A side file turned out damaged after it was opened (a read came back short)."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"the side file {path} cannot be read ({detail})")
        self.path = path


@dataclass(frozen=True)
class Identity:
    """What a side file belongs to: its segment, that segment's size and the schema version."""

    segment_id: str
    doc_count: int
    schema_version: int


def side_file_path(generation: Path, segment_id: str) -> Path:
    """Return where a segment's side file lives (named so Whoosh deletes it with its segment)."""
    return generation / f"{segment_id}{SUFFIX}"


def write_side_file(
    path: Path,
    identity: Identity,
    arrays: Mapping[str, np.ndarray] | Iterable[tuple[str, np.ndarray]],
    *,
    lazy: frozenset[str] = frozenset(),
) -> None:
    """Write ``arrays`` to ``path`` atomically: under a temporary name, then renamed into place.

    ``arrays`` may be a generator of (name, array): each is written as it comes, so a large
    segment's arrays need not all be in memory at once. Arrays named in ``lazy`` are read in
    slices when needed; the others are read whole (and checked) when the file is opened.
    """
    items = arrays.items() if isinstance(arrays, Mapping) else arrays
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(b"\0" * _BODY_START)
            entries: dict[str, dict[str, Any]] = {}
            offset = 0
            for name, array in items:
                data = np.ascontiguousarray(array)
                entries[name] = {
                    "dtype": data.dtype.str,
                    "shape": list(data.shape),
                    "offset": offset,
                    "crc": zlib.crc32(data.data),
                    "eager": name not in lazy,
                }
                handle.write(data.data)
                handle.write(b"\0" * (_aligned(data.nbytes) - data.nbytes))
                offset += _aligned(data.nbytes)
            directory = {
                "format": FORMAT_VERSION,
                "segment": identity.segment_id,
                "doc_count": identity.doc_count,
                "schema": identity.schema_version,
                "arrays": entries,
                "body_start": _BODY_START,
            }
            encoded = json.dumps(directory, sort_keys=True).encode("utf-8")
            directory_at = _BODY_START + offset
            handle.write(encoded)
            handle.seek(0)
            handle.write(_HEADER.pack(MAGIC, FORMAT_VERSION, len(encoded), directory_at, _digest(encoded)))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class SideFile:
    """An opened, checked side file: eager arrays in memory, lazy ones read in slices with ``pread``.

    Slices are read with ``os.pread`` rather than a memory map, like the segments themselves
    (see :mod:`search_index.integrity`): a file damaged under a running process then gives an
    error the engine handles (:class:`SideFileDamaged`), never a crash.
    """

    def __init__(self, path: Path, fd: int, directory: dict[str, Any], eager: dict[str, np.ndarray]) -> None:
        self.path = path
        self._fd = fd
        self._entries: dict[str, dict[str, Any]] = directory["arrays"]
        self._body_start: int = directory["body_start"]
        self._eager = eager

    def has(self, name: str) -> bool:
        """Whether the file holds an array of that name."""
        return name in self._entries

    def array(self, name: str) -> np.ndarray:
        """Return a whole array (eager arrays from memory; lazy ones read now)."""
        found = self._eager.get(name)
        if found is not None:
            return found
        entry = self._entries[name]
        return self.read(name, 0, entry["shape"][0])

    def read(self, name: str, start: int, stop: int) -> np.ndarray:
        """Return rows ``start:stop`` of a one-dimensional array, read from the file."""
        found = self._eager.get(name)
        if found is not None:
            return found[start:stop]
        entry = self._entries[name]
        dtype = np.dtype(entry["dtype"])
        count = max(stop - start, 0)
        if not count:
            return np.empty(0, dtype=dtype)
        wanted = count * dtype.itemsize
        try:
            data = os.pread(self._fd, wanted, self._body_start + entry["offset"] + start * dtype.itemsize)
        except OSError as error:
            raise SideFileDamaged(self.path, str(error)) from error
        if len(data) != wanted:
            raise SideFileDamaged(self.path, f"read {len(data)} of {wanted} bytes of {name}")
        return np.frombuffer(data, dtype=dtype)

    def close(self) -> None:
        """Close the file."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()


class ArraysInMemory:
    """The arrays a side file would hold, kept in memory where the file cannot be written."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.path = None
        self._arrays = dict(arrays)

    def has(self, name: str) -> bool:
        """Whether there is an array of that name."""
        return name in self._arrays

    def array(self, name: str) -> np.ndarray:
        """Return a whole array."""
        return self._arrays[name]

    def read(self, name: str, start: int, stop: int) -> np.ndarray:
        """Return rows ``start:stop`` of an array."""
        return self._arrays[name][start:stop]

    def close(self) -> None:
        """Nothing to close."""


def open_side_file(path: Path, identity: Identity) -> SideFile:
    """Open and check a side file; raise :class:`StaleSideFile` saying why it cannot be used."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError as error:
        raise StaleSideFile("missing") from error
    try:
        directory, eager = _check(fd, identity)
    except BaseException:
        os.close(fd)
        raise
    return SideFile(path, fd, directory, eager)


def _check(fd: int, identity: Identity) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    size = os.fstat(fd).st_size
    head = os.pread(fd, _HEADER.size, 0)
    if len(head) != _HEADER.size:
        raise StaleSideFile("cut short before its header ends")
    magic, version, length, directory_at, digest = _HEADER.unpack(head)
    if magic != MAGIC:
        raise StaleSideFile("not a side file")
    if version != FORMAT_VERSION:
        raise StaleSideFile(f"format version {version}, the code reads {FORMAT_VERSION}")
    if not 0 < length <= _MAX_DIRECTORY or directory_at + length != size:
        raise StaleSideFile(f"{size} bytes, its header says {directory_at + length}")
    encoded = os.pread(fd, length, directory_at)
    if len(encoded) != length or _digest(encoded) != digest:
        raise StaleSideFile("its directory is damaged")
    directory = json.loads(encoded)
    if directory["schema"] != identity.schema_version:
        raise StaleSideFile(
            f"written for schema version {directory['schema']}, the index has {identity.schema_version}"
        )
    if directory["segment"] != identity.segment_id or directory["doc_count"] != identity.doc_count:
        raise StaleSideFile("written for another segment")
    for name, entry in directory["arrays"].items():
        nbytes = int(np.prod(entry["shape"], dtype=np.int64)) * np.dtype(entry["dtype"]).itemsize
        if directory["body_start"] + entry["offset"] + nbytes > directory_at:
            raise StaleSideFile(f"array {name} lies outside the file")
    eager: dict[str, np.ndarray] = {}
    for name, entry in directory["arrays"].items():
        if not entry["eager"]:
            continue
        dtype = np.dtype(entry["dtype"])
        nbytes = int(np.prod(entry["shape"], dtype=np.int64)) * dtype.itemsize
        data = os.pread(fd, nbytes, directory["body_start"] + entry["offset"])
        if len(data) != nbytes or zlib.crc32(data) != entry["crc"]:
            raise StaleSideFile(f"array {name} is damaged")
        eager[name] = np.frombuffer(data, dtype=dtype).reshape(entry["shape"])
    return directory, eager


def verify_contents(side: SideFile) -> None:
    """Read every array read in slices and check its CRC-32; raise :class:`StaleSideFile` if one fails.

    Opening checks only what it reads whole; this reads the rest (``flask index check``).
    """
    for name, entry in side._entries.items():
        if entry["eager"]:
            continue
        dtype = np.dtype(entry["dtype"])
        remaining = int(np.prod(entry["shape"], dtype=np.int64)) * dtype.itemsize
        position = side._body_start + entry["offset"]
        crc = 0
        while remaining:
            chunk = os.pread(side._fd, min(remaining, _CHUNK), position)
            if not chunk:
                raise StaleSideFile(f"array {name} is cut short")
            crc = zlib.crc32(chunk, crc)
            position += len(chunk)
            remaining -= len(chunk)
        if crc != entry["crc"]:
            raise StaleSideFile(f"array {name} is damaged")


def _aligned(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()
