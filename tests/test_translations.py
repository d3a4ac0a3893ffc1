"""Every page in the reader's language (issue 15): translations laid over their originals, stamps that say
when an original moved on, an honest notice where a page is not translated, the report, catalogs of the
site's words, and a language the project does not ship added without code."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.load import load_tree
from generator.pipeline import generate
from generator.translations import in_language, report

from .conftest import REPO, edit, working_copy
from .conftest import handbook as run_handbook
from .conftest import invoke as handbook


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return working_copy(tmp_path, monkeypatch, languages=True)


def built(root: Path, **kwargs: object) -> object:
    return generate(root / "content", root / "templates", handouts=False, **kwargs)  # type: ignore[arg-type]


def by_language(site: object) -> dict[str, object]:
    return {one.language: one for one in site.every_language}  # type: ignore[attr-defined]


# --- the default translations ---------------------------------------------------------------------------------


def test_every_page_and_the_settings_are_translated_into_french_and_spanish_and_up_to_date() -> None:
    base = load_tree(REPO / "content")
    for language in ("fr", "es"):
        found = report(base, language)
        assert found.complete, [(p.page_id, p.state) for p in found.pages if p.state != "up to date"]
        assert {p.page_id for p in found.pages} >= {"handbook", "index", "get-ready", "no-offer"}
        state = in_language(base, language)
        assert not state.shown_in and not state.warnings, "same structure as the originals"


def test_the_default_build_publishes_english_at_the_root_and_french_and_spanish_under_their_codes() -> None:
    site = built(REPO)
    sites = by_language(site)
    assert list(sites) == ["en", "fr", "es"]
    assert [one.path_prefix for one in sites.values()] == ["", "fr/", "es/"]
    assert site.alternates == (("en", "English", ""), ("fr", "Français", "fr/"), ("es", "Español", "es/"))
    fr, es = sites["fr"], sites["es"]
    assert fr.nav[0] == {"Accueil": "index.md"} and es.nav[0] == {"Inicio": "index.md"}
    assert "# Préparer votre entretien" in fr.pages["get-ready.md"]
    assert '!!! info "Quand utiliser cette liste"' in fr.pages["get-ready.md"]
    assert "# Prepárese para su entrevista" in es.pages["get-ready.md"]
    assert '!!! info "Cuándo usar esta lista"' in es.pages["get-ready.md"]
    assert "Dernière révision" in fr.pages["get-ready.md"] and "novembre 2026" in fr.pages["get-ready.md"]
    for one in (fr, es):
        assert not one.shown_in
        for text in one.pages.values():
            assert "lang=" not in text.split("# ", 1)[0], "no page falls back: no notice, no language marking"
    # What is not words comes from the original: the same related pages, sources and phases in every language.
    assert {p for p in fr.pages} == {p for p in site.pages}


def test_translated_pages_keep_their_originals_ids_sources_and_order(root: Path) -> None:
    translation = root / "content" / "i18n" / "fr" / "guides" / "interview-objectives.yml"
    edit(translation, "related:\n", "related:\n  - this-page-does-not-exist\n")
    site = by_language(built(root))["fr"]
    original = (root / "content" / "guides" / "interview-objectives.yml").read_text(encoding="utf-8")
    for related in re.findall(r"^  - ([a-z-]+)$", original.split("related:", 1)[1].split("sources:", 1)[0], re.M):
        assert f"]({related}.md)" in site.pages["interview-objectives.md"]
    assert "this-page-does-not-exist" not in site.pages["interview-objectives.md"]


# --- problems in translations ----------------------------------------------------------------------------------


def test_a_translation_with_an_item_missing_is_a_warning_naming_both_files(root: Path) -> None:
    translation = root / "content" / "i18n" / "fr" / "checklists" / "get-ready.yml"
    text = translation.read_text(encoding="utf-8")
    items = re.findall(r"^      - text: .*\n(?:        note: .*\n)?", text, re.M)
    assert items
    translation.write_text(text.replace(items[0], "", 1), encoding="utf-8")
    result = handbook("check", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert re.search(r"content/i18n/fr/checklists/get-ready\.yml:\d+:\d+: warning: groups\[0\]\.items: \d+ "
                     r"entries here and \d+ in the original \(content/checklists/get-ready\.yml\): one is missing",
                     result.output), result.output
    assert handbook("check", "--no-pdf", "--strict").exit_code == 1


def test_a_translation_of_no_page_and_a_translated_sources_file_are_errors(root: Path) -> None:
    folder = root / "content" / "i18n" / "es"
    shutil.copy(folder / "checklists" / "get-ready.yml", folder / "checklists" / "get-redy.yml")
    shutil.copy(root / "content" / "sources.yml", folder / "sources.yml")
    result = handbook("check", "--no-pdf")
    assert result.exit_code == 1
    assert 'content/i18n/es/checklists/get-redy.yml: there is no original page "get-redy" to translate' in \
        result.output
    assert 'did you mean "get-ready.yml"?' in result.output
    assert "content/i18n/es/sources.yml: sources are not translated" in result.output


def test_a_mistake_in_a_translation_names_the_translation_and_its_line(root: Path) -> None:
    edit(root / "content" / "i18n" / "fr" / "checklists" / "get-ready.yml", "title: Préparer votre entretien",
         "title: [Préparer, votre entretien]")
    result = handbook("check", "--no-pdf")
    assert result.exit_code == 1
    assert re.search(r"content/i18n/fr/checklists/get-ready\.yml:\d+:8: title: expected text", result.output), \
        result.output


def test_a_language_without_a_catalog_is_an_error_on_the_line_that_asks_for_it(root: Path) -> None:
    edit(root / "content" / "handbook.yml", "  - es\n", "  - es\n  - xx\n")
    result = handbook("check", "--no-pdf")
    assert result.exit_code == 1
    assert re.search(r"content/handbook\.yml:\d+:\d+: languages\[3\]: \"xx\" is not a language code that Babel "
                     "knows", result.output), result.output
    edit(root / "content" / "handbook.yml", "  - xx\n", "  - de\n")
    result = handbook("check", "--no-pdf")
    assert result.exit_code == 1
    assert "there is no catalog of the site's words in de: templates/locale/de/LC_MESSAGES/messages.po is " \
           "missing" in result.output


# --- stamps: an original that moved on ------------------------------------------------------------------------


def test_an_edited_original_shows_its_translations_behind_until_they_are_stamped(root: Path) -> None:
    assert handbook("check", "--no-pdf", "--strict").exit_code == 0
    edit(root / "content" / "checklists" / "get-ready.yml", "Tick each item as you go.",
         "Tick each item as you go, and ask us if one is unclear.")
    result = handbook("check", "--no-pdf", "--strict")
    assert result.exit_code == 1
    for language in ("fr", "es"):
        assert re.search(rf"content/i18n/{language}/checklists/get-ready\.yml:\d+:1: warning: its original changed "
                         r"since it was translated: content/checklists/get-ready\.yml", result.output), result.output
    assert ('when: "… each item as you go." → "… each item as you go, and ask us if one is unclear."'
            in result.output)
    assert re.search(r"content/i18n/fr/checklists/get-ready\.yml:\d+:1: warning: its original changed", result.output)
    assert "then run: handbook translations stamp fr get-ready" in result.output

    report_out = handbook("translations", "--lang", "fr")
    assert report_out.exit_code == 0
    assert "fr: 18 up to date, 1 behind, 0 missing" in report_out.output
    assert "get-ready (its original changed)" in report_out.output
    assert handbook("translations", "--strict").exit_code == 1
    data = json.loads(handbook("translations", "--format", "json").output)
    fr = next(entry for entry in data if entry["language"] == "fr")
    assert [entry["page"] for entry in fr["behind"]] == ["get-ready"]
    assert fr["behind"][0]["changes"]["when"]["new"].endswith("ask us if one is unclear.\n")
    assert fr["behind"][0]["original"] == "content/checklists/get-ready.yml"

    # The published translation says so, in French, with the original's date.
    site = by_language(built(root))["fr"]
    assert '!!! note "Cette traduction n’est peut-être plus à jour"' in site.pages["get-ready.md"]
    assert "L’original de cette page a changé le" in site.pages["get-ready.md"]

    assert handbook("translations", "stamp", "fr", "get-ready").exit_code == 0
    assert handbook("translations", "stamp", "es", "get-ready").exit_code == 0
    assert handbook("check", "--no-pdf", "--strict").exit_code == 0
    assert handbook("translations", "--strict").exit_code == 0
    assert "plus à jour" not in by_language(built(root))["fr"].pages["get-ready.md"]


def test_a_change_that_is_not_words_leaves_translations_up_to_date(root: Path) -> None:
    page = root / "content" / "checklists" / "get-ready.yml"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"^reviewed: .*$", "reviewed: 2026-12-01", text, flags=re.M), encoding="utf-8")
    assert handbook("translations", "--strict").exit_code == 0


def test_an_office_may_turn_off_the_notice_on_a_translation_behind(root: Path) -> None:
    from generator.offices import load_office

    edit(root / "content" / "checklists" / "get-ready.yml", "Tick each item as you go.", "Tick each item.")
    office = load_office(root / "offices", "passerelle")
    assert "plus à jour" in built(root, office=office).pages["get-ready.md"]
    edit(root / "offices" / "passerelle" / "office.yml", "paper: a4", "paper: a4\ntranslation_notices: false")
    office = load_office(root / "offices", "passerelle")
    assert "plus à jour" not in built(root, office=office).pages["get-ready.md"]


def test_stamping_a_page_with_no_translation_is_refused(root: Path) -> None:
    (root / "content" / "i18n" / "fr" / "scripts" / "follow-up-call.yml").unlink()
    result = handbook("translations", "stamp", "fr", "follow-up-call")
    assert result.exit_code == 2
    assert "follow-up-call: no translation into fr of such a page" in result.output
    assert handbook("translations", "stamp", "de").exit_code == 2


# --- a missing translation -------------------------------------------------------------------------------------


def test_a_deleted_translation_shows_the_original_with_a_notice_and_its_language_marked(root: Path) -> None:
    (root / "content" / "i18n" / "fr" / "checklists" / "get-ready.yml").unlink()
    result = handbook("translations", "--lang", "fr")
    assert "fr: 18 up to date, 0 behind, 1 missing" in result.output
    assert "missing  get-ready: translate content/checklists/get-ready.yml" in result.output
    assert handbook("translations", "--strict").exit_code == 1
    checked = handbook("check", "--no-pdf", "--strict")
    assert checked.exit_code == 0, "a missing translation is not a content problem"
    assert "Not yet translated into fr: get-ready." in checked.output

    fr = by_language(built(root))["fr"]
    page = fr.pages["get-ready.md"]
    notice, rest = page.split('<div lang="en" markdown>', 1)
    assert '!!! note "<span lang="fr">Cette page n’est pas encore traduite</span>"' in notice
    assert "dans sa langue d’origine (anglais)" in notice
    assert "# Getting ready for your interview" in rest
    english, footer = rest.split('\n</div>\n\n<div class="handbook-related" markdown>', 1)
    assert '<span lang="fr">Quand utiliser cette liste</span>' in english, "the site's words keep their language"
    assert "Start a few days before the interview." in english
    assert '## <span lang="fr">Pages liées</span>' in footer, "the footer is in the reader's language, after it"
    assert fr.shown_in == {"get-ready.md": "en"}
    assert by_language(built(root))["es"].shown_in == {}


@pytest.mark.slow
def test_the_site_html_marks_the_untranslated_page_and_the_menu_links_page_to_page(root: Path) -> None:
    (root / "content" / "i18n" / "es" / "scripts" / "thank-you-note.yml").unlink()
    result = run_handbook("build", "--no-pdf", cwd=root)
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "es" / "thank-you-note" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es"' in html
    assert re.search(r'<div lang="en">\s*<h1 id="[^"]+">Thank-you note', html), "the English text is marked"
    assert "Esta página todavía no está traducida" in html
    for page in ("es/thank-you-note", "fr/get-ready", "get-ready"):
        html = (root / "site" / page / "index.html").read_text(encoding="utf-8")
        name = page.split("/")[-1]
        depth = page.count("/") + 1
        up = "../" * depth
        assert f'<a href="{up}{name}/" hreflang="en" class="md-select__link">' in html
        assert f'<a href="{up}fr/{name}/" hreflang="fr" class="md-select__link">' in html
        assert 'rel="alternate"' not in html, "no <link> that makes Material's script fetch a sitemap elsewhere"
    sitemap = (root / "site" / "fr" / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(r'<loc>https://careers\.example\.edu/handbook/fr/get-ready/</loc>\s*<lastmod>[\d-]+</lastmod>\s*'
                     r'<xhtml:link rel="alternate" hreflang="en" href="https://careers\.example\.edu/handbook/get-ready/"/>',
                     sitemap), sitemap[:800]
    assert '<xhtml:link rel="alternate" hreflang="es" href="https://careers.example.edu/handbook/es/get-ready/"/>' in \
        sitemap
    search = json.loads((root / "site" / "fr" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert search["config"]["lang"] == ["fr"], "French search, with French stemming"
    assert any(doc["title"] == "Préparer votre entretien" for doc in search["docs"])



# --- editorial checks in each language --------------------------------------------------------------------------


def test_a_hard_french_page_is_graded_with_the_french_formula(root: Path) -> None:
    hard = ("Nonobstant l’extraordinaire complexité institutionnelle caractérisant habituellement "
            "l’organisation administrative contemporaine, l’interlocuteur privilégié demeure "
            "systématiquement indispensable. ")
    edit(root / "content" / "i18n" / "fr" / "pages" / "about.yml", "body: |\n", f"body: |\n  {hard * 3}\n\n")
    result = handbook("check", "--no-pdf")
    assert re.search(r"content/i18n/fr/pages/about\.yml:\d+:\d+: warning: body: the page's reading ease is -?\d+ "
                     r"\(Kandel and Moles's Flesch formula for French\), below 60", result.output), result.output


# --- catalogs: the site's own words -------------------------------------------------------------------------------


def test_the_site_words_follow_the_catalog_and_dates_follow_cldr(root: Path) -> None:
    catalog = root / "templates" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    edit(catalog, 'msgstr "Dernière révision :"', 'msgstr "Revu le :"')
    fr = by_language(built(root))["fr"]
    assert "Revu le : <time datetime=" in fr.pages["get-ready.md"]
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">\d{1,2} [a-zéû]+ \d{4}</time>', fr.pages["get-ready.md"])


def test_a_broken_catalog_is_named(root: Path) -> None:
    catalog = root / "templates" / "locale" / "es" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + '\nmsgid "Oops"\nmsgid "Again"\n', encoding="utf-8")
    result = handbook("check", "--no-pdf")
    assert result.exit_code == 1
    assert re.search(r"templates/locale/es/LC_MESSAGES/messages\.po:\d+:1: the catalog cannot be read",
                     result.output), result.output


# --- a language the project does not ship ------------------------------------------------------------------------

GERMAN = {
    "Home": "Startseite",
    "Last reviewed:": "Zuletzt geprüft:",
    "When to use this checklist": "Wann Sie diese Liste nutzen",
    "This page is not translated yet": "Diese Seite ist noch nicht übersetzt",
    "Until it is, here it is in its original language (%(language)s).":
        "Bis dahin lesen Sie sie hier in der Originalsprache (%(language)s).",
}


def add_german(root: Path) -> None:
    """German, added the way TRANSLATING.md says: a catalog started from the template, a few pages, and the
    language listed in handbook.yml. No code."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    with (root / "templates" / "locale" / "messages.pot").open("rb") as file:
        template = read_po(file)
    catalog = Catalog(locale="de", fuzzy=False)
    for message in template:
        if message.id:
            catalog.add(message.id, GERMAN.get(message.id, ""))
    folder = root / "templates" / "locale" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as file:
        write_po(file, catalog)
    pages = root / "content" / "i18n" / "de"
    pages.mkdir()
    settings = (root / "content" / "handbook.yml").read_text(encoding="utf-8")
    settings = settings.replace("title: Job Interview Handbook", "title: Handbuch Vorstellungsgespräch")
    settings = settings.replace("title: Before the interview", "title: Vor dem Gespräch")
    (pages / "handbook.yml").write_text(settings, encoding="utf-8")
    checklist = (root / "content" / "checklists" / "while-you-wait.yml").read_text(encoding="utf-8")
    (pages / "while-you-wait.yml").write_text(
        re.sub(r"^title: .*$", "title: Ihre wöchentliche Liste während des Wartens", checklist, flags=re.M),
        encoding="utf-8")
    edit(root / "content" / "handbook.yml", "  - fr\n  - es\n", "  - de\n")


def test_a_language_the_project_does_not_ship_is_added_without_code(root: Path) -> None:
    add_german(root)
    assert handbook("translations", "stamp", "de").exit_code == 0
    result = handbook("check", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "Not yet translated into de:" in result.output
    de = by_language(built(root))["de"]
    assert de.nav[0] == {"Startseite": "index.md"}
    assert de.nav[1] == {"Vor dem Gespräch": [{"What a job interview is for": "interview-objectives.md"},
                                                {"Getting ready for your interview": "get-ready.md"}]}
    assert "# Ihre wöchentliche Liste während des Wartens" in de.pages["while-you-wait.md"]
    assert '!!! info "Wann Sie diese Liste nutzen"' in de.pages["while-you-wait.md"]
    assert re.search(r"Zuletzt geprüft: <time datetime=\"[\d-]+\">\d+\. [A-Z][a-zä]+ \d{4}</time>",
                     de.pages["while-you-wait.md"]), "German dates, from CLDR"
    assert '<span lang="de">Diese Seite ist noch nicht übersetzt</span>' in de.pages["get-ready.md"]
    assert "Originalsprache (Englisch)" in de.pages["get-ready.md"]
    # Words the catalog does not translate yet stay in English, as gettext does.
    assert "## Related pages" in de.pages["while-you-wait.md"]
    report_out = handbook("translations", "--lang", "de")
    assert "de: 2 up to date, 0 behind, 17 missing" in report_out.output


@pytest.mark.slow
def test_a_language_the_project_does_not_ship_builds_into_its_own_folder(root: Path) -> None:
    add_german(root)
    result = run_handbook("build", cwd=root)
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "de" / "while-you-wait" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in html and "Ihre wöchentliche Liste" in html
    assert (root / "site" / "de" / "handouts" / "while-you-wait.pdf").is_file()
    assert not (root / "site" / "fr").exists()


# --- offices -----------------------------------------------------------------------------------------------------


def test_passerelle_reads_french_on_every_page(root: Path) -> None:
    from generator.offices import load_office

    site = built(root, office=load_office(root / "offices", "passerelle"))
    assert site.language == "fr" and not site.others and not site.alternates
    assert not site.shown_in, "every page French: no fallback"
    assert '!!! info "Quand utiliser cette liste"' in site.pages["get-ready.md"]
    assert site.nav[1]["Avant l’entretien"][:2] == [{"À quoi sert un entretien d’embauche": "interview-objectives.md"},
                                                     {"Préparer votre entretien": "get-ready.md"}]
    for path, text in site.pages.items():
        assert "Getting ready" not in text and "Before the interview" not in text, path


def test_a_bilingual_office_publishes_both_languages_and_its_own_pages_fall_back(root: Path) -> None:
    from generator.offices import load_office

    edit(root / "offices" / "passerelle" / "office.yml", "language: fr", "language: fr\nlanguages: [fr, en]")
    site = built(root, office=load_office(root / "offices", "passerelle"))
    sites = by_language(site)
    assert list(sites) == ["fr", "en"] and sites["en"].path_prefix == "en/"
    en = sites["en"]
    assert "# Getting ready for your interview" in en.pages["get-ready.md"]
    assert en.shown_in == {"index.md": "fr", "reconnaissance-des-diplomes.md": "fr"}, \
        "the office's page and the page it patches are French until translated"
    assert '<div lang="fr" markdown>' in en.pages["reconnaissance-des-diplomes.md"]
    assert ("Not yet translated into en: index, reconnaissance-des-diplomes, of passerelle's own. They are "
            "published in fr, with a notice; translate them into offices/passerelle/i18n/en/ (content/ and patches/, "
            "same file names)") in site.notes
    assert "This page is not translated yet" in en.pages["reconnaissance-des-diplomes.md"]
    # The office translates its own page: it is English from then on.
    own = root / "offices" / "passerelle" / "content" / "reconnaissance-des-diplomes.yml"
    target = root / "offices" / "passerelle" / "i18n" / "en" / "content" / own.name
    target.parent.mkdir(parents=True)
    target.write_text(own.read_text(encoding="utf-8"), encoding="utf-8")
    en = by_language(built(root, office=load_office(root / "offices", "passerelle")))["en"]
    assert "reconnaissance-des-diplomes.md" not in en.shown_in


def test_languages_must_start_with_the_office_language(root: Path) -> None:
    edit(root / "offices" / "passerelle" / "office.yml", "language: fr", "language: fr\nlanguages: [en, fr]")
    result = handbook("check", "--office", "passerelle", "--no-pdf")
    assert result.exit_code == 1
    assert "`languages` starts with the office's main language, `language` (fr): move it first" in result.output


@pytest.mark.slow
def test_a_bilingual_office_builds_both_languages_and_handouts_say_their_language(root: Path) -> None:
    import pypdf

    edit(root / "offices" / "passerelle" / "office.yml", "language: fr", "language: fr\nlanguages: [fr, en]")
    result = run_handbook("build", "--office", "passerelle", cwd=root)
    assert result.returncode == 0, result.stderr
    site = root / "site" / "passerelle"
    assert '<html lang="fr"' in (site / "get-ready" / "index.html").read_text(encoding="utf-8")
    english = (site / "en" / "get-ready" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in english
    assert '<a href="../../get-ready/" hreflang="fr" class="md-select__link">' in english
    assert ('<xhtml:link rel="alternate" hreflang="en" href="https://passerelle-emploi.example.org/guide-entretien/en/'
            'get-ready/"/>') in (site / "sitemap.xml").read_text(encoding="utf-8")
    for folder, language, words in ((site, "fr", "Quand l’utiliser"), (site / "en", "en", "When to use it")):
        pdf = pypdf.PdfReader(folder / "handouts" / "get-ready.pdf")
        assert pdf.trailer["/Root"]["/Lang"] == language
        assert words in pdf.pages[0].extract_text()
    mixed = pypdf.PdfReader(site / "en" / "handouts" / "packet.pdf")
    assert mixed.trailer["/Root"]["/Lang"] == "en"


def test_the_office_report_leaves_out_the_pages_it_hides(root: Path) -> None:
    result = handbook("translations", "--office", "passerelle", "--strict")
    assert result.exit_code == 0, result.output
    assert "fr: 18 up to date, 0 behind, 0 missing" in result.output, "ask-for-leads is hidden"



def test_a_folder_of_translations_may_not_lead_out_of_the_handbook(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.yml").write_text("secret: 1\n", encoding="utf-8")
    shutil.rmtree(root / "content" / "i18n" / "es")
    (root / "content" / "i18n" / "es").symlink_to(outside, target_is_directory=True)
    result = handbook("check", "--no-pdf")
    assert result.exit_code == 1
    assert "content/i18n/es: this is a link to another file or folder, which the handbook does not follow" in \
        result.output
    assert "secret" not in result.output
    edit(root / "offices" / "passerelle" / "office.yml", "language: fr", "language: fr\nlanguages: [fr, en]")
    (root / "offices" / "passerelle" / "i18n" / "en").mkdir(parents=True)
    (root / "offices" / "passerelle" / "i18n" / "en" / "content").symlink_to(outside, target_is_directory=True)
    result = handbook("check", "--office", "passerelle", "--no-pdf")
    assert result.exit_code == 1
    assert ("offices/passerelle/i18n/en/content: this is a link to another file or folder, which the handbook "
            "does not follow") in result.output
    assert "secret" not in result.output


def test_a_bilingual_office_tracks_its_own_translations_like_the_base(root: Path) -> None:
    edit(root / "offices" / "passerelle" / "office.yml", "language: fr", "language: fr\nlanguages: [fr, en]")
    result = handbook("translations", "--office", "passerelle")
    assert "fr: 18 up to date, 0 behind, 0 missing" in result.output
    assert "en: 0 up to date, 0 behind, 2 missing" in result.output
    assert ("missing  reconnaissance-des-diplomes: translate offices/passerelle/content/"
            "reconnaissance-des-diplomes.yml") in result.output
    own = root / "offices" / "passerelle" / "content" / "reconnaissance-des-diplomes.yml"
    target = root / "offices" / "passerelle" / "i18n" / "en" / "content" / own.name
    target.parent.mkdir(parents=True)
    target.write_text(own.read_text(encoding="utf-8"), encoding="utf-8")
    assert "en: 0 up to date, 1 behind, 1 missing" in handbook("translations", "--office", "passerelle").output
    stamped = handbook("translations", "stamp", "--office", "passerelle", "en", "reconnaissance-des-diplomes")
    assert stamped.exit_code == 0, stamped.output
    assert "offices/passerelle/i18n/en/translation-stamps.yml" in stamped.output
    assert "en: 1 up to date, 0 behind, 1 missing" in handbook("translations", "--office", "passerelle").output
    assert handbook("check", "--office", "passerelle", "--no-pdf", "--strict").exit_code == 0
    # The office edits its own French page: its English translation is behind, in check and on the page.
    text = own.read_text(encoding="utf-8")
    summary = re.search(r"^summary: (.*)$", text, re.M)
    assert summary
    own.write_text(text.replace(summary.group(0), f"summary: {summary.group(1)} Nouveau.", 1), encoding="utf-8")
    result = handbook("check", "--office", "passerelle", "--no-pdf", "--strict")
    assert result.exit_code == 1
    assert re.search(r"offices/passerelle/i18n/en/content/reconnaissance-des-diplomes\.yml:\d+:1: warning: its "
                     r"original changed since it was translated: offices/passerelle/content/"
                     r"reconnaissance-des-diplomes\.yml", result.output), result.output
    assert "handbook translations stamp en --office passerelle reconnaissance-des-diplomes" in result.output
    from generator.offices import load_office

    en = by_language(built(root, office=load_office(root / "offices", "passerelle")))["en"]
    assert "This translation may be out of date" in en.pages["reconnaissance-des-diplomes.md"]
