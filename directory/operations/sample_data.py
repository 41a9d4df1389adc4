"""The sample directory in ``data/``: read and validate it whole, then write it idempotently.

The folder holds the vocabulary, the centers, the articles and the team's search presets
(``presets.json``, optional: a folder without it loads no presets).
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from marshmallow import Schema, ValidationError
from sqlalchemy.orm import Session

from directory.operations.articles import save_article
from directory.operations.centers import save_center
from directory.operations.errors import OperationError
from directory.operations.presets import save_team_preset
from directory.operations.taxonomy import TermIndex, sync_vocabulary
from directory.schemas.articles import ArticleInput
from directory.schemas.centers import CenterInput
from directory.schemas.presets import PresetInput, unknown_terms
from directory.schemas.taxonomy import VocabularyInput

ACTOR = "sample-data loader"
FRONT_MATTER_FENCE = "+++"
T = TypeVar("T")

#: A progress reporter: wraps an iterable of ``length`` items under a label.
Progress = Callable[[Iterable[T], int, str], Iterator[T]]


def no_progress(items: Iterable[T], _length: int, _label: str) -> Iterator[T]:
    """Report nothing."""
    yield from items


class SampleDataError(OperationError):
    """The sample files are invalid; ``problems`` lists every one, by file and record."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the sample data; nothing was written.")
        self.problems = problems


@dataclass
class SampleData:
    """The validated contents of the sample folder."""

    vocabulary: dict[str, Any]
    centers: list[dict[str, Any]]
    articles: list[dict[str, Any]]
    presets: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LoadReport:
    """What a load changed."""

    terms_changed: int = 0
    centers: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)
    presets: Counter[str] = field(default_factory=Counter)

    @property
    def changed_anything(self) -> bool:
        """Whether the load wrote anything."""
        return bool(
            self.terms_changed
            or self.centers["created"]
            or self.centers["updated"]
            or self.articles["created"]
            or self.articles["updated"]
            or self.presets["created"]
            or self.presets["updated"]
        )


def read_sample(data_dir: Path) -> SampleData:
    """Read and validate every sample file; raise :class:`SampleDataError` listing all problems."""
    problems: list[str] = []
    vocabulary = _load_one(
        VocabularyInput(),
        _read_json(data_dir / "taxonomy.json", problems),
        "taxonomy.json",
        problems,
    )
    raw_centers = _read_json(data_dir / "centers.json", problems) or []
    if not isinstance(raw_centers, list):
        problems.append("centers.json: must be a JSON list of centers.")
        raw_centers = []
    centers = [
        _load_one(CenterInput(), raw, f"centers.json record {index} ({_slug_of(raw)})", problems)
        for index, raw in enumerate(raw_centers)
    ]
    articles = [
        _load_one(ArticleInput(), raw, name, problems)
        for name, raw in _read_articles(data_dir / "articles", problems)
    ]
    presets = _read_presets(data_dir / "presets.json", problems)
    _check_unique([c for c in centers if c], "centers.json", problems)
    if vocabulary:
        _check_terms(vocabulary, [c for c in centers if c], [a for a in articles if a], problems)
        _check_preset_terms(vocabulary, presets, problems)
    if problems:
        raise SampleDataError(problems)
    return SampleData(vocabulary or {}, centers, articles, presets)  # type: ignore[arg-type]


def load_sample(
    session: Session,
    data_dir: Path,
    progress: Progress[Any] = no_progress,
    *,
    with_centers: bool = True,
) -> LoadReport:
    """Validate the sample folder, then insert or update what differs; flush, never commit.

    Without centers, only the vocabulary and the articles are loaded (for a directory of real data).
    """
    sample = read_sample(data_dir)
    report = LoadReport(terms_changed=sync_vocabulary(session, sample.vocabulary))
    terms = TermIndex.load(session)
    centers = sample.centers if with_centers else []
    for data in progress(centers, len(centers), "Centers"):
        _center, outcome = save_center(session, data, terms, actor=ACTOR)
        report.centers[outcome] += 1
    for data in progress(sample.articles, len(sample.articles), "Articles"):
        _article, outcome = save_article(session, data, terms, actor=ACTOR)
        report.articles[outcome] += 1
    for data in sample.presets:
        _preset, outcome = save_team_preset(session, data, actor=ACTOR)
        report.presets[outcome] += 1
    session.flush()
    return report


def parse_article_file(text: str) -> dict[str, Any]:
    """Split a ``+++`` TOML front matter from the Markdown body; the body becomes ``body``."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ValueError("must start with a '+++' line opening the TOML front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        raise ValueError("the front matter is never closed by a second '+++' line") from None
    meta = tomllib.loads("".join(lines[1:end]))
    meta["body"] = "".join(lines[end + 1 :]).strip() + "\n"
    return meta


def _read_json(path: Path, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        problems.append(f"{path.name}: cannot be read as JSON ({error}).")
        return None


def _read_articles(folder: Path, problems: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(folder.glob("*.md")):
        try:
            meta = parse_article_file(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            problems.append(f"articles/{path.name}: {error}.")
            continue
        meta.setdefault("slug", path.stem)
        if meta["slug"] != path.stem:
            problems.append(f"articles/{path.name}: slug '{meta['slug']}' differs from the file name.")
        yield f"articles/{path.name}", meta


def _read_presets(path: Path, problems: list[str]) -> list[dict[str, Any]]:
    """Read and validate the team presets; a missing file means none."""
    if not path.exists():
        return []
    raw = _read_json(path, problems)
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append("presets.json: must be a JSON list of presets.")
        return []
    presets = [
        _load_one(PresetInput(), item, f"presets.json record {index}", problems)
        for index, item in enumerate(raw)
    ]
    loaded = [preset for preset in presets if preset]
    keys = Counter(" ".join(p["name"].split()).casefold() for p in loaded)
    problems.extend(f"presets.json: the name '{key}' is used {n} times." for key, n in keys.items() if n > 1)
    return loaded


def _check_preset_terms(
    vocabulary: dict[str, Any], presets: list[dict[str, Any]], problems: list[str]
) -> None:
    """Check every preset's schemes and term codes against the vocabulary file."""
    schemes = {s["code"] for s in vocabulary["schemes"]}
    terms = {(s["code"], t["code"]) for s in vocabulary["schemes"] for t in s["terms"]}
    for preset in presets:
        unknown = unknown_terms(preset["params"], schemes, terms)
        if unknown:
            problems.append(f"presets.json ({preset['name']}): unknown {', '.join(unknown)}.")


def _load_one(schema: Schema, raw: Any, where: str, problems: list[str]) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        return schema.load(raw)
    except ValidationError as error:
        problems.append(f"{where}: {json.dumps(error.messages, ensure_ascii=False)}")
        return None


def _slug_of(raw: Any) -> str:
    return str(raw.get("slug", "no slug")) if isinstance(raw, dict) else "not an object"


def _check_unique(centers: list[dict[str, Any]], where: str, problems: list[str]) -> None:
    counts = Counter(center["slug"] for center in centers)
    problems.extend(f"{where}: slug '{slug}' is used {n} times." for slug, n in counts.items() if n > 1)


def _check_terms(
    vocabulary: dict[str, Any],
    centers: list[dict[str, Any]],
    articles: list[dict[str, Any]],
    problems: list[str],
) -> None:
    """Check every term code and related-center slug against the files themselves."""
    known = {(s["code"], t["code"]) for s in vocabulary["schemes"] for t in s["terms"]}
    for center in centers:
        unknown = [f"{s}:{c}" for s, codes in center["terms"].items() for c in codes if (s, c) not in known]
        if unknown:
            problems.append(f"centers.json ({center['slug']}): unknown terms {', '.join(unknown)}.")
    slugs = {center["slug"] for center in centers}
    for article in articles:
        unknown = [t for t in article["topics"] if tuple(t.split(":", 1)) not in known]
        missing = [s for s in article["related_centers"] if s not in slugs]
        if unknown:
            problems.append(f"articles/{article['slug']}.md: unknown topics {', '.join(unknown)}.")
        if missing:
            problems.append(f"articles/{article['slug']}.md: unknown related centers {', '.join(missing)}.")


def load_vocabulary_file(session: Session, path: Path) -> int:
    """Validate ``taxonomy.json`` and bring the database's vocabulary in line; return how many changed."""
    problems: list[str] = []
    vocabulary = _load_one(VocabularyInput(), _read_json(path, problems), path.name, problems)
    if problems or vocabulary is None:
        raise SampleDataError(problems)
    return sync_vocabulary(session, vocabulary)
