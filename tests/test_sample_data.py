"""The sample directory: it keeps the product's rules, and loading it twice changes nothing."""

import json
import re
import shutil
from collections import Counter

import pytest
from sqlalchemy import func, select

from directory.models import Article, AuditEvent, Center, ListingStatus, Location, VerificationStatus
from directory.operations.sample_data import SampleDataError, load_sample, parse_article_file
from tests.conftest import DATA_DIR

FICTIONAL_PHONE = re.compile(r"^\(\d{3}\) 555-01\d\d$")


def test_sample_is_large_varied_and_fictional(sample):
    centers = sample.centers
    assert len(centers) >= 400
    assert len({c["locations"][0]["state"] for c in centers}) >= 35
    therapies = Counter(code for c in centers for code in c["terms"].get("therapy", []))
    for therapy in (
        "ketamine-assisted-therapy",
        "esketamine",
        "psilocybin-assisted-therapy",
        "depression-rehab",
    ):
        assert therapies[therapy] > 0, therapy
    assert therapies["ketamine-assisted-therapy"] < len(centers) / 2
    statuses = Counter(c["verification_status"] for c in centers)
    for status in (VerificationStatus.VERIFIED, VerificationStatus.UNVERIFIED, VerificationStatus.PENDING):
        assert statuses[status] > 0
    for center in centers:
        assert center["website"] is None or center["website"].endswith(".example")
        assert center["email"] is None or center["email"].endswith(".example")
        assert all(FICTIONAL_PHONE.match(phone["number"]) for phone in center["phones"]), center["slug"]
        assert all(loc["latitude"] is not None for loc in center["locations"]), center["slug"]


def test_sample_advertisers_are_all_verified(sample):
    advertisers = [c for c in sample.centers if c["is_advertiser"]]
    assert advertisers
    assert all(c["verification_status"] == VerificationStatus.VERIFIED for c in advertisers)


def test_sample_articles_have_bylines_faqs_citations_and_the_crisis_line(sample):
    assert len(sample.articles) >= 8
    for article in sample.articles:
        assert article["author_name"] and article["reviewer_name"] and article["reviewer_credentials"]
        assert article["faqs"] and article["citations"] and article["topics"]
        assert article["published_on"] and article["updated_on"]
        assert "988" in article["body"], article["slug"]
        assert (
            "not medical advice" in article["body"].lower()
            or "general information" in article["body"].lower()
        )


def test_load_sample_fills_the_database(session, sample):
    report = load_sample(session, DATA_DIR)
    session.commit()
    assert report.centers["created"] == len(sample.centers)
    assert report.articles["created"] == len(sample.articles)
    published = session.scalar(
        select(func.count()).select_from(Center).where(Center.status == ListingStatus.PUBLISHED)
    )
    assert published == sum(c["status"] == ListingStatus.PUBLISHED for c in sample.centers)
    assert session.scalar(select(func.count(func.distinct(Location.state)))) >= 35
    article = session.scalar(select(Article).where(Article.slug == "ketamine-for-depression"))
    assert article.faqs and article.citations and article.topics
    assert [faq.position for faq in article.faqs] == list(range(len(article.faqs)))


def test_second_load_changes_nothing(session, sample):
    load_sample(session, DATA_DIR)
    session.commit()
    stamps = dict(session.execute(select(Center.slug, Center.updated_at)).all())
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    report = load_sample(session, DATA_DIR)
    session.commit()
    assert not report.changed_anything
    assert report.centers["unchanged"] == len(sample.centers)
    assert report.articles["unchanged"] == len(sample.articles)
    assert dict(session.execute(select(Center.slug, Center.updated_at)).all()) == stamps
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_load_updates_a_changed_record_and_audits_it(session, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    load_sample(session, folder)
    session.commit()
    centers = json.loads((folder / "centers.json").read_text())
    centers[0]["name"] = "Renamed Sample Center"
    (folder / "centers.json").write_text(json.dumps(centers))
    report = load_sample(session, folder)
    session.commit()
    assert report.centers["updated"] == 1
    assert report.centers["unchanged"] == len(centers) - 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "center.updated"))
    assert event.after == {"name": "Renamed Sample Center"}
    assert event.actor_label == "sample-data loader"


def test_invalid_sample_is_reported_whole_and_writes_nothing(session, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    centers = json.loads((folder / "centers.json").read_text())
    centers[3]["locations"][0]["postal_code"] = "9" * 400
    centers[7]["terms"] = {"therapy": ["no-such-therapy"]}
    centers[9]["name"] = "Null\x00byte"
    (folder / "centers.json").write_text(json.dumps(centers))
    with pytest.raises(SampleDataError) as raised:
        load_sample(session, folder)
    problems = "\n".join(raised.value.problems)
    assert f"record 3 ({centers[3]['slug']})" in problems and "5-digit US ZIP" in problems
    assert "unknown terms therapy:no-such-therapy" in problems
    assert "NUL" in problems
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Center)) == 0


def test_cli_load_sample_twice(runner, session, sample):
    first = runner.invoke(args=["data", "load-sample"])
    assert first.exit_code == 0, first.output
    assert f"centers: {len(sample.centers)} created, 0 updated, 0 unchanged" in first.output
    second = runner.invoke(args=["data", "load-sample"])
    assert second.exit_code == 0, second.output
    assert f"centers: 0 created, 0 updated, {len(sample.centers)} unchanged" in second.output
    assert "Nothing changed" in second.output


def test_cli_load_sample_reports_problems_and_fails(runner, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    (folder / "centers.json").write_text("[{")
    result = runner.invoke(args=["data", "load-sample", "--data-dir", str(folder)])
    assert result.exit_code == 1
    assert "centers.json: cannot be read as JSON" in result.output
    assert "nothing was written" in result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title = 'x'\n", r"must start with a '\+\+\+' line"),
        ("+++\ntitle = 'x'\n", "never closed"),
    ],
)
def test_article_front_matter_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_article_file(text)
