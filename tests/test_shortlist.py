"""The shortlist's rules and exports as pure functions: order, limits, notes, the place, CSV cells."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from directory.staff.shortlist import (
    MAX_CENTERS,
    MAX_NOTE_LENGTH,
    MAX_STATE_BYTES,
    Entry,
    Shortlist,
    ShortlistError,
    add_center,
    center_key,
    clean_note,
    move_center,
    remove_center,
    set_note,
    set_place,
    stored_size,
)
from directory.staff.shortlist_export import CSV_COLUMNS, as_csv, as_text, csv_cell
from directory.staff.shortlist_rows import ShortlistRow, ShortlistView

IDS = [str(uuid.UUID(int=n)) for n in range(1, MAX_CENTERS + 2)]


def listed(*ids: str) -> Shortlist:
    """Return a shortlist of ``ids`` in order."""
    shortlist = Shortlist()
    for center_id in ids:
        shortlist = add_center(shortlist, center_id)
    return shortlist


def row(position: int, **overrides: object) -> ShortlistRow:
    """Return an export row with plausible values."""
    values = {
        "position": position,
        "center_id": IDS[position],
        "slug": f"center-{position}",
        "name": f"Center {position}",
        "status": "published",
        "phone": f"(801) 555-01{position:02d}",
        "address": "1 Main St, Salt Lake City, UT 84101",
        "website": f"https://center-{position}.example",
        "distance_miles": 1.25 * position,
        "note": "",
    }
    return ShortlistRow(**{**values, **overrides})  # type: ignore[arg-type]


def test_centers_keep_the_order_they_were_added_in_and_adding_twice_changes_nothing():
    shortlist = listed(IDS[2], IDS[0], IDS[1])
    assert shortlist.center_ids == [IDS[2], IDS[0], IDS[1]]
    assert add_center(shortlist, IDS[0]) == shortlist


def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends():
    shortlist = listed(*IDS[:3])
    assert move_center(shortlist, IDS[2], "up").center_ids == [IDS[0], IDS[2], IDS[1]]
    assert move_center(shortlist, IDS[0], "down").center_ids == [IDS[1], IDS[0], IDS[2]]
    assert move_center(shortlist, IDS[0], "up") == shortlist
    assert move_center(shortlist, IDS[2], "down") == shortlist
    with pytest.raises(ShortlistError, match="up or down"):
        move_center(shortlist, IDS[0], "left")


def test_notes_move_with_their_center():
    shortlist = set_note(listed(*IDS[:2]), IDS[1], "ask about the wait list")
    moved = move_center(shortlist, IDS[1], "up")
    assert moved.entries == (Entry(IDS[1], "ask about the wait list"), Entry(IDS[0], ""))


def test_removing_keeps_the_rest_in_order_and_refuses_a_center_not_listed():
    shortlist = remove_center(listed(*IDS[:3]), IDS[1])
    assert shortlist.center_ids == [IDS[0], IDS[2]]
    with pytest.raises(ShortlistError) as refused:
        remove_center(shortlist, IDS[1])
    assert refused.value.status == 404


def test_at_most_ten_centers():
    full = listed(*IDS[:MAX_CENTERS])
    with pytest.raises(ShortlistError, match="at most 10 centers") as refused:
        add_center(full, IDS[MAX_CENTERS])
    assert refused.value.status == 409


@pytest.mark.parametrize(
    "note",
    [
        "call back on 801 555 0199",
        "her number is +1 (801) 555-0199",
        "8015550199",
        "write to jane.roe@example.com",
    ],
)
def test_a_note_cannot_hold_a_phone_number_or_an_e_mail_address(note):
    with pytest.raises(ShortlistError, match="never keeps anything about the caller"):
        clean_note(note)


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("ask about the wait list", "ask about the wait list"),
        ("  self-pay $700-725,\n  opens 9 to 5 ", "self-pay $700-725, opens 9 to 5"),
        ("ext. 204 for intake", "ext. 204 for intake"),
        ("", ""),
    ],
)
def test_ordinary_notes_are_kept_on_one_line(note, kept):
    assert clean_note(note) == kept


def test_a_note_of_the_longest_length_is_kept_and_one_more_character_is_refused():
    assert clean_note("a" * MAX_NOTE_LENGTH) == "a" * MAX_NOTE_LENGTH
    with pytest.raises(ShortlistError, match=f"at most {MAX_NOTE_LENGTH} characters; this one has 281"):
        clean_note("a" * (MAX_NOTE_LENGTH + 1))


def test_the_stored_shortlist_never_outgrows_its_budget():
    shortlist = listed(*IDS[:MAX_CENTERS])
    with pytest.raises(ShortlistError, match="too long together"):
        for center_id in IDS[:MAX_CENTERS]:
            shortlist = set_note(shortlist, center_id, "ü" * MAX_NOTE_LENGTH)
            assert stored_size(shortlist) <= MAX_STATE_BYTES
    assert stored_size(shortlist) <= MAX_STATE_BYTES


def test_the_place_is_checked_kept_and_cleared():
    shortlist = set_place(listed(IDS[0]), "  84101 ")
    assert shortlist.near == "84101"
    assert add_center(shortlist, IDS[1], near="Denver, CO").near == "Denver, CO"
    assert add_center(shortlist, IDS[1]).near == "84101"  # an add without a place keeps the place
    assert set_place(shortlist, "").near == ""
    with pytest.raises(ShortlistError, match="Atlantis"):
        set_place(shortlist, "Atlantis, ZZ")
    with pytest.raises(ShortlistError, match="at most 100 characters"):
        set_place(shortlist, "9" * 101)


def test_the_session_holds_only_ids_notes_and_the_place():
    shortlist = set_note(set_place(listed(*IDS[:2]), "84101"), IDS[0], "ask about the wait list")
    stored = shortlist.to_session()
    assert stored == {"c": [[IDS[0], "ask about the wait list"], [IDS[1], ""]], "near": "84101"}
    assert Shortlist.from_session(stored) == shortlist


@pytest.mark.parametrize("raw", [None, "x", {"c": "x"}, {"c": [["only-one"]]}, {"c": [[1, 2]]}])
def test_anything_else_in_the_session_reads_as_an_empty_shortlist(raw):
    assert Shortlist.from_session(raw).center_ids == []


@pytest.mark.parametrize("raw", [None, "", "12", "x" * 36, f"{IDS[0]}\x00"])
def test_a_center_key_must_be_an_id(raw):
    with pytest.raises(ShortlistError, match="Choose a center"):
        center_key(raw)


def test_text_export_lists_each_center_in_order_with_only_what_it_has():
    view = ShortlistView(
        [row(1, note="ask about the wait list"), row(2, website=None, phone=None, distance_miles=None)],
        "84101",
    )
    assert as_text(view) == (
        "1. Center 1\n"
        "Phone: (801) 555-0101\n"
        "Address: 1 Main St, Salt Lake City, UT 84101\n"
        "Website: https://center-1.example\n"
        "Distance: 1.2 miles from 84101\n"
        "Note: ask about the wait list\n"
        "\n"
        "2. Center 2\n"
        "Phone: none listed\n"
        "Address: 1 Main St, Salt Lake City, UT 84101\n"
    )


def test_text_export_marks_a_listing_the_public_does_not_see():
    text = as_text(ShortlistView([row(1, status="closed")], None))
    assert text.startswith("1. Center 1 (listing closed)\n")


def test_text_export_shows_no_distance_without_a_place():
    assert "Distance" not in as_text(ShortlistView([row(1)], None))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("https://evil.example")', '\'=HYPERLINK("https://evil.example")'),
        ("+1 (801) 555-0101", "'+1 (801) 555-0101"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Center = care", "Center = care"),
        (None, ""),
        (3, "3"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed(value, cell):
    assert csv_cell(value) == cell


def test_csv_export_has_a_header_and_a_row_per_center_in_order():
    view = ShortlistView([row(2, name="=cmd|' /C calc'!A0"), row(1, note="@evil")], "84101")
    rows = list(csv.reader(io.StringIO(as_csv(view))))
    assert rows[0] == list(CSV_COLUMNS)
    assert [r[0] for r in rows[1:]] == ["2", "1"]
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    assert rows[2][-1] == "'@evil"
    assert rows[1][5:7] == ["2.5", "84101"]
