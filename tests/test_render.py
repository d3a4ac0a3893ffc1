"""Golden Markdown: the fixture handbook rendered by the real templates, compared with tests/golden/.

After a deliberate change to a template, refresh with `pytest tests/test_render.py --update-golden` and
read the diff as a reviewer would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.convert import PART_BREAK, parts_of, split_parts, stand_alone
from generator.pipeline import generate
from generator.render import escape_html, human_date, inline, message_markdown

from .conftest import FIXTURE, REPO

GOLDEN = Path(__file__).parent / "golden"


SITE_URL = "https://handbook.example.org/"


@pytest.fixture(scope="module")
def site():
    return generate(FIXTURE / "content", REPO / "templates", site_url=SITE_URL)


def test_golden_markdown(site, update_golden: bool) -> None:
    expected = {path.name: path.read_text(encoding="utf-8") for path in sorted(GOLDEN.glob("*.md"))}
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        for path in GOLDEN.glob("*.md"):
            path.unlink()
        for name, text in site.pages.items():
            (GOLDEN / name).write_text(text, encoding="utf-8", newline="\n")
        expected = dict(site.pages)
    assert sorted(site.pages) == sorted(expected), "the set of generated pages changed"
    for name, text in site.pages.items():
        assert text == expected[name], f"{name} differs from tests/golden/{name}"


def test_golden_handout_html(site, update_golden: bool) -> None:
    """The print HTML of each handout (the PDFs are made from it, and read back in test_handouts)."""
    folder = GOLDEN / "handouts"
    actual = {f"{handout.id}.html": handout.html for handout in site.handouts}
    if update_golden:
        folder.mkdir(exist_ok=True)
        for path in folder.glob("*.html"):
            path.unlink()
        for name, text in actual.items():
            (folder / name).write_text(text, encoding="utf-8", newline="\n")
    expected = {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.html"))}
    assert sorted(actual) == sorted(expected), "the set of handouts changed"
    for name, text in actual.items():
        assert text == expected[name], f"{name} differs from tests/golden/handouts/{name}"


def test_golden_navigation(site, update_golden: bool) -> None:
    golden = GOLDEN / "nav.json"
    if update_golden:
        golden.write_text(json.dumps(site.nav, indent=2) + "\n", encoding="utf-8")
    assert site.nav == json.loads(golden.read_text(encoding="utf-8"))


def test_rendering_is_deterministic() -> None:
    first = generate(FIXTURE / "content", REPO / "templates", site_url=SITE_URL)
    second = generate(FIXTURE / "content", REPO / "templates", site_url=SITE_URL)
    assert first.pages == second.pages
    assert [h.html for h in first.handouts] == [h.html for h in second.handouts]
    assert list(first.pages) == sorted(first.pages)


def test_every_kind_is_covered_by_the_fixture(site) -> None:
    kinds = {line.split(": ", 1)[1] for path in (FIXTURE / "content").glob("*.yml")
             for line in path.read_text().splitlines() if line.startswith("kind: ")}
    assert kinds == {"guide", "checklist", "recovery", "script", "page"}


def test_checkboxes_are_labelled_by_their_text(site) -> None:
    page = site.pages["checklist.md"]
    assert ('<label class="task-list-control"><input type="checkbox" name="checklist-1-1" data-answer>'
            '<span class="task-list-indicator"></span> Item with *emphasis*</label>') in page
    assert page.count('type="checkbox"') == 3


def test_html_in_content_is_shown_as_text(site) -> None:
    assert "&lt;script>alert(1)&lt;/script>" in site.pages["guide.md"]
    assert "<script>" not in site.pages["guide.md"]


@pytest.mark.parametrize(("text", "expected"), [
    ("<b>bold</b>", "&lt;b>bold&lt;/b>"),
    ("<!-- hidden -->", "&lt;!-- hidden -->"),
    ("a < b and 3<4", "a < b and 3<4"),
    ("see <https://example.org>", "see <https://example.org>"),
    ("mail <mailto:a@example.org>", "mail <mailto:a@example.org>"),
])
def test_escape_html(text: str, expected: str) -> None:
    assert escape_html(text) == expected


def test_inline_folds_line_breaks() -> None:
    assert inline("one\n  two\tthree ") == "one two three"


def test_human_date_ignores_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from generator.strings import Words

    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert human_date(dt.date(2026, 3, 1)) == "March 1, 2026"
    assert Words("fr", None).date(dt.date(2026, 3, 1)) == "1 mars 2026"
    assert Words("es", None).date(dt.date(2026, 3, 1)) == "1 de marzo de 2026"


def test_message_keeps_line_breaks_and_marks_placeholders() -> None:
    text = "Dear [Name],\n\nThanks.\nBest,\n[Me]\nSee [the advert](https://example.org)."
    assert message_markdown(text) == ("Dear ==[Name]==,\n\nThanks.  \nBest,  \n==[Me]==  \n"
                                      "See [the advert](https://example.org).")


def test_templates_run_sandboxed_and_escaped(tmp_path: Path) -> None:
    """What an office's template could try: Python internals, |safe, raw text: refused or escaped."""
    import jinja2

    from generator.render import make_environment

    (tmp_path / "probe.md.j2").write_text("{{ ''.__class__.__mro__ }}")
    (tmp_path / "safe.md.j2").write_text("{{ text | safe }}")
    (tmp_path / "raw.md.j2").write_text("{{ text }} {{ text | placeholders }}")
    env = make_environment([tmp_path, REPO / "templates"])
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.get_template("probe.md.j2").render()
    with pytest.raises(jinja2.TemplateError, match="safe"):
        env.get_template("safe.md.j2").render(text="<b>")
    assert env.get_template("raw.md.j2").render(text="<script>[Name]") == (
        "&lt;script&gt;[Name] &lt;script>==[Name]==")
    assert env.get_template("checklist.md.j2").filename.startswith(str(REPO)), "the first folder that has it wins"


def _messages() -> dict[str, set[str]]:
    """Every message the templates and the code mark for translation, as pybabel extract finds them (with
    babel.cfg), and the values each one fills in."""
    import re as regex

    from babel.messages.extract import extract_from_dir

    found: dict[str, set[str]] = {}
    method_map = [("generator/**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"trim_blocks": "true", "lstrip_blocks": "true"}}
    keywords = {"_": None, "gettext": None, "N_": None}
    for _, _, message, _, _ in extract_from_dir(str(REPO), method_map, options, keywords=keywords):
        found[message] = set(regex.findall(r"%\((\w+)\)s", message))
    return found


def test_every_word_the_templates_write_is_in_every_catalog() -> None:
    """Each message the templates and the code write is in the template catalog and translated, with the same
    values, in every language's catalog; a message no longer used is not kept."""
    import re as regex

    from babel.messages.pofile import read_po

    from generator.render import CHANNEL_LABELS, HOME_LABEL, NAV_KIND_LABELS
    from generator.strings import catalog_languages, catalog_path

    messages = _messages()
    assert len(messages) > 60
    assert set(CHANNEL_LABELS.values()) | set(NAV_KIND_LABELS.values()) | {HOME_LABEL, "Email", "Open"} <= set(messages)
    with (REPO / "templates" / "locale" / "messages.pot").open("rb") as file:
        template = {m.id for m in read_po(file) if m.id}
    assert template == set(messages), "templates/locale/messages.pot is out of date: run pybabel extract (README)"
    languages = catalog_languages(REPO / "templates")
    assert {"fr", "es"} <= set(languages)
    for language in set(languages) - {"en"}:
        with catalog_path(REPO / "templates", language).open("rb") as file:
            catalog = {m.id: m for m in read_po(file) if m.id}
        missing = sorted(set(messages) - {i for i, m in catalog.items() if m.string and not m.fuzzy})
        assert not missing, f"the {language} catalog lacks {missing}"
        assert not set(catalog) - set(messages), f"the {language} catalog keeps messages no longer used"
        for message, values in messages.items():
            said = catalog[message].string
            assert set(regex.findall(r"%\((\w+)\)s", said)) == values, f"{language}: {message!r} → {said!r}"


def test_a_french_handbook_writes_its_own_words_in_french(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    settings = content / "handbook.yml"
    settings.write_text(settings.read_text() + "language: fr\npaper: a4\n")
    site = generate(content, REPO / "templates", site_url=SITE_URL)
    checklist = site.pages["checklist.md"]
    assert '!!! info "Quand utiliser cette liste"' in checklist
    assert "[Télécharger le PDF à imprimer](handouts/checklist.pdf)" in checklist
    assert 'Dernière révision : <time datetime="2026-01-02">2 janvier 2026</time>' in checklist
    assert "## Fiches à imprimer" in site.pages["index.md"]
    assert site.nav[0] == {"Accueil": "index.md"}
    handout = next(h for h in site.handouts if h.id == "script").html
    assert '<html lang="fr">' in handout and "@page { size: A4; }" in handout
    assert 'content: "Page " counter(page) " sur " counter(pages);' in handout
    assert "Dernière révision le 2 janvier 2026" in handout
    packet = next(h for h in site.handouts if h.id == "packet")
    assert packet.title == "Dossier d’atelier : Fixture Handbook"


@pytest.mark.parametrize(("typed", "html"), [
    ("- one\n  - two\n    - three\n  - back\n- top",
     "<ul><li>one<ul><li>two<ul><li>three</li></ul></li><li>back</li></ul></li><li>top</li></ul>"),
    ("- a\n  - b\n\n    more about b", "<ul><li>a<ul><li><p>b</p><p>more about b</p></li></ul></li></ul>"),
    ("1. a\n   1. b\n\n      para b", "<ol><li>a<ol><li><p>b</p><p>para b</p></li></ol></li></ol>"),
    ("- a\n\n  para of a", "<ul><li><p>a</p><p>para of a</p></li></ul>"),
    ("Example:\n\n    - item\n      - nested", "<p>Example:</p><pre><code>- item  - nested</code></pre>"),
    ("- a\n    - b\n        - c", "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>"),
])
def test_nested_lists_typed_with_two_or_four_spaces(typed: str, html: str) -> None:
    """Issue 14: most editors nest a list item by two spaces; it is nested, never flattened, and code stays code."""
    import markdown

    from generator.text import nest_lists, print_extensions

    converted = markdown.Markdown(extensions=print_extensions()).convert(nest_lists(typed))
    assert converted.replace("\n", "") == html


def test_the_handout_page_counter_keeps_accented_words_as_css_reads_them() -> None:
    """"Página 1 de 2" in a Spanish handout: a CSS string holds the letter itself (a JSON \\u escape would be
    printed as "Pu00e1gina")."""
    from generator.handouts import _page_counter_css
    from generator.strings import Words

    css = str(_page_counter_css(Words.of(REPO / "templates", "es")))
    assert css.startswith('"Página "') and "counter(page)" in css and "\\u" not in css


B = PART_BREAK


@pytest.mark.parametrize("text", [
    f"---\ntitle: x\n---\n\n{B}<p class=\"print\">Office</p>{B}\n\n# Title\n\nText.\n\n"
    f"{B}<div markdown>\n**Us**\n</div>{B}\n\n<p>Reviewed</p>\n",
    f"# Title\n\n- an item\n\n{B}<p>Office</p>{B}\n",
])
def test_a_page_is_cut_into_parts_where_each_stands_alone(text: str) -> None:
    whole, starts = split_parts(text)
    assert B not in whole and starts is not None and whole == text.replace(B, "")
    assert parts_of(whole, starts) == tuple(text.split(B)) and stand_alone(parts_of(whole, starts))


@pytest.mark.parametrize("text", [
    f"- an item\n{B}<p>Office</p>{B}\n",  # no blank line: the part would join the list item
    f"- an item\n\n{B}    <p>Office</p>{B}\n",  # indented: it would continue the list item
    f"# Title\n\n{B}- <p>Office</p>{B}\n",  # a list item: Markdown would join it to a list before
    f"<div markdown>\n\n{B}<p>Office</p>{B}\n\n</div>\n",  # inside an element the parts would close apart
    f"<div markdown>\n\n{B}<p>Office</p>\n\n</div>\n{B}\n\nText\n",  # an element open in one part, closed in another
    f"```\ncode\n\n{B}<p>Office</p>{B}\n\n```\n",  # inside a code fence
])
def test_a_page_whose_parts_would_not_stand_alone_is_converted_whole(text: str) -> None:
    whole, starts = split_parts(text)
    assert whole == text.replace(B, "") and starts is not None and not stand_alone(parts_of(whole, starts))


@pytest.mark.parametrize("line", [
    '<p class="handbook-print-only" data-search-exclude>Office 5 &amp; Co · https://example.org/a/?b=1&c=2</p>',
    '\n\n<div class="note">plain *text*, not Markdown in raw HTML</div>\n',
    "<p>Straße, 東京, café</p>",
])
def test_one_line_of_html_converts_as_python_markdown_converts_it(line: str) -> None:
    import markdown

    from generator.convert import raw_html
    from generator.text import MARKDOWN_EXTENSIONS

    expected = markdown.markdown(f"{line}\n\nEND", extensions=list(MARKDOWN_EXTENSIONS),
                                 extension_configs={"toc": {"permalink": True}})
    assert f"{raw_html(line)}<p>END</p>" == expected


@pytest.mark.parametrize("line", ['<p markdown="span">**x**</p>', '<p id="here">x</p>', "<p>x <b>y</b></p>",
                                  "<span>x</span>", "<p>one</p>\n<p>two</p>"])
def test_html_that_markdown_reads_or_mkdocs_lists_is_converted_by_them(line: str) -> None:
    from generator.convert import raw_html

    assert raw_html(line) is None
