"""A Whoosh segment writer for full builds: Whoosh's files, written with less work per posting.

:class:`BuildWriter` is Whoosh's ``SegmentWriter`` with three costs taken out, each producing the
same bytes as before (``tests/test_search_build_identity.py`` compares the files):

* the schema's TEXT and KEYWORD fields are analysed once per distinct word
  (:mod:`search_index.field_indexers`);
* postings are grouped by term in compact arrays (:mod:`search_index.postings`), not pickled one
  by one through Whoosh's sorting pool;
* each term's posting blocks are handed to Whoosh's own block writer 128 postings at a time,
  with field lengths read from memory, instead of one ``add_posting`` call and one length-column
  read per posting.

Stored fields, length columns, the term table and the TOC are still written by Whoosh's codec.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any

from whoosh.codec.whoosh3 import W3FieldWriter, W3PerDocWriter, W3PostingsWriter
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from search_index.field_indexers import indexer_for
from search_index.postings import (
    POSTING_OVERHEAD,
    TERM_OVERHEAD,
    Entry,
    PostingStore,
    new_entry,
    split_values,
)


class BuildWriter(SegmentWriter):
    """A ``SegmentWriter`` for adding many documents to a new segment (no updates, no deletions)."""

    def __init__(self, ix: Any, limitmb: int = 256, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        w3 = isinstance(self.perdocwriter, W3PerDocWriter) and isinstance(self.fieldwriter, W3FieldWriter)
        if not w3:
            raise TypeError("BuildWriter writes Whoosh's default (W3) codec only")
        schema = self.schema
        self._indexers = {name: indexer for name in schema.names() if (indexer := indexer_for(schema[name]))}
        spelling = frozenset(
            schema[name].spelling_fieldname(name)
            for name in schema.names()
            if schema[name].separate_spelling()
        )
        # Three quarters of the limit for postings: the rest covers merging runs and the caches.
        self.store = PostingStore(self._tempstorage.folder, limitmb * 768 * 1024, spelling)
        #: field -> length byte of each document (as in the field's length column; 0 for none).
        self._length_bytes: dict[str, bytearray] = {}

    def add_document(self, **fields: Any) -> None:
        """Add one document, exactly as ``SegmentWriter.add_document`` would."""
        # This follows whoosh.writing.SegmentWriter.add_document line by line; only where the
        # postings go (and the fast analysis) differ. Term vectors are not supported.
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        store = self.store
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        # Whoosh files a field's spelling words with the value of the last posting written before
        # them (a leftover loop variable); kept so that the postings file is the same.
        vbytes: bytes | None = None
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            if field.vector:
                raise ValueError(f"BuildWriter does not write term vectors (field {fieldname!r})")
            indexer = self._indexers.get(fieldname) if isinstance(value, str) else None

            length = 0
            if field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost)
                table = store.field(fieldname)
                if indexer is not None and fieldboost == 1.0:
                    length, last, added = indexer.add_to(value, table, docnum)
                    if last is not None:
                        vbytes = last
                    store.size += added
                    if not field.scorable:
                        length = 0
                else:
                    items = field.index(value) if indexer is None else indexer.index(value)
                    scorable = field.scorable
                    length, vbytes = _add_items(store, table, items, docnum, fieldboost, scorable, vbytes)

            if field.separate_spelling():
                spellfield = field.spelling_fieldname(fieldname)
                if indexer is None:
                    words = [word.encode("utf-8") for word in field.spellable_words(value)]
                else:
                    words = indexer.spellable_words(value)
                if words:
                    self._add_spelling(spellfield, words, vbytes)

            customval = fields.get(f"_stored_{fieldname}", value)
            sv = customval if field.stored else None
            perdocwriter.add_field(fieldname, field, sv, length)
            if length:
                self._record_length(fieldname, docnum, length)

            column = field.column_type
            if column and customval is not None:
                cv = field.to_column_value(customval)
                perdocwriter.add_column_value(fieldname, column, cv)

        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        store.spill_if_full()

    def _add_spelling(self, spellfield: str, words: list[bytes], vbytes: bytes | None) -> None:
        """File spelling words as Whoosh does: document 0, weight 1, the leftover value."""
        value = vbytes or b""
        table = self.store.field(spellfield)
        size = len(value)
        for word in words:
            entry = table.get(word)
            if entry is None:
                entry = table[word] = new_entry()
                self.store.size += TERM_OVERHEAD
            entry[0].append(0)
            entry[1].append(1.0)
            entry[2].append(size)
            entry[3].extend(value)
        self.store.size += len(words) * (POSTING_OVERHEAD + size)

    def _record_length(self, fieldname: str, docnum: int, length: int) -> None:
        lengths = self._length_bytes.get(fieldname)
        if lengths is None:
            lengths = self._length_bytes[fieldname] = bytearray()
        if len(lengths) < docnum:
            lengths.extend(bytes(docnum - len(lengths)))
        lengths.append(length_to_byte(length))

    # -- writing the segment -------------------------------------------------------------------

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        schema = self.schema
        spelling = self.store.spelling_fields
        current = None
        for fieldname, term, entry in self.store.terms():
            if fieldname != current:
                if current is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, schema[fieldname])
                current = fieldname
            fieldwriter.start_term(term)
            if fieldname in spelling:
                _write_spelling_blocks(fieldwriter._postwriter, entry)
            else:
                _write_blocks(fieldwriter._postwriter, entry, self._length_bytes.get(fieldname, b""))
            fieldwriter.finish_term()
        if current is not None:
            fieldwriter.finish_field()
        fieldwriter.close()

    def _close_segment(self) -> None:
        super()._close_segment()
        self.store.cleanup()


def _add_items(
    store: PostingStore,
    table: dict[bytes, Entry],
    items: Iterable[tuple[bytes, int, float, bytes | None]],
    docnum: int,
    fieldboost: float,
    scorable: bool,
    vbytes: bytes | None,
) -> tuple[int, bytes | None]:
    """Add a field's ``(term, frequency, weight, value)`` items; return its length and last value."""
    length = 0
    for tbytes, freq, weight, vbytes in items:  # the last value is returned
        weight *= fieldboost
        if scorable:
            length += freq
        entry = table.get(tbytes)
        if entry is None:
            entry = table[tbytes] = new_entry()
            store.size += TERM_OVERHEAD
        entry[0].append(docnum)
        entry[1].append(weight)
        value = vbytes or b""  # None is written as empty bytes
        entry[2].append(len(value))
        entry[3].extend(value)
        store.size += POSTING_OVERHEAD + len(value)
    return length, vbytes


def _write_blocks(writer: W3PostingsWriter, entry: Entry, lengths: bytes | bytearray) -> None:
    """Write one term's postings as ``add_posting`` per posting then ``finish_postings`` would."""
    ids, weights, sizes, values = entry
    parts = split_values(sizes, values)
    count = len(ids)
    limit = writer._blocklimit
    known = len(lengths)
    for start in range(0, count, limit):
        end = min(start + limit, count)
        block_ids = ids[start:end]
        block_weights = weights[start:end]
        heaviest = max(block_weights)
        # Lengths as the length column gives them back: rounded through a byte, 0 read as none.
        found = [lengths[doc] for doc in block_ids if doc < known and lengths[doc]]
        writer._ids = block_ids
        writer._weights = array("f", block_weights)
        writer._values = [part for part in parts[start:end] if part]
        writer._maxweight = heaviest if heaviest > 0 else 0
        writer._minlength = byte_to_length(min(found)) if found else None
        writer._maxlength = byte_to_length(max(found)) if found else 0
        writer._write_block(last=end == count)


def _write_spelling_blocks(writer: W3PostingsWriter, entry: Entry) -> None:
    """Write a spelling word's postings: all document 0 with weight 1 (an int, as Whoosh files it)."""
    _, _, sizes, values = entry
    parts = split_values(sizes, values)
    count = len(parts)
    limit = writer._blocklimit
    for start in range(0, count, limit):
        end = min(start + limit, count)
        writer._ids = array("I", bytes(4 * (end - start)))
        writer._weights = array("f", [1.0]) * (end - start)
        writer._values = [part for part in parts[start:end] if part]
        writer._maxweight = 1
        writer._minlength = None
        writer._maxlength = 0
        writer._write_block(last=end == count)
