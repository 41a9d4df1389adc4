"""The fast build writes exactly what Whoosh's own writer writes (issue 13: build speed).

Three levels: the field indexers give Whoosh's postings and spelling words for tricky texts;
``BuildWriter`` writes a segment whose files are byte for byte those of Whoosh's
``SegmentWriter`` (with and without spilling runs to disk); and ``SearchIndex.rebuild`` with
worker processes holds the same terms, postings, lengths, stored fields and spelling words per
listing as the stock build, and answers searches with the same hits and scores.
"""

from __future__ import annotations

import pickle
import random
import string
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT

from search_index import index as index_module
from search_index import storage
from search_index.bench import load_taxonomy, make_corpus, make_documents, make_queries
from search_index.building import BuildWriter
from search_index.field_indexers import KeywordIndexer, TextIndexer, indexer_for
from search_index.index import PARALLEL_BUILD_FROM, SearchIndex
from search_index.postings import split_values
from search_index.schema import index_fields, make_schema
from search_index.storage import SyncState

DOC_COUNT = 1500
TEXT_FIELDS = ("name", "labels", "place", "description")

TRICKY_TEXTS = [
    "",
    " ",
    "the",
    "The and OR not to be",
    "Café crème brûlée in São Paulo; ÉCOLE, naïve façade",
    "O'Brien's rock-n-roll don't won't y'all",
    "well-being co-occurring self-pay 24/7 3.14 v1.2.3 U.S.A. e.g. 1,000",
    "İstanbul ǅemal STRASSE straße ﬁnance Ωmega ΣΊΣΥΦΟΣ",
    "日本語のテキスト 中文 한국어 العربية עברית",
    "e\u0301cole \u0301 combining\u0300",
    "a" * 3000 + " then " + "b" * 70,
    "running runs ran runner's RUNNING Runs",
    "x_y __ _ 1_000 under_score",
    "repeat repeat repeat the repeat, repeat. REPEAT",
    "tabs\tand\nnew lines\r\nhere",
    "the the the cat the",
    "emoji 🙂 text ☕ tea",
    "ketamine-assisted therapy; IV/IM esketamine (Spravato®) — PTSD & TRD",
]


def generated_texts(count: int, seed: int = 5) -> list[str]:
    """Return random texts mixing letters, accents, digits, punctuation and stop words."""
    rng = random.Random(seed)
    pieces = [
        *string.ascii_letters,
        *"éÉèçÇßİıüÜñ日本",
        *string.digits,
        *" .,'-_/\t\n",
        "the ",
        "and ",
        "of ",
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 80))) for _ in range(count)]


ALL_TEXTS = [*TRICKY_TEXTS, *generated_texts(1500)]


# --- the field indexers ------------------------------------------------------------------------------


@pytest.mark.parametrize("fieldname", TEXT_FIELDS)
def test_text_indexer_gives_whooshs_postings_and_spelling_words(fieldname):
    field = make_schema()[fieldname]
    indexer = indexer_for(field)
    assert isinstance(indexer, TextIndexer)
    for text in ALL_TEXTS:
        assert indexer.index(text) == list(field.index(text)), text
        expected_words = [word.encode("utf-8") for word in field.spellable_words(text)]
        assert indexer.spellable_words(text) == expected_words, text


def test_add_to_files_the_same_postings_as_index():
    indexer = indexer_for(make_schema()["description"])
    assert indexer is not None
    for docnum, text in enumerate(ALL_TEXTS):
        table: dict[bytes, Any] = {}
        length, last, added = indexer.add_to(text, table, docnum)
        items = indexer.index(text)
        filed = [
            (term, ids[0], weights[0], split_values(sizes, values)[0])
            for term, (ids, weights, sizes, values) in table.items()
        ]
        assert filed == [(term, docnum, weight, value) for term, _, weight, value in items]
        assert length == sum(freq for _, freq, _, _ in items)
        assert last == (items[-1][3] if items else None)
        assert (added > 0) == bool(items)


def test_keyword_indexer_gives_whooshs_postings():
    field = make_schema()["tags"]
    indexer = indexer_for(field)
    assert isinstance(indexer, KeywordIndexer)
    texts = [
        *ALL_TEXTS,
        "status:published therapy:ketamine status:published city:ut:salt-lake-city",
        "a\tb\nc\rd  e a a",
        "Über:ÜBER über:über",
    ]
    for text in texts:
        assert indexer.index(text) == list(field.index(text)), text


def test_fields_the_indexers_do_not_reproduce_keep_whooshs_path():
    assert indexer_for(TEXT(analyzer=StandardAnalyzer())) is None
    assert indexer_for(TEXT()) is None
    assert indexer_for(TEXT(analyzer=make_schema()["name"].analyzer, vector=True)) is None
    assert indexer_for(TEXT(analyzer=make_schema()["name"].analyzer, phrase=False)) is None
    assert indexer_for(KEYWORD(lowercase=True)) is None
    assert indexer_for(KEYWORD(commas=True)) is None
    assert indexer_for(ID()) is None


# --- whole indexes ---------------------------------------------------------------------------------


def tricky_documents(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return copies of some documents with the tricky texts in their text fields."""
    tricky = []
    for number, text in enumerate(TRICKY_TEXTS):
        doc = dict(docs[number])
        doc["id"] = f"tricky-{number}"
        doc["description"] = text
        doc["name"] = TRICKY_TEXTS[-1 - number] or "x"
        doc["city"] = text[:40] or None
        tricky.append(doc)
    return tricky


@pytest.fixture(scope="module")
def material() -> dict[str, Any]:
    vocabulary, groups = load_taxonomy()
    rng = random.Random(11)
    corpus = make_corpus(rng, vocabulary)
    docs = make_documents(rng, corpus, DOC_COUNT)
    docs[5]["description"] = ""
    return {
        "vocabulary": vocabulary,
        "groups": groups,
        "docs": [*docs, *tricky_documents(docs)],
        "queries": make_queries(rng, corpus, 80),
    }


def segment_files(ix: Any) -> dict[str, bytes]:
    """Return the files of an index's only segment, by name without the random segment id."""
    (segment,) = ix._segments()
    files = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
    found = {}
    for name in files.list():
        with files.open_file(name) as handle:
            found[name.replace(segment.segid, "SEGMENT")] = handle.read()
    return found


def single_segment(root: Path, writer_for: Any, docs: list[dict[str, Any]], vocabulary: Any) -> Any:
    root.mkdir()
    ix = whoosh_index.create_in(str(root), make_schema())
    writer = writer_for(ix)
    for doc in docs:
        writer.add_document(**index_fields(doc, vocabulary))
    writer.commit()
    return whoosh_index.open_dir(str(root))


@pytest.fixture(scope="module")
def stock_files(material, tmp_path_factory) -> tuple[dict[str, bytes], Any]:
    root = tmp_path_factory.mktemp("stock") / "index"
    ix = single_segment(root, lambda ix: ix.writer(), material["docs"], material["vocabulary"])
    return segment_files(ix), ix._segments()[0]


@pytest.mark.parametrize("limitmb", [256, 1])
def test_build_writer_writes_whooshs_segment_byte_for_byte(material, stock_files, tmp_path, limitmb):
    expected, expected_segment = stock_files
    ix = single_segment(
        tmp_path / "index",
        lambda ix: BuildWriter(ix, limitmb=limitmb),
        material["docs"],
        material["vocabulary"],
    )
    written = segment_files(ix)
    assert sorted(written) == sorted(expected)
    assert any(name.endswith(".pst") for name in written)
    for name, content in expected.items():
        assert written[name] == content, name
    segment = ix._segments()[0]
    assert segment.doc_count_all() == expected_segment.doc_count_all() == len(material["docs"])
    assert segment._fieldlengths == expected_segment._fieldlengths


def test_small_memory_limit_spills_runs(material, tmp_path):
    (tmp_path / "index").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "index"), make_schema())
    writer = BuildWriter(ix, limitmb=1)
    spilled = 0
    for doc in material["docs"]:
        runs = len(writer.store.runs)
        writer.add_document(**index_fields(doc, material["vocabulary"]))
        spilled += len(writer.store.runs) > runs
    assert spilled >= 2
    writer.commit()
    assert not list((tmp_path / "index").glob("**/*.run"))


def stock_write_documents(
    index: Any, documents: Any, to_fields: Any, *, procs: int, limitmb: int, progress: Any = None
) -> int:
    """The build as it was before BuildWriter: Whoosh's writer, worker processes from 2 procs."""
    writer = index.writer(procs=procs, limitmb=limitmb, multisegment=procs > 1)
    count = 0
    for doc in documents:
        writer.add_document(**to_fields(doc))
        count += 1
    writer.commit()
    return count


def built(root: Path, material: Mapping[str, Any], procs: int, *, stock: bool) -> SearchIndex:
    index = SearchIndex(root, material["vocabulary"], material["groups"], build_procs=procs)
    with pytest.MonkeyPatch.context() as patch:
        if stock:
            patch.setattr(index_module, "write_documents", stock_write_documents)
        index.rebuild(material["docs"], SyncState(schema_version=0), expected_count=PARALLEL_BUILD_FROM)
    return index


def listing_contents(index: SearchIndex) -> dict[str, Any]:
    """Return what the index holds per listing id: postings, lengths, stored fields; and the words."""
    ix = whoosh_index.open_dir(str(storage.current_generation(index.root)))
    contents: dict[str, Any] = {}
    with ix.reader() as reader:
        ids = {docnum: stored["id"] for docnum, stored in reader.iter_docs()}
        # Pickled, so that NaN coordinates compare equal.
        contents["stored"] = {ids[docnum]: pickle.dumps(stored) for docnum, stored in reader.iter_docs()}
        contents["doc_count"] = reader.doc_count()
        for field in reader.indexed_field_names():
            terms = list(reader.lexicon(field))
            if field.startswith("spell_"):  # Whoosh files spelling words under each segment's doc 0
                contents[field] = terms
                continue
            contents[("length", field)] = reader.field_length(field)
            contents[("lengths", field)] = {
                ids[docnum]: reader.doc_field_length(docnum, field) for docnum in ids
            }
            for term in terms:
                contents[(field, term)] = sorted(_postings(reader, field, term, ids))
    return contents


def _postings(
    reader: Any, field: str, term: bytes, ids: Mapping[int, str]
) -> Iterator[tuple[str, float, bytes]]:
    matcher = reader.postings(field, term)
    while matcher.is_active():
        yield ids[matcher.id()], matcher.weight(), matcher.value()
        matcher.next()


@pytest.fixture(scope="module")
def stock_parallel(material, tmp_path_factory) -> dict[str, Any]:
    index = built(tmp_path_factory.mktemp("stock-parallel"), material, 2, stock=True)
    try:
        return listing_contents(index)
    finally:
        index.close()


def test_parallel_rebuild_holds_what_the_stock_parallel_build_holds(material, stock_parallel, tmp_path):
    index = built(tmp_path, material, 2, stock=False)
    try:
        contents = listing_contents(index)
    finally:
        index.close()
    assert contents.keys() == stock_parallel.keys()
    assert contents["doc_count"] == len(material["docs"])
    for key, expected in stock_parallel.items():
        assert contents[key] == expected, key


def test_rebuild_answers_every_search_as_the_stock_build(material, tmp_path):
    stock = built(tmp_path / "stock", material, 1, stock=True)
    fast = built(tmp_path / "fast", material, 1, stock=False)
    try:
        answered = 0
        for _, request in material["queries"]:
            expected = stock.search(request)
            found = fast.search(request)
            assert found == expected, request
            answered += bool(expected.hits)
        assert answered > len(material["queries"]) // 2
    finally:
        stock.close()
        fast.close()
