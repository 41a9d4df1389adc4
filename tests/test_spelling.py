"""The did-you-mean word tables: exact within their edit bound, bounded in work, ranked predictably."""

from __future__ import annotations

import random

import pytest

from search_index import bench, spelling
from search_index.query import MAX_QUERY_LENGTH
from search_index.spelling import (
    MAX_CANDIDATES,
    MAX_CORRECTED_WORDS,
    Respelling,
    Speller,
    WordTable,
    allowed_edits,
    edit_distance,
    respell,
    unknown_parts,
)

LETTERS = "abcdefghijklmnopqrstuvwxyzé"


def reference_distance(a: str, b: str) -> int:
    """Edit distance with swaps of neighbours, the whole table computed (no early exit)."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        table[i][0] = i
    for j in range(len(b) + 1):
        table[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(
                table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


def typo(rng: random.Random, word: str, edits: int) -> str:
    """Make ``edits`` random mistakes (drop, insert, replace, swap) in ``word``."""
    for _ in range(edits):
        at = rng.randrange(len(word))
        mistake = rng.choice(("drop", "insert", "replace", "swap"))
        if mistake == "drop" and len(word) > 1:
            word = word[:at] + word[at + 1 :]
        elif mistake == "insert":
            word = word[:at] + rng.choice(LETTERS) + word[at:]
        elif mistake == "swap" and at + 1 < len(word):
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        else:
            word = word[:at] + rng.choice(LETTERS) + word[at + 1 :]
    return word


@pytest.fixture(scope="module")
def corpus_words() -> list[str]:
    """About 5,000 words: the benchmark's description vocabulary, made-up words included."""
    return bench.ranked_words(random.Random(11))


def test_edit_distance_matches_the_full_table_up_to_its_limit():
    rng = random.Random(1)
    for _ in range(2000):
        a = "".join(rng.choice("abcde") for _ in range(rng.randint(0, 8)))
        b = typo(rng, a, rng.randint(0, 3)) if a and rng.random() < 0.7 else "".join(rng.sample("abcde", 3))
        expected = reference_distance(a, b)
        for limit in (1, 2):
            assert edit_distance(a, b, limit) == min(expected, limit + 1), (a, b, limit)


def test_a_swap_of_neighbours_is_one_edit():
    assert edit_distance("ketmaine", "ketamine", 2) == 1


def test_near_finds_exactly_the_words_within_reach(corpus_words):
    """Its filters (length, letter counts, letter pairs) never drop a word a full scan would find."""
    table = WordTable(dict.fromkeys(corpus_words, 1))
    rng = random.Random(2)
    for _ in range(100):
        word = typo(rng, rng.choice(corpus_words), rng.randint(1, 2))
        edits = allowed_edits(word)
        expected = {
            other
            for other in corpus_words
            if other != word and edit_distance(word, other, edits) <= edits  # checked above against the table
        }
        if len(expected) < MAX_CANDIDATES // 2:
            assert set(table.near(word, edits)) == expected, word


def test_near_checks_at_most_the_candidate_bound(monkeypatch):
    words = {
        f"{first}{second}ab{third}": 1 for first in "abcdefgh" for second in "ijklmnop" for third in "qrst"
    }
    table = WordTable(words)
    checked: list[str] = []

    def counting(a: str, b: str, limit: int) -> int:
        checked.append(b)
        return edit_distance(a, b, limit)

    monkeypatch.setattr(spelling, "edit_distance", counting)

    found = table.near("aiabq", 2)

    assert len(found) > 0 and len(checked) <= MAX_CANDIDATES < len(words)


@pytest.mark.parametrize(
    ("word", "edits"), [("", 0), ("ab", 0), ("abc", 1), ("abcde", 1), ("abcdef", 2), ("k" * 50, 2)]
)
def test_short_words_get_fewer_edits(word, edits):
    assert allowed_edits(word) == edits


def test_closest_prefers_fewest_edits_then_most_listings_then_the_alphabet():
    speller = Speller([WordTable({"ketamine": 1, "ketamines": 9, "katamine": 5, "betamine": 5})])

    assert speller.closest("ketamne") == "ketamine"  # 1 edit beats 2, however common
    assert speller.closest("hetamine") == "betamine"  # 1 edit each from betamine, ketamine: more listings
    assert speller.closest("aetamine") == "betamine"  # betamine and katamine tie: the alphabet decides


def test_counts_add_up_across_tables_and_words_in_no_listing_rank_last():
    segments = [WordTable({"lake": 1, "lane": 1}), WordTable({"lake": 1})]
    synonyms = WordTable({"lace": 0})

    assert Speller([synonyms, *segments]).closest("lame") == "lake"
    assert Speller([synonyms]).closest("lame") == "lace"


def test_short_and_overlong_words_are_not_corrected():
    speller = Speller([WordTable({"ab": 3, "abc": 3, "abcd": 3, "x" * 40: 1})])

    assert speller.closest("ac") is None  # two letters: no edits allowed
    assert speller.closest("abxy") is None  # four letters: one edit allowed, two needed
    assert speller.closest("x" * 39) == "x" * 40
    assert speller.closest("x" * 41) is None
    assert speller.closest("x" * 200) is None


def test_the_word_itself_is_never_its_own_correction():
    assert Speller([WordTable({"lakeside": 4})]).closest("lakeside") is None


def test_unknown_parts_split_hyphens_and_give_up_past_the_bound():
    known = {"ketamine", "assisted", "salt", "lake"}.__contains__

    assert unknown_parts([("Ketamne-assisted", False), ("salt lake", True)], known) == ("ketamne",)
    assert unknown_parts([("ketamine", False)], known) is None
    several = [(f"word{n}", False) for n in range(MAX_CORRECTED_WORDS)]
    assert unknown_parts(several, known) == tuple(f"word{n}" for n in range(MAX_CORRECTED_WORDS))
    assert unknown_parts([*several, ("one-more", False)], known) is None


def test_respell_keeps_quotes_and_hyphens():
    typed = [("salt lake", True), ("Ketamne-assisted", False), ("famly", False)]
    corrections = {"ketamne": "ketamine", "famly": "family"}

    assert respell(typed, corrections) == '"salt lake" ketamine-assisted family'


def test_a_respelling_longer_than_a_query_may_be_is_dropped():
    speller = Speller([WordTable({"abcdefgh": 1})])
    fits = [(" ".join(["abcdefg"] * 24), False)]
    too_long = [(" ".join(["abcdefg"] * 25), False)]

    assert len(Respelling(fits, ("abcdefg",), speller).text() or "") <= MAX_QUERY_LENGTH
    assert Respelling(too_long, ("abcdefg",), speller).text() is None
