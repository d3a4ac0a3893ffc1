"""What keeps big handbooks and rebuilds fast, checked for what it does rather than how fast it is (the
figures live in benchmarks/run.py): the navigation of a large handbook, the cached reading grades, the
handout workers, the compiled-template cache, and the benchmark script itself.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import sys
from pathlib import Path

import pypdf
import pytest

from generator import editorial
from generator.editorial import ReadingCache, review
from generator.load import load_tree
from generator.pipeline import Project, generate, make_handouts
from generator.render import CACHE_NAME, NAV_SECTION_LIMIT
from generator.validate import validate

from .conftest import REPO, copy_handbook, handbook, tree_digest

pytestmark = pytest.mark.slow  # builds whole sites, makes PDFs or drives a browser: not in the fast tier

PAGE = """\
kind: {kind}
title: {title}
summary: A short page made for the test, number {n}.
phase: before
sources: [only-two-things]
reviewed: 2026-11-20
"""
BODIES = {
    "guide": "intro: Read this before you go.\nsections:\n  - title: Why\n    why: It helps.\n",
    "checklist": "when: Before you go.\ngroups:\n  - title: Things\n    items:\n      - text: I am ready.\n",
    "page": "body: Some words for the reader.\n",
}


def _grow(root: Path, pages: int) -> list[str]:
    """Add ``pages`` pages of three kinds to the first phase of the handbook in ``root``; their ids."""
    folder = root / "content" / "extra"
    folder.mkdir()
    ids = []
    for n in range(pages):
        kind = ("guide", "checklist", "page")[n % 3]
        ids.append(f"extra-{kind}-{n:03d}")
        (folder / f"{ids[-1]}.yml").write_text(PAGE.format(kind=kind, title=f"Extra {kind} {n:03d}", n=n)
                                               + BODIES[kind], encoding="utf-8")
    return ids


def _section(nav: list, title: str) -> list:
    return next(entry[title] for entry in nav if isinstance(entry, dict) and title in entry)


def test_a_small_phase_lists_its_pages_and_a_large_one_groups_them_by_kind(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    base = generate(root / "content", root / "templates", handouts=False)
    small = _section(base.nav, "Before the interview")
    assert all(isinstance(link, dict) and isinstance(next(iter(link.values())), str) for link in small)

    _grow(root, NAV_SECTION_LIMIT + 3)
    site = generate(root / "content", root / "templates", handouts=False)
    groups = _section(site.nav, "Before the interview")
    assert [next(iter(group)) for group in groups] == ["Guides", "Checklists", "More pages"]
    pages = {link for group in groups for entries in group.values() for link in map(str, entries)}
    assert len(pages) == len(small) + NAV_SECTION_LIMIT + 3  # every page is still there, once
    checklists = _section(groups, "Checklists")
    assert {"Getting ready for your interview": "get-ready.md"} in checklists
    assert all(next(iter(link.values())).startswith(("extra-checklist", "get-ready", "interview-objectives"))
               for link in checklists)
    # the other phases, still small, are as they were
    assert _section(site.nav, "During the interview") == _section(base.nav, "During the interview")


def test_a_large_phase_in_french_names_its_groups_in_french(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    settings = root / "content" / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: en", "language: fr"),
                        encoding="utf-8")
    _grow(root, NAV_SECTION_LIMIT + 3)
    site = generate(root / "content", root / "templates", handouts=False)
    groups = _section(site.nav, "Before the interview")
    assert [next(iter(group)) for group in groups] == ["Guides", "Listes à cocher", "Autres pages"]


def test_each_page_of_a_large_handbook_carries_only_its_own_part_of_the_sidebar(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    ids = _grow(root, NAV_SECTION_LIMIT + 3)
    result = handbook("build", "--no-pdf", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    guides = [i for i in ids if "guide" in i]
    html = (root / "site" / guides[0] / "index.html").read_text(encoding="utf-8")
    sidebar = html[html.index("md-nav--primary"):html.index("md-sidebar--secondary")]
    linked = set(re.findall(r'href="\.\./([a-z0-9-]+)/"', sidebar))
    assert set(guides[1:]) <= linked  # its own group, in full
    assert not {i for i in ids if "checklist" in i} & linked  # a closed group: not its pages...
    assert "get-ready" in linked  # ...but a link to its first page, so every page is two clicks away
    words = " ".join(re.sub(r"<[^>]+>", " ", sidebar).split())
    for title in ("Before the interview", "Guides", "Checklists", "More pages", "When there is no offer"):
        assert title in words
    assert "md-nav__item--pruned" in sidebar


def test_the_default_handbook_keeps_its_sidebar_whole(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    result = handbook("build", "--no-pdf", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (root / "site" / "no-offer" / "index.html").read_text(encoding="utf-8")
    for page_id in ("interview-objectives", "get-ready", "go-for-the-offer", "thank-you-note", "about"):
        assert f'href="../{page_id}/"' in html
    assert "md-nav__item--pruned" not in html


# --- reading grades, kept between builds ---------------------------------------------------------------------


def _review(root: Path, cache: Path) -> list[str]:
    handbook = validate(load_tree(root / "content"))
    return [f"{p.file.name}:{p.line}: {p.message}" for p in review(handbook, cache=ReadingCache(cache))]


def test_reading_grades_are_kept_and_only_changed_pages_are_graded_again(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_handbook(tmp_path / "handbook")
    cache = tmp_path / "cache" / "reading.json"
    first = _review(root, cache)
    assert cache.is_file()

    graded: list[str] = []
    real = editorial._reading

    def counting(page, *args):  # type: ignore[no-untyped-def]
        graded.append(page.title)
        return real(page, *args)

    monkeypatch.setattr(editorial, "_reading", counting)
    assert _review(root, cache) == first
    assert graded == []  # nothing changed: no page graded, textstat's dictionary never needed

    page = root / "content" / "guides" / "go-for-the-offer.yml"
    long_sentence = " ".join(["and then we talked about the weather"] * 6) + "."
    page.write_text(page.read_text(encoding="utf-8").replace("\nsummary: ", f"\nsummary: {long_sentence} ", 1),
                    encoding="utf-8")
    again = _review(root, cache)
    assert len(graded) == 1
    assert [line for line in again if line not in first]  # the new long sentence is reported
    assert any("go-for-the-offer.yml" in line and "a sentence of" in line for line in again)


def test_an_unreadable_reading_cache_is_an_empty_one(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    cache = tmp_path / "reading.json"
    expected = _review(root, tmp_path / "fresh.json")
    for junk in ("{not json", '{"x": 3}', "[]", ""):
        cache.write_text(junk, encoding="utf-8")
        assert _review(root, cache) == expected


# --- handouts: one long-lived worker process per core -----------------------------------------------------


def test_handouts_made_by_worker_processes_are_the_bytes_one_process_makes(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    project = Project.from_config(root / "mkdocs.yml")
    site = project.generate()
    one = project.press(jobs=1)
    files, report = make_handouts(site, one)[0].static, make_handouts(site, one)[1]
    single = {name: hashlib.sha256(Path(files[name]).read_bytes()).hexdigest()
              for name in files if name.startswith("handouts/")}
    assert report.rendered == []  # the second call found everything in the cache

    (project.cache_dir / "handouts").rename(tmp_path / "first-cache")
    press = project.press(jobs=2)
    try:
        built, report = make_handouts(site, press)
        workers = press.workers()
        assert len(report.rendered) == len(site.handouts)
        assert 1 <= len(workers) <= 2 and os.getpid() not in workers
        parallel = {name: hashlib.sha256(Path(built.static[name]).read_bytes()).hexdigest()
                    for name in built.static if name.startswith("handouts/")}
        assert parallel == single

        # The workers stay for the next round (a rebuild during `mkdocs serve`): no new process per PDF.
        for path in (project.cache_dir / "handouts").glob("*.pdf"):
            path.unlink()
        make_handouts(site, press)
        assert press.workers() == workers
    finally:
        press.close()
    assert press.workers() == set()
    packet = pypdf.PdfReader(built.static["handouts/packet.pdf"])
    assert len(packet.pages) > 5


def test_a_problem_found_in_a_worker_names_the_page(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    page = root / "content" / "checklists" / "get-ready.yml"  # one page
    text = page.read_text(encoding="utf-8")
    items = "".join(f"      - text: Extra item number {n} to make the list run long.\n" for n in range(45))
    page.write_text(text.replace("    items:\n", "    items:\n" + items, 1), encoding="utf-8")
    result = handbook("build", "--jobs", "2", cwd=root)
    assert result.returncode == 1
    assert "get-ready.yml:" in result.stdout + result.stderr
    assert "does not fit on one printed page" in result.stdout + result.stderr
    assert not (root / "site").exists()


# --- compiled templates, kept between builds --------------------------------------------------------------


def test_compiled_templates_are_kept_and_a_changed_template_is_used(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    jinja = root / ".cache" / "handbook" / "jinja"
    assert any((jinja / "theme").iterdir()) and any((jinja / CACHE_NAME).iterdir())
    first = tree_digest(root / "site")
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    assert tree_digest(root / "site") == first  # the cached templates give the same site

    template = root / "templates" / "_common.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        '{{ _("Related pages") }}', "Related pages (edited)"), encoding="utf-8")
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    assert "Related pages (edited)" in (root / "site" / "no-offer" / "index.html").read_text(encoding="utf-8")


# --- the benchmark script ---------------------------------------------------------------------------------


def test_the_benchmark_script_runs_and_prints_its_table(tmp_path: Path) -> None:
    from .conftest import run

    result = run(sys.executable, REPO / "benchmarks" / "run.py", "--pages", "30", "--runs", "1", "--only",
                 "generator", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\(a\) generator stage, rebuild\s+\d+\.\d+ s", result.stdout), result.stdout
    assert "(b) / (c)" in result.stdout and "targets:" in result.stdout


def test_a_packet_made_again_from_kept_parts_is_the_same_packet(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    project = Project.from_config(root / "mkdocs.yml")
    site = project.generate()
    packet = next(handout for handout in site.handouts if handout.parts)
    press = project.press(jobs=1)
    first = press.render(packet)
    assert set(press._laid_out) == {press.key(part) for part in packet.parts}  # kept for the next time
    assert press.render(packet) == first == project.press(jobs=1).render(packet)

    # A changed part is laid out again; the others are reused, and the result is what a fresh press makes.
    edited = root / "content" / "checklists" / "get-ready.yml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Your ", 1), encoding="utf-8")
    changed = next(handout for handout in project.generate().handouts if handout.parts)
    again = press.render(changed)
    assert again != first
    assert again == project.press(jobs=1).render(changed)
    assert "Your " in " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(again)).pages)


def test_a_hint_in_a_large_handbook_names_a_few_pages_not_all(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    _grow(root, 60)  # 20 more checklists: 24 printable pages in all
    settings = root / "content" / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("  - get-ready\n", "  - the-big-list\n", 1),
                        encoding="utf-8")
    result = handbook("check", "--no-pdf", cwd=root)
    assert result.returncode == 1
    hint = next(line for line in result.stdout.splitlines() if "the printable pages are" in line)
    assert re.search(r" and \d+ more$", hint), hint
    assert len(hint) < 400
