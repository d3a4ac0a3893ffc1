"""The commands as people run them: real processes, real MkDocs builds, real files on disk."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import REPO, handbook, kill_build_when, mkdocs, run, tree_digest

pytestmark = pytest.mark.slow  # builds whole sites, makes PDFs or drives a browser: not in the fast tier


def page_ids(content: Path) -> set[str]:
    return {p.stem for p in content.rglob("*.yml") if "i18n" not in p.relative_to(content).parts} - {"handbook",
                                                                                                     "sources"}


def test_check_passes_on_the_default_content() -> None:
    result = handbook("check", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every content page, and the accessibility statement every build adds.
    assert result.stdout.strip() == (f"No problems found in {len(page_ids(REPO / 'content')) + 1} pages, in each "
                                     "of 3 languages (en, fr, es).")


def test_mkdocs_build_strict_builds_one_page_per_content_file(project: Path) -> None:
    result = mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert (site / "index.html").is_file()
    for page_id in page_ids(project / "content") - {"index"}:
        assert (site / page_id / "index.html").is_file(), page_id
    assert not list(site.rglob("*.yml")), "the YAML sources must not be published"
    assert (site / "assets" / "stylesheets" / "handbook.css").is_file()


def test_built_pages_show_what_the_content_says(project: Path) -> None:
    assert handbook("build", cwd=project).returncode == 0
    checklist = (project / "site" / "after-interview-review" / "index.html").read_text()
    # Each box is labelled by its item's text, so a screen reader announces it.
    assert re.search(r'<label class="task-list-control"><input type="checkbox" '
                     r'name="after-interview-review-1-1" data-answer="">'
                     r'<span class="task-list-indicator"></span> I arrived on time\.</label>', checklist)
    assert "Last reviewed: <time datetime=" in checklist
    assert 'class="admonition info"' in checklist
    home = (project / "site" / "index.html").read_text()
    assert "<title>Job Interview Handbook</title>" in home
    # The home page lists the handbook by phase, in the handbook's order.
    headings = re.findall(r'<h2 id="[^"]*">([^<]*)<', home)
    phases = [p["title"] for p in yaml.safe_load((project / "content" / "handbook.yml").read_text())["phases"]]
    assert [h for h in headings if h in phases] == phases
    assert 'href="interview-objectives/"' in home


def test_navigation_follows_the_phases(project: Path) -> None:
    assert handbook("build", cwd=project).returncode == 0
    html = (project / "site" / "no-offer" / "index.html").read_text()
    sections = re.findall(r'<label class="md-nav__link" for="__nav_\d+" id="__nav_\d+_label"[^>]*>\s*'
                          r'<span class="md-ellipsis">\s*([^<]+?)\s*<', html)
    phases = yaml.safe_load((project / "content" / "handbook.yml").read_text())["phases"]
    with_pages = [p["title"] for p in phases if p["title"] in sections]
    assert sections == with_pages and len(sections) >= 3


# What a project folder holds after a build: the handout cache and the build lock besides its own files.
PROJECT_AFTER_BUILD = [".cache", ".site.lock", "content", "mkdocs.yml", "site", "templates"]

BREAKAGES = {
    "yaml syntax": ("summary: ", "summary: Tip: "),
    "duplicate key": ("summary: ", "title: Again\nsummary: "),
    "unknown key": ("summary: ", "sumary: "),
    "missing field": ("summary: ", "# summary: "),
    "wrong type": ("phase: after", "phase: [after]"),
    "bad date": ("reviewed: 2026-11-20", "reviewed: 2026-02-30"),
    "unknown kind": ("kind: checklist", "kind: checkist"),
    "unknown related": ("  - thank-you-note", "  - thank-you-notes"),
    "unknown source": ("  - only-two-things", "  - only-2-things"),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_bad_content_fails_clearly_and_leaves_the_site_alone(project: Path, breakage: str) -> None:
    assert handbook("build", cwd=project).returncode == 0
    before = tree_digest(project / "site")
    page = project / "content" / "checklists" / "after-interview-review.yml"
    old, new = BREAKAGES[breakage]
    assert old in page.read_text()
    page.write_text(page.read_text().replace(old, new, 1))
    for command in (("check",), ("build",)):
        result = handbook(*command, cwd=project)
        assert result.returncode == 1, command
        output = result.stdout + result.stderr
        assert re.search(r"content/checklists/after-interview-review\.yml:\d+:\d+: ", output), output
        assert "Traceback" not in output
    result = mkdocs("build", cwd=project)
    assert result.returncode == 1
    assert "content/checklists/after-interview-review.yml:" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == PROJECT_AFTER_BUILD


def test_a_failed_mkdocs_build_leaves_the_site_alone(project: Path) -> None:
    assert handbook("build", cwd=project).returncode == 0
    before = tree_digest(project / "site")
    about = project / "content" / "pages" / "about.yml"
    # Our checks pass this link (the page exists); MkDocs finds the anchor missing and --strict fails on it.
    about.write_text(about.read_text().replace("talk to an adviser.", "talk to an [adviser](no-offer.md#nowhere)."))
    assert handbook("check", "--strict", cwd=project).returncode == 0
    result = handbook("build", "--strict", cwd=project)
    assert result.returncode == 1
    assert "site/ was left as it was" in result.stderr
    assert "#nowhere" in result.stderr
    assert tree_digest(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == PROJECT_AFTER_BUILD


def test_build_replaces_the_site_whole(project: Path) -> None:
    assert handbook("build", cwd=project).returncode == 0
    (project / "site" / "stale.html").write_text("left over from an old build")
    result = handbook("build", cwd=project)
    assert result.returncode == 0
    assert re.fullmatch(r"Built \d+ pages and \d+ PDF handouts into site/ in \d+\.\d s\.\n", result.stdout)
    assert not (project / "site" / "stale.html").exists()


def test_setup_errors_exit_2(tmp_path: Path) -> None:
    result = handbook("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "mkdocs.yml not found" in result.stderr and "Traceback" not in result.stderr


def test_github_annotations(project: Path) -> None:
    page = project / "content" / "index.yml"
    page.write_text(page.read_text().replace("title:", "titel:"))
    result = handbook("check", "--format", "github", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == ('::error file=content/index.yml,line=3,col=1::titel: unknown field '
                                             '"titel" (hint: did you mean "title"?)')


def test_export_is_standalone_and_identical_twice(project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert handbook("export", first, cwd=project).returncode == 0
    assert handbook("export", second, cwd=project).returncode == 0
    assert tree_digest(first) == tree_digest(second)
    config = (first / "mkdocs.yml").read_text()
    assert "handbook" not in yaml.safe_load(config).get("plugins", [])
    assert "nav:" in config and "docs_dir: docs" in config
    markdown = {p.name for p in (first / "docs").glob("*.md")}
    assert markdown == {f"{i}.md" for i in page_ids(project / "content") | {"accessibility"}}
    # The exported project builds with MkDocs alone, no plugin of ours.
    result = mkdocs("build", "--strict", cwd=first)
    assert result.returncode == 0, result.stderr
    exported = (first / "site" / "after-interview-review" / "index.html").read_text()
    built = project / "site"
    assert handbook("build", cwd=project).returncode == 0
    assert 'name="after-interview-review-1-1"' in exported
    assert (built / "after-interview-review" / "index.html").is_file()


def test_export_keeps_tags_it_does_not_understand(project: Path, tmp_path: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - pymdownx.mark\n", """  - pymdownx.mark
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""))
    assert "emoji_index" in config.read_text()
    assert handbook("export", tmp_path / "out", cwd=project).returncode == 0
    exported = (tmp_path / "out" / "mkdocs.yml").read_text()
    assert "emoji_index: !!python/name:material.extensions.emoji.twemoji" in exported
    assert mkdocs("build", cwd=tmp_path / "out").returncode == 0


def test_export_refuses_a_folder_in_use(project: Path, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    result = handbook("export", tmp_path / "busy", cwd=project)
    assert result.returncode == 2
    assert "is not empty" in result.stderr
    assert (tmp_path / "busy" / "keep.txt").read_text() == "mine"


def test_version_and_help() -> None:
    assert handbook("--version", cwd=REPO).stdout.startswith("handbook, version ")
    help_text = handbook("--help", cwd=REPO).stdout
    for command in ("check", "build", "serve", "export"):
        assert command in help_text


def test_console_script_is_installed() -> None:
    # pip puts console scripts beside the interpreter, in the environment's bin (or Scripts) folder.
    script = Path(sys.executable).with_name("handbook")
    result = run(script, "--help", cwd=REPO)
    assert result.returncode == 0
    assert "Turn the handbook's YAML content into a website." in result.stdout


def test_a_killed_build_leaves_the_site_and_the_next_build_cleans_up(project: Path) -> None:
    assert handbook("build", cwd=project).returncode == 0
    before = tree_digest(project / "site")
    page = project / "content" / "index.yml"
    assert "summary: Your guide" in page.read_text()
    page.write_text(page.read_text().replace("summary: Your guide", "summary: Every checklist prints; your guide"))
    # Kill it while its staging folder exists: MkDocs is writing the new site there.
    kill_build_when(project, lambda: bool(list(project.glob(".site-staging-*"))))
    assert tree_digest(project / "site") == before
    # The next build finishes the job and removes what the killed one left.
    assert handbook("build", cwd=project).returncode == 0
    assert "Every checklist prints" in (project / "site" / "index.html").read_text()
    assert sorted(p.name for p in project.iterdir()) == PROJECT_AFTER_BUILD


@pytest.mark.parametrize(("change", "expected"), [
    (("{% for group in page.groups %}", "{% for group in page.groups %"),
     r"templates/checklist\.md\.j2:\d+:1: template syntax error: "),
    (("{{ page.when | block | indent(4) }}", "{{ page.whenever | block }}"),
     r"templates/checklist\.md\.j2:7:1: the template failed: .*whenever.* "
     r"\(while rendering the page after-interview-review\)"),
], ids=["syntax", "undefined"])
def test_template_mistakes_are_reported_without_a_traceback(project: Path, change: tuple[str, str],
                                                            expected: str) -> None:
    template = project / "templates" / "checklist.md.j2"
    old, new = change
    assert old in template.read_text()
    template.write_text(template.read_text().replace(old, new))
    result = handbook("build", cwd=project)
    assert result.returncode == 1
    assert re.search(expected, result.stdout), result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not (project / "site").exists()


def test_text_from_content_never_becomes_active_html(project: Path) -> None:
    from html.parser import HTMLParser

    content = project / "content"
    edits = {
        "handbook.yml": [("title: Job Interview Handbook", "title: Jobs <script>alert('site')</script>")],
        "pages/about.yml": [
            ("title: About this handbook", "title: About <img src=x onerror=alert(1)> us"),
            ("summary: Who wrote this handbook, where its advice comes from, and how to get more help.",
             """summary: '" onmouseover="alert(2)" Who wrote this handbook.'"""),
            ("  If something here",
             '  <script>alert(3)</script> {{ 7*7 }}\n  {: onclick="alert(4)" }\n\n  If something here'),
        ],
        "checklists/get-ready.yml": [("I have researched the organisation, its work and its people.",
                                      '"<iframe src=x></iframe> I researched it {: onfocus=alert(5) }"')],
    }
    for name, pairs in edits.items():
        path = content / name
        text = path.read_text()
        for old, new in pairs:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text)
    result = handbook("build", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []
            self.in_script = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.in_script = tag == "script"
            for key, value in attrs:
                if key.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                    self.found.append(f"<{tag} {key}={value}>")
            if tag in ("iframe", "img") and dict(attrs).get("src") == "x":
                self.found.append(f"<{tag} src=x>")

        def handle_data(self, data: str) -> None:
            if self.in_script and "alert(" in data:
                self.found.append(f"script: {data.strip()[:40]}")

        def handle_endtag(self, tag: str) -> None:
            self.in_script = False

    for page in sorted((project / "site").rglob("*.html")):
        parser = Collect()
        parser.feed(page.read_text())
        assert parser.found == [], f"{page.relative_to(project)}: {parser.found}"
    import html

    shown = html.unescape((project / "site" / "about" / "index.html").read_text())
    # What a reader sees: the editor's text exactly as typed, HTML and template syntax included.
    assert "<script>alert(3)</script> {{ 7*7 }}" in shown
