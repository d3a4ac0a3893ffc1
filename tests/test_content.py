"""The default handbook: complete, findable, in our own words, and passing its own editorial checks."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import REPO, handbook, run

SEEDS = REPO.parent / "shared" / "seeds"
SHINGLES = Path(__file__).parent / "data" / "seed-shingles.txt"
SHINGLE_WORDS = 7


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def _shingles(text: str) -> set[str]:
    """Fingerprints of every run of seven words (hashed, so the articles' text is not stored here)."""
    words = _words(text)
    runs = (" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1))
    return {hashlib.sha256(run.encode()).hexdigest()[:16] for run in runs}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_seed_fingerprints(update_golden: bool) -> None:
    """The committed fingerprints match the articles in ../shared/seeds, where they are present."""
    if update_golden and SEEDS.is_dir():
        prints = set().union(*(_shingles(f.read_text(encoding="utf-8")) for f in sorted(SEEDS.glob("*.txt"))))
        SHINGLES.write_text("\n".join(sorted(prints)) + "\n", encoding="utf-8")
    stored = set(SHINGLES.read_text(encoding="utf-8").split())
    assert len(stored) > 2000
    if SEEDS.is_dir():
        for seed in SEEDS.glob("*.txt"):
            assert _shingles(seed.read_text(encoding="utf-8")) <= stored, seed.name


@pytest.mark.parametrize("page", sorted((REPO / "content").rglob("*.yml")), ids=lambda p: p.stem)
def test_no_seven_words_in_a_row_come_from_the_articles(page: Path) -> None:
    if page.name == "sources.yml":
        return  # the articles' titles, cited as they were published
    stored = set(SHINGLES.read_text(encoding="utf-8").split())
    text = " ".join(_strings(yaml.safe_load(page.read_text(encoding="utf-8"))))
    assert not (_shingles(text) & stored), f"{page.name} repeats seven or more words in a row from a source article"


def test_default_content_passes_strict_editorial_checks() -> None:
    result = handbook("check", "--strict", cwd=REPO)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("No problems found in ")


def test_an_old_review_date_fails_strict_and_names_the_file(project: Path) -> None:
    page = project / "content" / "guides" / "weighing-an-offer.yml"
    text = page.read_text()
    reviewed = re.search(r"^reviewed: (\d{4})-(\d\d-\d\d)$", text, re.M)
    assert reviewed
    page.write_text(text.replace(reviewed.group(0), f"reviewed: {int(reviewed.group(1)) - 2}-{reviewed.group(2)}"))
    assert handbook("check", cwd=project).returncode == 0, "a warning alone does not fail a check"
    result = handbook("check", "--strict", cwd=project)
    assert result.returncode == 1
    assert re.search(r"content/guides/weighing-an-offer\.yml:\d+:11: warning: reviewed: last reviewed on \d{4}-"
                     r"\d\d-\d\d, more than 12 months ago", result.stdout), result.stdout
    assert "Found 1 warning in 1 file, which --strict counts as errors." in result.stdout


def test_every_page_cites_a_source_and_every_source_is_cited() -> None:
    sources = yaml.safe_load((REPO / "content" / "sources.yml").read_text())
    cited: set[str] = set()
    for path in (REPO / "content").rglob("*.yml"):
        data = yaml.safe_load(path.read_text())
        if path.stem in ("handbook", "sources") or "i18n" in path.relative_to(REPO / "content").parts:
            continue
        cited.update(data.get("sources", []))
        assert data["kind"] == "page" or data.get("sources"), path.name
    assert cited == set(sources)


# Each idea of the source articles, the page that carries it, and words a job seeker would search for.
IDEAS = {
    "three objectives, in order": ("interview-objectives", ["get the offer", "leads", "good impression"]),
    "why the interviewer is a good source of leads": ("interview-objectives", ["best-informed"]),
    "why a good impression pays later": ("interview-objectives", ["client", "supplier", "years from now"]),
    "three phases of the process": ("interview-objectives", ["before", "face-to-face", "after"]),
    "final round: offer, not job": ("go-for-the-offer", ["aim for the offer", "pros and cons", "energised"]),
    "many employers, one offer": ("go-for-the-offer", ["as many employers", "accept only one"]),
    "only two outcomes": ("two-outcomes", ["offer", "experience"]),
    "leverage of an offer": ("weighing-an-offer", ["leverage", "pay", "holidays", "start date", "schedule"]),
    "deciding on an offer": ("weighing-an-offer", ["people", "culture", "trust", "must-have"]),
    "self-review checklist": ("after-interview-review", ["on time", "researched", "dressed", "conversation",
                                                         "connection", "introductions", "awkward",
                                                         "went really well", "better answer"]),
    "job crush": ("dont-assume-you-got-the-job", ["job crush", "never assume"]),
    "keep going while waiting": ("dont-assume-you-got-the-job", ["keep applying", "keep learning",
                                                                 "keep networking", "keep following up",
                                                                 "keep active", "temporary"]),
    "follow-up rhythm": ("dont-assume-you-got-the-job", ["one short note", "once a week"]),
    "most interviews lead to no offer": ("no-offer", ["most interviews do not lead to an offer"]),
    "feel it and be heard": ("no-offer", ["just listen", "work through"]),
    "why it is often not about you": ("no-offer", ["role may have changed", "met a few people", "team",
                                                   "could not have known"]),
    "self-criticism, gently; stay positive": ("no-offer", ["gentle", "positive outlook"]),
    "what the career office can do": ("no-offer", ["mock interview", "job fairs"]),
    "thank-you note": ("thank-you-note", ["thank you"]),
    "weekly follow-up call": ("follow-up-call", ["once a week"]),
    "weekly follow-up note": ("follow-up-note", ["once a week"]),
    "feedback and leads after a no": ("ask-for-feedback", ["do better", "other roles"]),
    "time to consider an offer": ("ask-for-time-to-decide", ["a little time"]),
}


@pytest.fixture(scope="module")
def search_entries(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    """The built site's search index: one entry per page and per section, in page order."""
    out = tmp_path_factory.mktemp("site")
    result = run(sys.executable, "-m", "mkdocs", "build", "-d", out, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return json.loads((out / "search" / "search_index.json").read_text())["docs"]


@pytest.fixture(scope="module")
def search_index(search_entries: list[dict[str, str]]) -> dict[str, str]:
    """The text a reader's search looks through, by page id, lower-cased."""
    pages: dict[str, str] = {}
    for doc in search_entries:
        page = doc["location"].split("#")[0].strip("/") or "index"
        pages[page] = pages.get(page, "") + " " + re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
    return {page: " ".join(text.lower().split()) for page, text in pages.items()}


@pytest.fixture(scope="module")
def home_headings(search_entries: list[dict[str, str]]) -> list[str]:
    """The home page's section headings, in page order."""
    return [doc["title"] for doc in search_entries if doc["location"].startswith("#")]


@pytest.mark.parametrize("idea", IDEAS, ids=list(IDEAS))
def test_every_idea_is_on_its_page_and_searchable(search_index: dict[str, str], idea: str) -> None:
    page, phrases = IDEAS[idea]
    text = search_index[page]
    missing = [phrase for phrase in phrases if phrase.lower() not in text]
    assert not missing, f"{idea}: not found on {page}: {missing}"


def test_the_home_page_shows_the_path_in_order(search_index: dict[str, str], home_headings: list[str]) -> None:
    home = search_index["index"]
    steps = ["before", "during", "after", "while you wait", "weigh your offer", "bounce back"]
    positions = [home.index(step) for step in steps]
    assert positions == sorted(positions)
    phases = [p["title"] for p in yaml.safe_load((REPO / "content" / "handbook.yml").read_text())["phases"]]
    assert [h for h in home_headings if h in phases] == phases, "the home page lists every phase, in order"
