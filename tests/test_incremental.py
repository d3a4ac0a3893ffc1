"""Incremental builds: the live preview rebuilds only what a save changed, and the generator reuses, within one
process, what it read, validated and rendered before; after any chain of edits the result is a clean build's,
byte for byte (generator/preview.py, generator/memo.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import memo
from generator.pipeline import Project
from generator.render import TemplateRuns

from .conftest import copy_handbook, edit

SERVE_URL = "http://127.0.0.1:8000/handbook/"


def _generate_fresh(root: Path) -> object:
    """The handbook generated with every memory emptied first: what a new process makes."""
    memo.forget()
    return Project.from_config(root / "mkdocs.yml").generate()


def _same_as_fresh(root: Path) -> None:
    """Generate twice, once with what earlier builds in this process kept and once from nothing: the same."""
    kept = Project.from_config(root / "mkdocs.yml").generate()
    fresh = _generate_fresh(root)
    for one, other in zip(kept.every_language, fresh.every_language, strict=True):  # type: ignore[attr-defined]
        assert one.pages == other.pages
        assert [h.html for h in one.handouts] == [h.html for h in other.handouts]
        assert dataclasses.replace(one, pages={}, handouts=(), others=()) == \
            dataclasses.replace(other, pages={}, handouts=(), others=())


def test_the_generator_reuses_what_did_not_change_and_redoes_what_did(project: Path) -> None:
    """One page edited: only it (and the pages that show what changed of it) renders again; the rest is the
    last build's text. Each build equals one made from nothing."""
    project_ = Project.from_config(project / "mkdocs.yml")
    memo.forget()
    first = project_.generate()
    checklist = project / "content" / "checklists" / "get-ready.yml"
    edit(checklist, "\nintro: |\n  ", "\nintro: |\n  A brand new first sentence. ")
    second = project_.generate()
    changed = {path for path, text in second.pages.items() if first.pages[path] != text}
    assert changed == {"get-ready.md"}
    assert "A brand new first sentence." in second.pages["get-ready.md"]
    untouched = [path for path in second.pages if path != "get-ready.md"]
    assert all(second.pages[path] is first.pages[path] for path in untouched)  # reused, not rendered again
    _same_as_fresh(project)


RELATED = "after-interview-review"
"""A page that other pages list among their related pages."""


def test_a_title_reaches_every_page_that_shows_it(project: Path) -> None:
    """A title is in the home page's contents and in related-pages lists: those pages render again."""
    memo.forget()
    Project.from_config(project / "mkdocs.yml").generate()
    edit(_file_of(project, RELATED), '\ntitle: "', '\ntitle: "Looking back - ')
    second = Project.from_config(project / "mkdocs.yml").generate()
    showing = {path for path, text in second.pages.items() if "Looking back - " in text}
    listing = _pages_relating_to(second, RELATED)
    assert listing, f"no page lists {RELATED} among its related pages"
    assert showing == {"index.md", f"{RELATED}.md", *listing}
    _same_as_fresh(project)


def test_what_a_template_reads_of_another_page_is_a_dependency(project: Path) -> None:
    """An edited template that prints each related page's review date (a field no default template shows of
    another page): a change to that field renders the pages that list it again, and no other."""
    template = project / "templates" / "_common.md.j2"
    marker = "{{ entry.page.summary | inline }}"
    edit(template, marker, marker + " (reviewed {{ entry.page.reviewed }})")
    memo.forget()
    first = Project.from_config(project / "mkdocs.yml").generate()
    page = _file_of(project, RELATED)
    old = next(line for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("reviewed: "))
    earlier = dt.date.fromisoformat(old.removeprefix("reviewed: ")) - dt.timedelta(days=1)  # not the newest
    edit(page, f"\n{old}\n", f"\nreviewed: {earlier}\n")
    second = Project.from_config(project / "mkdocs.yml").generate()
    changed = {path for path, text in second.pages.items() if first.pages[path] != text}
    listing = _pages_relating_to(second, RELATED)
    assert listing
    assert changed == listing | {f"{RELATED}.md"}
    assert all(f"(reviewed {earlier})" in second.pages[path] for path in listing)
    _same_as_fresh(project)


def _file_of(root: Path, page_id: str) -> Path:
    return next((root / "content").glob(f"*/{page_id}.yml"))


def _pages_relating_to(site: object, page_id: str) -> set[str]:
    """The pages whose related-pages list links to ``page_id``."""
    return {path for path, text in site.pages.items()  # type: ignore[attr-defined]
            if path not in (f"{page_id}.md", "index.md") and f"]({page_id}.md): " in text}


def test_a_page_broken_then_mended_reports_its_problem_each_time(project: Path) -> None:
    """What is kept never hides a problem: the same bad edit twice gives the same error, with its line, and the
    page mended builds as before."""
    from generator.problems import ContentError

    project_ = Project.from_config(project / "mkdocs.yml")
    memo.forget()
    good = project_.generate()
    page = project / "content" / "checklists" / "get-ready.yml"
    original = page.read_text(encoding="utf-8")
    edit(page, "\nreviewed: ", "\nreviewed: someday\nnot_a_field: 1\nreviewd: ")
    for _ in range(2):
        with pytest.raises(ContentError) as raised:
            project_.generate()
        said = "\n".join(str(problem) for problem in raised.value.problems)
        assert "get-ready.yml" in said and "not_a_field" in said
    page.write_text(original, encoding="utf-8")
    assert project_.generate().pages == good.pages


def test_offices_built_one_after_another_in_one_process_match_fresh_builds(tmp_path: Path) -> None:
    """``build --all`` builds offices one after another in each worker: what one office's build kept never
    leaks into the next (each office's pages, as from nothing)."""
    root = copy_handbook(tmp_path / "handbook", offices=True)
    slugs = sorted(path.name for path in (root / "offices").iterdir() if (path / "office.yml").is_file())
    assert len(slugs) >= 2
    base = Project.from_config(root / "mkdocs.yml")
    memo.forget()
    kept = {slug: base.with_office(slug).generate(handouts=False) for slug in [*slugs, *slugs]}
    for slug in slugs:
        memo.forget()
        fresh = base.with_office(slug).generate(handouts=False)
        assert kept[slug].pages == fresh.pages, slug


def _another_office(root: Path, example: str, slug: str, name: str, site_url: str) -> None:
    shutil.copytree(root / "offices" / example, root / "offices" / slug)
    settings = root / "offices" / slug / "office.yml"
    text = settings.read_text(encoding="utf-8")
    for key, value in (("name", name), ("short_name", name), ("site_url", site_url)):
        start = text.index(f"\n{key}: ") + 1
        text = text[:start] + f"{key}: {value}" + text[text.index("\n", start):]
    settings.write_text(text, encoding="utf-8")


def test_offices_of_a_language_share_every_page_that_reads_nothing_of_the_office(tmp_path: Path) -> None:
    """A page's own text is rendered once for every office of a language: the office's lines (print line,
    contact box) are made apart. A page whose template reads the office (the accessibility statement names
    it; here, a guide template edited to print the office's name and the page's address) is rendered for
    each office. Each office's pages equal those generated from nothing."""
    root = copy_handbook(tmp_path / "handbook", offices=True)
    edit(root / "templates" / "guide.md.j2", "{{ common.header() }}\n",
         "{{ common.header() }}\n\nFrom {{ office.name | inline }}, at {{ url | attribute }}.\n")
    _another_office(root, "northfield", "southfield", "Southfield Careers", "https://south.example.org/help/")
    base = Project.from_config(root / "mkdocs.yml")
    memo.forget()
    north = base.with_office("northfield").generate(handouts=False)
    rendered: list[str] = []
    render = TemplateRuns.__call__
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TemplateRuns, "__call__", lambda self, name, page_id, *args, **kwargs:
                      rendered.append(page_id) or render(self, name, page_id, *args, **kwargs))
        south = base.with_office("southfield").generate(handouts=False)
    guides = {page_id for page_id, text in north.pages.items() if "From Northfield" in text}
    # (its local resources page reads only the office's resources, the same as Northfield's: not rendered again)
    assert len(guides) > 1 and set(rendered) == {page.removesuffix(".md") for page in guides} | {
        "accessibility"}, "only the pages that read what differs of the office rendered again"
    guide = "interview-objectives.md"
    assert "From Northfield University Career Centre, at https://careers.northfield.example.edu/" in north.pages[guide]
    assert "From Southfield Careers, at https://south.example.org/help/interview-objectives/" in south.pages[guide]
    assert "Southfield Careers" in south.pages["accessibility.md"] and "Southfield" in south.pages["get-ready.md"]
    assert "Northfield" not in south.pages["get-ready.md"] + south.pages["accessibility.md"]
    for slug, kept in (("northfield", north), ("southfield", south)):
        memo.forget()
        fresh = base.with_office(slug).generate(handouts=False)
        assert kept.pages == fresh.pages and kept.parts == fresh.parts, slug


# --- the live preview ----------------------------------------------------------------------------------------


def _preview_builds(root: Path, site_dir: Path) -> Callable[[], None]:
    """Builds as ``handbook serve`` makes them: MkDocs's configuration read again for each, dirty builds, into
    the same folder, the plugin kept between them."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def config() -> object:
        loaded = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir))
        loaded.site_url = SERVE_URL
        return loaded

    config().plugins.on_startup(command="serve", dirty=True)  # type: ignore[attr-defined]
    return lambda: build(config(), serve_url=SERVE_URL, dirty=True)  # type: ignore[arg-type]


def _clean_build(root: Path, site_dir: Path) -> None:
    """A clean preview build of the same files, in a new process (nothing kept from before)."""
    script = (
        "import logging, sys\n"
        "from mkdocs.commands.build import build\n"
        "from mkdocs.config import load_config\n"
        f"c = load_config({str(root / 'mkdocs.yml')!r}, site_dir={str(site_dir)!r})\n"
        f"c.site_url = {SERVE_URL!r}\n"
        "c.plugins.on_startup(command='serve', dirty=False)\n"
        "logging.getLogger('mkdocs').setLevel(logging.ERROR)\n"
        f"build(c, serve_url={SERVE_URL!r})\n"
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


@pytest.mark.slow
def test_after_a_chain_of_edits_the_preview_is_a_clean_build_byte_for_byte(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of change, one after another, in the three languages' preview: a page's text, a summary other
    pages show, a title (the navigation), a new page, a translation, a page deleted, a bad edit and its fix, a
    template, a setting. After each, the preview's folder holds exactly the files of a clean build."""
    root = copy_handbook(tmp_path / "handbook", languages=True)
    mkdocs_yml = root / "mkdocs.yml"
    edit(mkdocs_yml, "      templates: templates\n", "      templates: templates\n      handouts: false\n")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    content = root / "content"
    checklist = content / "checklists" / "get-ready.yml"
    guide = content / "guides" / "interview-objectives.yml"
    french = content / "i18n" / "fr" / "checklists" / "get-ready.yml"
    new_page = content / "pages" / "a-new-page.yml"

    def add_page() -> None:
        new_page.write_text("kind: page\ntitle: A new page\nsummary: Added while previewing.\nphase: after\n"
                            "sources: [only-two-things]\nreviewed: 2026-11-20\nbody: |\n  Some words.\n",
                            encoding="utf-8")

    edits: list[tuple[str, Callable[[], None]]] = [
        ("a page's text", lambda: edit(checklist, "\nintro: |\n  ", "\nintro: |\n  First edit. ")),
        ("a summary other pages show", lambda: edit(guide, '\nsummary: "', '\nsummary: "In short: ')),
        ("a title", lambda: edit(checklist, "\ntitle: ", "\ntitle: Ready - ")),
        ("a page's text again", lambda: edit(checklist, "First edit. ", "Second edit. ")),
        ("a new page", add_page),
        ("a translation", lambda: edit(french, "\nsummary: ", "\nsummary: Modifié. ")),
        ("a page deleted", new_page.unlink),
        ("a bad edit", lambda: edit(checklist, "\nreviewed: ", "\nreviewed: not a date\nreviewd: ")),
        ("the bad edit mended", lambda: edit(checklist, "\nreviewed: not a date\nreviewd: ", "\nreviewed: ")),
        ("a template", lambda: edit(root / "templates" / "checklist.md.j2", "{{ common.header() }}",
                                    "{{ common.header() }}\n{#- edited -#}")),
        ("a setting", lambda: edit(content / "handbook.yml", "\ntitle: ", "\ntitle: The ")),
    ]
    preview, clean = tmp_path / "preview", tmp_path / "clean"
    rebuild = _preview_builds(root, preview)
    rebuild()
    _clean_build(root, clean)
    assert _files(preview) == _files(clean)
    for what, change in edits:
        change()
        rebuild()
        if what == "a bad edit":
            page = (preview / "get-ready" / "index.html").read_text(encoding="utf-8")
            assert "This preview is out of date" in page  # the last good pages, with the problem on top
            continue
        shutil.rmtree(clean)
        _clean_build(root, clean)
        built, expected = _files(preview), _files(clean)
        assert sorted(built) == sorted(expected), f"after {what}: files differ"
        different = [path for path in expected if built[path] != expected[path]]
        assert not different, f"after {what}: {different[:5]} differ from a clean build"


@pytest.mark.slow
def test_a_file_added_to_the_theme_overrides_while_previewing_is_published(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme's files are listed once and kept (in the process, and on disk for the next one): a file added
    to the override folder between two preview builds is there after the second, and a new process's build,
    from the kept listing, equals one that lists the theme afresh."""
    root = copy_handbook(tmp_path / "handbook")
    mkdocs_yml = root / "mkdocs.yml"
    edit(mkdocs_yml, "      templates: templates\n", "      templates: templates\n      handouts: false\n")
    edit(mkdocs_yml, "\ntheme:\n  name: material\n", "\ntheme:\n  name: material\n  custom_dir: overrides\n")
    (root / "overrides").mkdir()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    preview = tmp_path / "preview"
    rebuild = _preview_builds(root, preview)
    rebuild()
    assert not (preview / "assets" / "added.css").exists()
    (root / "overrides" / "assets").mkdir()
    (root / "overrides" / "assets" / "added.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    rebuild()
    assert (preview / "assets" / "added.css").is_file()
    stored = root / ".cache" / "handbook" / "theme-files.json"
    assert "assets/added.css" in stored.read_text(encoding="utf-8")
    kept, fresh = tmp_path / "kept", tmp_path / "fresh"
    _clean_build(root, kept)  # a new process: the listing read from the cache
    stored.unlink()
    _clean_build(root, fresh)  # listed afresh
    assert _files(kept) == _files(fresh)
    assert (kept / "assets" / "added.css").is_file()


@pytest.mark.slow
def test_pages_kept_on_disk_serve_the_next_process_only_while_nothing_they_show_changed(project: Path) -> None:
    """``handbook build`` keeps each page's Markdown in .cache/handbook/rendered/ for the next build: reused
    there (a marker put in the kept text shows up), dropped when what the page shows of another page changes
    (a related page's title), and a build from the kept texts equals one without them, byte for byte."""
    import json

    from .conftest import handbook

    def build() -> None:
        done = handbook("build", "--no-pdf", cwd=project)
        assert done.returncode == 0, done.stderr

    page = project / "site" / "interview-objectives" / "index.html"
    build()
    stored = next((project / ".cache" / "handbook" / "rendered").glob("*.json"))
    kept = json.loads(stored.read_text(encoding="utf-8"))
    key = "guide.md.j2\ninterview-objectives"
    assert key in kept["entries"], sorted(kept["entries"])[:5]
    kept["entries"][key]["text"] = kept["entries"][key]["text"].replace("\n# ", "\nFROM THE STORE\n\n# ", 1)
    assert "FROM THE STORE" in kept["entries"][key]["text"]
    stored.write_text(json.dumps(kept), encoding="utf-8")
    build()
    assert "FROM THE STORE" in page.read_text(encoding="utf-8")
    related = _file_of(project, "no-offer")
    edit(related, "\nreviewed: ", "\nreviewd: ")  # a bad edit: nothing built, nothing kept is lost
    assert handbook("build", "--no-pdf", cwd=project).returncode != 0
    edit(related, "\nreviewd: ", "\nreviewed: ")
    build()
    assert "FROM THE STORE" in page.read_text(encoding="utf-8")
    edit(related, "\ntitle: ", "\ntitle: Bouncing back - ")
    build()
    shown = page.read_text(encoding="utf-8")
    assert "FROM THE STORE" not in shown and "Bouncing back - " in shown
    first = _files(project / "site")
    shutil.rmtree(project / ".cache" / "handbook" / "rendered")
    build()
    assert _files(project / "site") == first
