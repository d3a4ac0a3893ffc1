"""Career offices: branded handbooks from the shared base, built with the real commands and read back.

The two example offices in offices/ are built with `handbook build --all`; a new office is made with
`handbook new-office`, the way README's guide walks a career office through it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml

from generator.offices import contrast_with_white, darker_until_readable

from .conftest import REPO, copy_handbook, handbook, mkdocs, tree_digest

pytestmark = pytest.mark.slow  # builds whole sites, makes PDFs or drives a browser: not in the fast tier

OFFICES = REPO / "offices"


def _settings(slug: str) -> dict:
    return yaml.safe_load((OFFICES / slug / "office.yml").read_text(encoding="utf-8"))


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both example offices, built at once with --all."""
    root = copy_handbook(tmp_path_factory.mktemp("offices") / "handbook", offices=True)
    result = handbook("build", "--all", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"northfield +ok +\d+ pages and \d+ PDF handouts", result.stdout)
    assert re.search(r"passerelle +ok +\d+ pages and \d+ PDF handouts", result.stdout)
    assert "Built 2 of 2 offices into site/" in result.stdout
    return root


def test_the_index_lists_every_office(built: Path) -> None:
    index = (built / "site" / "index.html").read_text(encoding="utf-8")
    for slug in ("northfield", "passerelle"):
        assert f'<a href="{slug}/">{_settings(slug)["name"]}</a>' in index
        assert (built / "site" / slug / "index.html").is_file()


@pytest.mark.parametrize("slug", ["northfield", "passerelle"])
def test_an_office_site_carries_its_identity(built: Path, slug: str) -> None:
    settings = _settings(slug)
    site = built / "site" / slug
    page = (site / "get-ready" / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{settings["language"]}"' in page
    title = {"en": "Getting ready for your interview", "fr": "Préparer votre entretien"}[settings["language"]]
    assert f"<title>{title} - {settings['name']}</title>" in page, "the page in the office's language"
    assert 'src="../assets/office/logo.svg"' in page, "the logo in the header"
    assert 'rel="icon" href="../assets/office/logo.svg"' in page, "the favicon"
    assert 'data-md-color-primary="custom"' in page
    css = (site / "assets" / "stylesheets" / "office.css").read_text(encoding="utf-8")
    assert f"--md-primary-fg-color: {settings['colors']['primary']};" in css
    assert f"--md-accent-fg-color: {settings['colors']['accent']};" in css
    # The contact block, with its booking button, on every page.
    for html_page in site.rglob("*.html"):
        if html_page.name == "404.html":
            continue
        text = html_page.read_text(encoding="utf-8")
        assert f'href="{settings["booking_url"]}"' in text, html_page
        assert settings["contact"]["email"] in text, html_page
    # Its local resources, on a page of their own, in the navigation.
    resources = html.unescape((site / "local-resources" / "index.html").read_text(encoding="utf-8"))
    for resource in settings["resources"]:
        assert resource["name"] in resources and resource["offers"] in resources
    assert page.count("local-resources/") >= 1


def test_words_and_dates_follow_the_office_language(built: Path) -> None:
    page = (built / "site" / "passerelle" / "get-ready" / "index.html").read_text(encoding="utf-8")
    assert "Télécharger le PDF à imprimer" in page and "Quand utiliser cette liste" in page
    assert "Dernière révision :" in page and "novembre 2026" in page
    assert "Prendre rendez-vous" in page
    assert "Rechercher" in page, "Material's own words in French"
    english = (built / "site" / "northfield" / "get-ready" / "index.html").read_text(encoding="utf-8")
    assert "Download printable PDF" in english and "Book an appointment" in english


def test_hidden_pages_and_every_link_to_them_are_gone(built: Path) -> None:
    for slug in ("northfield", "passerelle"):
        site = built / "site" / slug
        for hidden in _settings(slug)["hide"]:
            assert not (site / hidden).exists()
            assert not (site / "handouts" / f"{hidden}.pdf").exists()
            for page in site.rglob("*.html"):
                assert f"{hidden}/" not in page.read_text(encoding="utf-8"), f"{page} links to {hidden}"
            assert f"/{hidden}/" not in _text(site / "handouts" / "packet.pdf")


def test_replaced_added_and_patched_pages(built: Path) -> None:
    site = built / "site" / "northfield"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Northfield Interview Handbook" in home, "index.yml replaced"
    mock = (site / "mock-interviews" / "index.html").read_text(encoding="utf-8")
    assert "A mock interview is a practice run" in mock, "a page of its own"
    offer = (site / "offer-decision" / "index.html").read_text(encoding="utf-8")
    assert "or for a Northfield adviser" in offer, "the patched intro"
    assert "The employer supports the training or further study I want." in offer, "the appended item"
    assert offer.index("The schedule fits my life.") < offer.index("The employer supports the training")
    assert 'name="offer-decision-2-5"' in offer, "the new item is the fifth of the second group"
    french = built / "site" / "passerelle"
    assert "Guide de l’entretien d’embauche" in (french / "index.html").read_text(encoding="utf-8") or \
        "Guide de l'entretien d'embauche" in (french / "index.html").read_text(encoding="utf-8")
    assert (french / "reconnaissance-des-diplomes" / "index.html").is_file()


def test_handouts_carry_the_office_identity_and_paper(built: Path) -> None:
    for slug, size in (("northfield", (612, 792)), ("passerelle", (595, 842))):
        settings = _settings(slug)
        folder = built / "site" / slug / "handouts"
        reader = pypdf.PdfReader(folder / "offer-decision.pdf")
        assert len(reader.pages) == 2, "the checklist and its scorecard, as the base's (pages: 2)"
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size
        text = _text(folder / "offer-decision.pdf")
        assert settings["name"] in text and settings["contact"]["email"] in text
        assert f"{settings['site_url']}offer-decision/" in text
        assert reader.metadata.author == settings["name"]
        assert reader.trailer["/Root"]["/Lang"] == settings["language"]
        assert "/XObject" in str(reader.pages[0]["/Resources"].keys()) or "/XObject" in reader.pages[0]["/Resources"]
    assert "The employer supports the training or further study I want." in _text(
        built / "site" / "northfield" / "handouts" / "offer-decision.pdf")
    assert "DOSSIER D’ATELIER" in _text(built / "site" / "passerelle" / "handouts" / "packet.pdf")


def test_a_new_office_builds_as_scaffolded(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True)
    result = handbook("new-office", "riverside-works", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Created offices/riverside-works/office.yml" in result.stdout
    text = (root / "offices" / "riverside-works" / "office.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schema/office.schema.json\n"
                           "# Riverside Works: this office's version of the handbook.")
    result = handbook("build", "--office", "riverside-works", "--no-pdf", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "into site/riverside-works/" in result.stdout
    assert "Riverside Works" in (root / "site" / "riverside-works" / "index.html").read_text()
    again = handbook("new-office", "riverside-works", cwd=root)
    assert again.returncode == 2 and "already exists" in again.stderr


BREAKAGES = {
    "colour not hex": (
        "office.yml", ('primary: "#0b5563"', 'primary: "teal"'),
        r'offices/northfield/office\.yml:6:12: colors\.primary: expected a colour written as # and six hex '
        r'digits, like #1f5f8b, got "teal"'),
    "colour too light": (
        "office.yml", ('primary: "#0b5563"', 'primary: "#7fb3c0"'),
        r"offices/northfield/office\.yml:6:12: colors\.primary: white text on #7fb3c0 has a contrast of only "
        r"2\.\d:1; people need at least 4\.5:1 to read it \(WCAG AA\)\n(?:.*\n)*?  hint: use a darker shade, such as "
        r"#[0-9a-f]{6} \(4\.\d:1\)"),
    "unknown hidden page": (
        "office.yml", ("  - follow-up-note", "  - follow-up-notes"),
        r'offices/northfield/office\.yml:18:5: hide\[0\]: no page has the id "follow-up-notes"\n'
        r'(?:.*\n)*?  hint: did you mean "follow-up-note"\?'),
    "missing logo": (
        "office.yml", ("logo: logo.svg", "logo: crest.svg"),
        r'offices/northfield/office\.yml:4:7: logo: the logo file "crest\.svg" does not exist\n'
        r"(?:.*\n)*?  hint: the image files in the office's folder are: logo\.svg"),
    "logo outside the folder": (
        "office.yml", ("logo: logo.svg", "logo: ../passerelle/logo.svg"),
        r"offices/northfield/office\.yml:4:7: logo: the logo \"\.\./passerelle/logo\.svg\" is outside the "
        r"office's folder"),
    "patch of an unknown page": (
        "patches/offer-decision.yml", None,
        r'offices/northfield/patches/offer-decisions\.yml: no base page has the id "offer-decisions"\n'
        r'  hint: did you mean "offer-decision\.yml"\?'),
    "patch of an unknown group": (
        "patches/offer-decision.yml", ("  The terms:", "  The term:"),
        r'offices/northfield/patches/offer-decision\.yml:13:3: groups\.The term: no entry of groups has the '
        r'title "The term"\n(?:.*\n)*?  hint: did you mean "The terms"\?'),
    "patch with a mistake in it": (
        "patches/offer-decision.yml", ("      - text: The employer", "      - txt: The employer"),
        r'offices/northfield/patches/offer-decision\.yml:15:\d+: groups\[1\]\.items\[4\]\.txt: unknown field '
        r'"txt"'),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_office_mistakes_are_clear_errors_and_keep_the_site(tmp_path: Path, breakage: str) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True)
    assert handbook("build", "--office", "northfield", "--no-pdf", cwd=root).returncode == 0
    before = tree_digest(root / "site" / "northfield")
    file, change, expected = BREAKAGES[breakage]
    path = root / "offices" / "northfield" / file
    if change is None:
        path.rename(path.with_name("offer-decisions.yml"))
    else:
        assert change[0] in path.read_text()
        path.write_text(path.read_text().replace(*change, 1))
    for command in ("check", "build"):
        result = handbook(command, "--office", "northfield", "--no-pdf", cwd=root)
        assert result.returncode == 1, (command, result.stdout)
        assert re.search(expected, result.stdout), result.stdout
        assert "Traceback" not in result.stdout + result.stderr
    assert tree_digest(root / "site" / "northfield") == before


def test_an_office_template_cannot_reach_python_internals(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True)
    templates = root / "offices" / "northfield" / "templates"
    templates.mkdir()
    common = (REPO / "templates" / "_common.md.j2").read_text()
    (templates / "_common.md.j2").write_text(common.replace("# {{ page.title | inline }}",
                                                            "# {{ ''.__class__.__mro__ }}"))
    result = handbook("build", "--office", "northfield", "--no-pdf", cwd=root)
    assert result.returncode == 1
    assert re.search(r"offices/northfield/templates/_common\.md\.j2:\d+:1: the template tried something "
                     r"templates may not do: access to attribute '__class__' of 'str' object is unsafe", result.stdout)
    assert "Traceback" not in result.stdout + result.stderr


def test_an_office_template_overrides_by_name_and_stays_escaped(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True)
    templates = root / "offices" / "northfield" / "templates"
    templates.mkdir()
    checklist = (REPO / "templates" / "checklist.md.j2").read_text()
    (templates / "checklist.md.j2").write_text(checklist.replace(
        "{{ common.footer() }}", "Printed by {{ office.name }} for {{ page.title }}\n\n{{ common.footer() }}"))
    page = root / "offices" / "northfield" / "content" / "while-you-wait.yml"
    base = (root / "content" / "checklists" / "while-you-wait.yml").read_text()
    page.write_text(base.replace("\ntitle: ", "\ntitle: <img src=x onerror=alert(1)> ", 1))
    result = handbook("build", "--office", "northfield", "--no-pdf", cwd=root)
    assert result.returncode == 0, result.stdout
    html = (root / "site" / "northfield" / "while-you-wait" / "index.html").read_text()
    assert "Printed by Northfield University Career Centre for &lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html


def test_one_failing_office_does_not_stop_the_others(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True)
    assert handbook("build", "--all", "--no-pdf", cwd=root).returncode == 0
    before = tree_digest(root / "site" / "passerelle")
    office = root / "offices" / "passerelle" / "office.yml"
    office.write_text(office.read_text().replace("paper: a4", "paper: A5"))
    page = root / "offices" / "northfield" / "content" / "mock-interviews.yml"
    page.write_text(page.read_text().replace("A mock interview is", "A practice interview is"))
    result = handbook("build", "--all", "--no-pdf", cwd=root)
    assert result.returncode == 1
    assert re.search(r"passerelle +FAILED +1 problem in 1 file", result.stdout)
    assert "offices/passerelle/office.yml:" in result.stdout and "paper: expected one of" in result.stdout
    assert "Built 1 of 2 offices into site/" in result.stdout and "Failed: passerelle" in result.stdout
    assert tree_digest(root / "site" / "passerelle") == before, "the failed office keeps its last good site"
    assert "A practice interview is" in (root / "site" / "northfield" / "mock-interviews" / "index.html").read_text()


def test_mkdocs_builds_an_office_with_the_plugin_option(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      templates: templates\n",
                                                 "      templates: templates\n      office: passerelle\n"
                                                 "      handouts: false\n"))
    result = mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "get-ready" / "index.html").read_text()
    assert "Centre Passerelle Emploi" in page and '<html lang="fr"' in page


def test_contrast_arithmetic_matches_wcag() -> None:
    assert round(contrast_with_white("#000000"), 1) == 21.0
    assert round(contrast_with_white("#767676"), 2) == 4.54  # the lightest grey that passes on white
    darker = darker_until_readable("#7fb3c0")
    assert contrast_with_white(darker) >= 4.5 > contrast_with_white("#7fb3c0")


def test_passerelle_reads_french_on_every_page_and_in_every_handout(built: Path) -> None:
    """Issue 15: the French office's whole handbook is French, its pages' and its handouts' words alike."""
    site = built / "site" / "passerelle"
    english = ("Getting ready", "When to use", "Before the interview", "Related pages", "Last reviewed",
               "This page is not translated")
    pages = [path for path in site.rglob("index.html") if "search" not in path.parts]
    assert len(pages) >= 19
    for page in pages:
        text = html.unescape(page.read_text(encoding="utf-8"))
        assert '<html lang="fr"' in text, page
        for words in english:
            assert words not in text, f"{page}: {words}"
    handouts = sorted((site / "handouts").glob("*.pdf"))
    assert len(handouts) >= 7
    for pdf in handouts:
        assert pypdf.PdfReader(pdf).trailer["/Root"]["/Lang"] == "fr", pdf.name
        text = _text(pdf)
        for words in english:
            assert words not in text, f"{pdf.name}: {words}"
    assert "Quand l’utiliser" in _text(site / "handouts" / "get-ready.pdf")


def test_build_all_grades_the_text_only_when_strict_asks(tmp_path: Path) -> None:
    """build --all shows an office's editorial warnings only with --strict, so only then does it grade the text
    (loading textstat's dictionary in every worker); `handbook check --office` still shows them."""
    root = copy_handbook(tmp_path / "handbook", offices=True)
    page = root / "offices" / "northfield" / "content" / "mock-interviews.yml"
    long = " ".join(["and then we talk about it"] * 8)
    page.write_text(page.read_text().replace("A mock interview is a practice run", f"Here {long}. A mock interview "
                                             "is a practice run", 1))
    result = handbook("build", "--all", "--no-pdf", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not list((root / ".cache" / "handbook").glob("reading-*.json")), "nothing was graded"
    result = handbook("build", "--all", "--no-pdf", "--strict", cwd=root)
    assert result.returncode == 1
    assert re.search(r"northfield +FAILED +1 warning in 1 file \(--strict\)", result.stdout), result.stdout
    assert "a sentence of 49 words, more than 30" in result.stdout
    assert re.search(r"passerelle +ok", result.stdout)
    result = handbook("check", "--office", "northfield", cwd=root)
    assert "a sentence of 49 words" in result.stdout + result.stderr


def _second_office(root: Path, example: str, name: str) -> str:
    """A copy of an example office with a name and contact details of its own (so its pages differ)."""
    slug = f"{example}-two"
    shutil.copytree(root / "offices" / example, root / "offices" / slug)
    settings = root / "offices" / slug / "office.yml"
    text, named = re.subn(r"(?m)^name: .*$", f"name: {name}", settings.read_text(encoding="utf-8"))
    text, mailed = re.subn(r"(?m)^  email: .*$", "  email: second@example.org", text)
    assert named == mailed == 1
    settings.write_text(text, encoding="utf-8")
    return slug


def test_offices_share_converted_html_and_each_site_is_as_if_built_alone(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """In one process (a build --all worker), a second office of a language converts only its own lines to HTML
    (its print line and contact box): the rest of every page is the first office's HTML, and its pages' search
    entries are the first office's (the index leaves those lines out). Every office's site, search index
    included, is byte for byte what generating, converting and indexing each office's pages afresh gives."""
    from material.plugins.search.plugin import Parser
    from mkdocs.structure.pages import Page

    from generator import convert, memo
    from generator.pipeline import build_office

    monkeypatch.setattr(convert.CONVERSIONS, "keep", False)  # (build_office turns it on; put back after)
    root = copy_handbook(tmp_path / "handbook", offices=True)
    slugs = ["northfield", "passerelle", _second_office(root, "northfield", "Southfield Careers"),
             _second_office(root, "passerelle", "Maison de l'Emploi du Sud")]
    converted: dict[str, int] = {}
    whole_render = Page.render

    def counting(page: Page, config: object, files: object) -> None:
        converted[current] += len(page.markdown or "")
        whole_render(page, config, files)

    indexed: dict[str, int] = {}
    parse = Parser.feed

    def feeding(parser: Parser, html: str) -> None:
        indexed[current] = indexed.get(current, 0) + len(html)
        parse(parser, html)

    monkeypatch.setattr(Page, "render", counting)
    monkeypatch.setattr(Parser, "feed", feeding)
    sites = {}
    for mode in ("parts", "whole"):
        convert.CONVERSIONS.kept.clear()
        convert.CONVERSIONS.search.clear()
        if mode == "whole":
            monkeypatch.setattr(convert.Conversions, "render",
                                lambda self, page, parts, config, files: Page.render(page, config, files))
        for slug in slugs:
            current = f"{mode} {slug}"
            converted[current] = 0
            if mode == "whole":
                memo.forget()  # and each office's pages generated from nothing
            result = build_office(root / "mkdocs.yml", slug, tmp_path / mode / slug, handouts=False)
            assert result.ok, result.details
            sites[current] = tree_digest(tmp_path / mode / slug)
    for slug in slugs:
        assert sites[f"parts {slug}"] == sites[f"whole {slug}"], slug
    for second in slugs[2:]:
        assert converted[f"parts {second}"] < converted[f"whole {second}"] / 4, converted
        assert indexed.get(f"parts {second}", 0) < indexed[f"whole {second}"] / 4, indexed
    assert "Southfield Careers" in (tmp_path / "parts" / slugs[2] / "get-ready" / "index.html").read_text()
    index = json.loads((tmp_path / "parts" / slugs[2] / "search" / "search_index.json").read_text())["docs"]
    entries = [entry for entry in index if entry["location"].startswith("get-ready/")]
    assert entries and not [entry for entry in entries if "second@example.org" in entry["text"]]
