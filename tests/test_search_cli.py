"""``flask search``: the command-line search prints results or the API document, and exits 2 on bad input."""

import json

import pytest

from directory.search import get_search_service


@pytest.fixture
def indexed(app, session):
    """The sample directory, loaded and indexed."""
    from directory.operations.sample_data import load_sample
    from tests.conftest import DATA_DIR

    load_sample(session, DATA_DIR)
    session.commit()
    get_search_service(app).rebuild()
    return app


def test_json_document_has_the_api_shape(indexed, runner):
    result = runner.invoke(args=["search", "ketamine", "--near", "84101", "--radius", "50", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert set(document) >= {"total", "page", "per_page", "hits", "facets", "suggestion"}
    assert document["total"] == len(document["hits"]) > 0
    hit = document["hits"][0]
    assert set(hit) >= {
        "id", "slug", "name", "city", "state", "zip", "latitude", "longitude", "distance_miles",
        "verified", "advertiser", "status", "terms", "highlight",
    }  # fmt: skip
    assert all(h["distance_miles"] <= 50 for h in document["hits"])
    therapy = {f["code"]: f for f in document["facets"]["therapy"]}
    assert set(therapy["esketamine"]) == {"code", "label", "count"}


def test_json_document_names_the_terms_the_words_name(indexed, runner):
    result = runner.invoke(args=["search", "psychedelic", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["total"] > 0
    assert document["named_terms"] == [  # in the order data/synonyms.json names them
        {
            "scheme": "therapy",
            "code": "psychedelic-assisted-therapy",
            "label": "Psychedelic-assisted therapy",
        },
        {"scheme": "therapy", "code": "ketamine-assisted-therapy", "label": "Ketamine-assisted therapy"},
    ]


def test_filters_repeat_and_or_within_a_scheme(indexed, runner):
    def total(*args):
        result = runner.invoke(args=["search", *args, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["total"]

    ketamine = total("--therapy", "ketamine-assisted-therapy")
    esketamine = total("--therapy", "esketamine")
    both = total("--therapy", "ketamine-assisted-therapy", "--therapy", "esketamine")
    assert max(ketamine, esketamine) <= both <= ketamine + esketamine


def test_table_output_marks_verified_and_advertisers(indexed, runner):
    result = runner.invoke(args=["search", "--verified-only", "--advertiser", "--per-page", "100"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("- ")]
    assert lines and all("[verified] [advertiser]" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--therapy", "no-such-therapy"], "Unknown therapy type value(s): no-such-therapy."),
        (["--near", "Atlantis, ZZ"], "Atlantis, ZZ"),
        (["--near", "84101", "--radius", "-5"], "The distance must be between 0.5 and 500 miles."),
        (["--radius", "10"], "A distance needs a location"),
        (["--page", "0"], "The page number must be 1 or more."),
        (["--per-page", "500"], "Results per page must be between 1 and 100."),
        (["x" * 300], "Search text is limited to 200 characters"),
        (["--status", "bogus"], "Unknown status value(s): bogus."),
    ],
)
def test_bad_input_exits_2_with_one_line(app, vocabulary, runner, args, message):
    get_search_service(app).rebuild()
    result = runner.invoke(args=["search", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [["x" * 64_000], ["--status", "x" * 64_000], ["--therapy", "x" * 64_000], ["--near", "x" * 64_000]],
    ids=["text", "status", "therapy", "near"],
)
def test_a_64000_character_value_is_refused_without_being_echoed(app, vocabulary, runner, args):
    get_search_service(app).rebuild()
    result = runner.invoke(args=["search", *args, "--json"])
    assert result.exit_code == 2
    assert len(result.output) < 300
    assert "x" * 61 not in result.output  # at most a short prefix, marked as cut


def test_every_vocabulary_scheme_has_an_option(sample, runner):
    result = runner.invoke(args=["search", "--help"])
    for scheme in sample.vocabulary["schemes"]:
        assert f"--{scheme['code'].replace('_', '-')}" in result.output, scheme["code"]
