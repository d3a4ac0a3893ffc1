"""PDF handouts, read back as a person's PDF reader would: fields, text, pages, metadata, the packet, the cache.

Every PDF here is made by a real `handbook build` with WeasyPrint and opened with pypdf; nothing is mocked.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pypdf
import pytest
import yaml

from generator.handouts import Handout, Press
from generator.problems import ContentError

from .conftest import REPO, copy_handbook, handbook, tree_digest

pytestmark = pytest.mark.slow  # builds whole sites, makes PDFs or drives a browser: not in the fast tier

CONTENT = REPO / "content"
SETTINGS = yaml.safe_load((CONTENT / "handbook.yml").read_text(encoding="utf-8"))
OFFICE = SETTINGS["office"]["name"]
SITE_URL = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]


def _pages() -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in CONTENT.rglob("*.yml")
            if path.stem not in ("handbook", "sources") and "i18n" not in path.relative_to(CONTENT).parts}


PAGES = _pages()
CHECKLISTS = sorted(page_id for page_id, page in PAGES.items() if page["kind"] == "checklist")
PRINTABLE = sorted(page_id for page_id, page in PAGES.items()
                   if page["kind"] == "checklist" or page.get("printable") is True)


def _build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = handbook("build", *args, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default handbook, built once for the tests that only read its handouts."""
    root = copy_handbook(tmp_path_factory.mktemp("built") / "handbook")
    _build(root)
    return root


def _text(reader: pypdf.PdfReader, pages: slice = slice(None)) -> str:
    """The text of the pages, as one line of words (ligatures and line breaks undone)."""
    text = " ".join(page.extract_text() for page in reader.pages[pages])
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _plain(markdown: str) -> str:
    """Text as printed: inline Markdown marks removed, whitespace folded."""
    return " ".join(re.sub(r"\*\*|__|(?<!\w)[*_]|[*_](?!\w)", "", markdown).split())


def _fields(reader: pypdf.PdfReader) -> dict[str, dict]:
    """The form's fields by name. (pypdf also lists each radio button of a group, as "<group>.<group>": those
    are the group's buttons, checked through the group's /Kids.)"""
    return {name: field for name, field in (reader.get_fields() or {}).items() if "." not in name}


def test_one_pdf_per_printable_page_and_the_packet(built: Path) -> None:
    made = sorted(path.stem for path in (built / "site" / "handouts").glob("*.pdf"))
    assert made == sorted([*PRINTABLE, "packet"])
    assert set(CHECKLISTS) <= set(made) and len(PRINTABLE) > len(CHECKLISTS), "guides and scripts print too"


def _for_whom(part: dict) -> str:
    """What the base handbook (serving every reader) prints after a part meant for some audiences only."""
    titles = {audience["id"]: audience["title"] for audience in SETTINGS.get("audiences", [])}
    return f" For: {', '.join(titles[a] for a in part['audiences'])}" if part.get("audiences") else ""


def _expected_question(fields: dict[str, dict], name: str, write_in: dict) -> str:
    """Check one question's field against its kind of answer; return its field type."""
    answer = write_in.get("answer", "lines")
    field = fields[name]
    if answer in ("rating", "yes-no"):  # a group of radio buttons, one per choice, named by its question
        assert field["/FT"] == "/Btn" and int(field["/Ff"]) & (1 << 15), f"{name} is a group of radio buttons"
        kids = [kid.get_object() for kid in field["/Kids"]]
        assert len(kids) == (write_in.get("scale", 5) if answer == "rating" else 2), name
        assert all(_plain(write_in["prompt"]) in " ".join(str(kid["/TU"]).split()) for kid in kids), name
        return "/Btn"
    assert field["/FT"] == "/Tx", name
    assert bool(int(field.get("/Ff", 0)) & (1 << 12)) == (answer == "lines"), "only `lines` takes several lines"
    assert " ".join(field["/TU"].split()) == _plain(write_in["prompt"])
    return "/Tx"


@pytest.mark.parametrize("page_id", CHECKLISTS)
def test_a_checklist_pdf_can_be_filled_in(built: Path, page_id: str) -> None:
    reader = pypdf.PdfReader(built / "site" / "handouts" / f"{page_id}.pdf")
    fields = _fields(reader)
    expected: dict[str, set[str]] = {"/Btn": set(), "/Tx": set()}
    for g, group in enumerate(PAGES[page_id]["groups"], 1):
        for i, item in enumerate(group.get("items", []), 1):
            name = f"{page_id}-{g}-{i}"
            if item.get("reminder"):  # a reminder is not ticked: no box
                assert name not in fields
                continue
            expected["/Btn"].add(name)
            assert fields[name]["/FT"] == "/Btn", name
            # The label beside the box is the field's accessible name, read out by screen readers, with
            # whom the item is for when it is for some readers only.
            assert " ".join(fields[name]["/TU"].split()) == _plain(item["text"]) + _for_whom(item)
        for j, write_in in enumerate(group.get("write_in", []), 1):
            name = f"{page_id}-{g}-write-{j}"
            expected[_expected_question(fields, name, write_in)].add(name)
        sheet = group.get("worksheet")
        if sheet:  # a text field per answer, per weight and per score, and one per total: written in by hand
            counting = [c for c, column in enumerate(sheet["columns"], 1) if column.get("answer", "rating")
                        in ("rating", "number")]
            for r, row in enumerate(sheet["rows"], 1):
                names = [f"{page_id}-{g}-sheet-{r}-{c}" for c in range(1, len(sheet["columns"]) + 1)]
                if "weigh" in sheet:
                    names += [f"{page_id}-{g}-sheet-{r}-weight", *(f"{page_id}-{g}-sheet-{r}-{c}-score"
                                                                  for c in counting)]
                for name in names:
                    assert fields[name]["/FT"] == "/Tx" and _plain(row["text"]) in fields[name]["/TU"], name
                expected["/Tx"].update(names)
            if "total" in sheet:
                expected["/Tx"].update(f"{page_id}-{g}-sheet-total-{c}" for c in counting)
    for kind, names in expected.items():
        assert {n for n, f in fields.items() if f["/FT"] == kind} == names, kind
    assert expected["/Btn"], "every default checklist has items"


def test_the_offer_checklist_has_a_scorecard_and_a_rating(built: Path) -> None:
    """The default content uses what real documents need: a weighted scorecard with a total, a rating scale
    with its end labels, and a reminder without a box."""
    reader = pypdf.PdfReader(built / "site" / "handouts" / "offer-decision.pdf")
    fields = _fields(reader)
    assert sum(name.endswith("-weight") for name in fields) == 8
    assert {"offer-decision-4-sheet-total-1", "offer-decision-4-sheet-total-2"} <= set(fields)
    text = _text(reader)
    for words in ("Not sure at all", "Completely sure", "Total score", "Remember: You can ask for time to decide",
                  "How much it matters to me (1 to 3)", "This offer (1 to 5)", "Score"):
        assert words in text, words
    assert "/JavaScript" not in str(reader.trailer["/Root"]) and not any(
        "/AA" in field for field in fields.values()), "no script: the total is written by hand"


def test_the_recovery_page_prints_as_a_plan_and_the_thank_you_note_with_room_to_draft(built: Path) -> None:
    plan = pypdf.PdfReader(built / "site" / "handouts" / "no-offer.pdf")
    fields, text = _fields(plan), _text(plan)
    page = PAGES["no-offer"]
    assert "My plan" in text
    for s, step in enumerate(page["steps"], 1):
        assert _plain(step["when"]) in text
        for a, action in enumerate(step["actions"], 1):
            assert fields[f"no-offer-step-{s}-{a}"]["/FT"] == "/Btn"
            assert " ".join(fields[f"no-offer-step-{s}-{a}"]["/TU"].split()) == _plain(action)
        for w, write_in in enumerate(step.get("write_in", []), 1):
            _expected_question(fields, f"no-offer-step-{s}-write-{w}", write_in)
    assert "What I will do this week" in text
    note = pypdf.PdfReader(built / "site" / "handouts" / "thank-you-note.pdf")
    fields, text = _fields(note), _text(note)
    script = PAGES["thank-you-note"]
    assert {"thank-you-note-draft-1", "thank-you-note-draft-2"} <= set(fields), "room to draft each version"
    assert "The message: Email" in text and "The message: Card" in text
    for line in script["variants"][0]["message"].splitlines()[2:3]:
        assert " ".join(line.split()[:6]) in text, "every version is printed"


@pytest.mark.parametrize("page_id", PRINTABLE)
def test_a_handout_says_what_the_page_says_and_who_made_it(built: Path, page_id: str) -> None:
    reader = pypdf.PdfReader(built / "site" / "handouts" / f"{page_id}.pdf")
    page = PAGES[page_id]
    text = _text(reader)
    assert OFFICE in text
    assert SETTINGS["office"]["contact"]["email"] in text
    assert f"{SITE_URL}{page_id}/" in text, "the page's web address"
    assert _plain(page["title"]) in text
    for group in page.get("groups", []):
        for item in group.get("items", []):
            assert _plain(item["text"]) in text
        for write_in in group.get("write_in", []):
            assert _plain(write_in["prompt"]) in text
    for section in page.get("sections", []):
        assert _plain(section["title"]) in text
    # Metadata a screen reader and a file browser show.
    assert reader.metadata.title == page["title"]
    assert reader.metadata.author == OFFICE
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root, "a tagged PDF"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    fonts = [font.get_object() for p in reader.pages for font in p["/Resources"]["/Font"].values()]
    assert fonts and all("Atkinson" in str(font["/BaseFont"]) for font in fonts)
    for font in fonts:
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)
        descriptor = descriptor["/FontDescriptor"]
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"{font['/BaseFont']} is embedded"


@pytest.mark.parametrize("page_id", CHECKLISTS)
def test_every_default_checklist_fits_its_letter_pages(built: Path, page_id: str) -> None:
    reader = pypdf.PdfReader(built / "site" / "handouts" / f"{page_id}.pdf")
    assert len(reader.pages) == PAGES[page_id].get("pages", 1)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_every_default_checklist_fits_its_a4_pages(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    settings = root / "content" / "handbook.yml"
    settings.write_text(settings.read_text().replace("\npaper: letter\n", "\npaper: a4\n"))
    _build(root)
    for page_id in CHECKLISTS:
        reader = pypdf.PdfReader(root / "site" / "handouts" / f"{page_id}.pdf")
        assert len(reader.pages) == PAGES[page_id].get("pages", 1), page_id
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842), page_id


def test_the_packet_binds_the_chosen_handouts_behind_a_cover(built: Path) -> None:
    folder = built / "site" / "handouts"
    packet = pypdf.PdfReader(folder / "packet.pdf")
    parts = [pypdf.PdfReader(folder / f"{page_id}.pdf") for page_id in SETTINGS["packet"]]
    assert len(packet.pages) == 1 + sum(len(part.pages) for part in parts)
    cover = _text(packet, slice(0, 1))
    assert "WORKSHOP PACKET" in cover and OFFICE in cover and SETTINGS["title"] in cover
    numbers = re.findall(r"\b(\d+)\.(?:\s|$)", cover)
    assert numbers == [str(n) for n in range(1, len(parts) + 1)], "the contents are numbered, in text too"
    start = 1
    for page_id, part in zip(SETTINGS["packet"], parts, strict=True):
        assert _plain(PAGES[page_id]["title"]) in cover, "the cover lists the contents"
        assert _text(packet, slice(start, start + len(part.pages))) == _text(part), f"{page_id}, in order"
        start += len(part.pages)
    assert set(_fields(packet)) == {name for part in parts for name in _fields(part)}
    assert packet.metadata.title == f"Workshop packet: {SETTINGS['title']}"


def test_pages_link_to_their_handouts_and_the_home_page_lists_them(built: Path) -> None:
    site = built / "site"
    for page_id in PRINTABLE:
        html = (site / page_id / "index.html").read_text(encoding="utf-8")
        assert re.search(rf'<a class="md-button handbook-download" href="\.\./handouts/{page_id}\.pdf">'
                         r"Download printable PDF</a>", html), page_id
    for page_id in set(PAGES) - set(PRINTABLE) - {"index"}:
        assert "Download printable PDF" not in (site / page_id / "index.html").read_text(encoding="utf-8")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert sorted(re.findall(r'href="handouts/([a-z0-9-]+)\.pdf"', home)) == sorted([*PRINTABLE, "packet"])


def test_two_builds_make_byte_identical_pdfs(built: Path, tmp_path: Path) -> None:
    other = copy_handbook(tmp_path / "handbook")
    _build(other)  # its own, empty cache: every PDF is made again
    assert tree_digest(other / "site" / "handouts") == tree_digest(built / "site" / "handouts")


def test_a_rebuild_renders_only_what_changed(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    first = _build(root)
    total = len(PRINTABLE) + 1
    assert f"{total} PDF handouts ({total} rendered, 0 unchanged)" in first.stderr
    before = tree_digest(root / "site" / "handouts")

    again = _build(root)
    assert f"{total} PDF handouts (none rendered, {total} unchanged)" in again.stderr
    assert tree_digest(root / "site" / "handouts") == before

    def edit(page_id: str) -> dict[str, str]:
        path = next((root / "content").rglob(f"{page_id}.yml"))
        path.write_text(path.read_text().replace("\ntitle: ", "\ntitle: Your ", 1))
        return tree_digest(root / "site" / "handouts")

    previous = edit("get-ready")  # in the packet: its handout and the packet change
    result = _build(root)
    assert f"(2 rendered, {total - 2} unchanged)" in result.stderr
    now = tree_digest(root / "site" / "handouts")
    assert {name for name in now if now[name] != previous[name]} == {"get-ready.pdf", "packet.pdf"}

    previous = edit("offer-decision")  # not in the packet: only its handout changes
    result = _build(root)
    assert f"(1 rendered, {total - 1} unchanged)" in result.stderr
    now = tree_digest(root / "site" / "handouts")
    assert {name for name in now if now[name] != previous[name]} == {"offer-decision.pdf"}


def test_no_pdf_skips_the_handouts_and_their_links(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    result = _build(root, "--no-pdf")
    assert "PDF" not in result.stdout + result.stderr
    assert not (root / "site" / "handouts").exists()
    assert not any("handouts/" in page.read_text(encoding="utf-8") for page in (root / "site").rglob("*.html"))
    assert not (root / ".cache" / "handbook" / "handouts").exists()  # no PDF was made, or cached


def test_a_checklist_too_long_for_one_page_is_an_error_naming_it(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "handbook")
    _build(root)
    before = tree_digest(root / "site")
    page = root / "content" / "checklists" / "while-you-wait.yml"
    extra = "".join(f"      - text: Extra task number {n} that makes this list far too long.\n" for n in range(40))
    text = page.read_text()
    at = text.index("    items:\n") + len("    items:\n")
    page.write_text(text[:at] + extra + text[at:])
    groups_line = page.read_text().splitlines().index("groups:") + 1
    for command in ("check", "build"):
        result = handbook(command, cwd=root)
        assert result.returncode == 1, command
        assert f"content/checklists/while-you-wait.yml:{groups_line}:1: this checklist does not fit on one " \
               "printed page: about " in result.stdout, result.stdout
        assert "split the checklist in two" in result.stdout
        assert "Traceback" not in result.stdout + result.stderr
    assert tree_digest(root / "site") == before


@pytest.mark.parametrize(("change", "expected"), [
    (("{% for group in page.groups %}", "{% for group in page.groups %"),
     r"templates/handout\.html\.j2:\d+:1: template syntax error: "),
    (("{{ page.summary | md_inline }}", "{{ page.sumary | md_inline }}"),
     r"templates/handout\.html\.j2:\d+:1: the template failed: .*sumary.* \(while rendering the page [a-z-]+\)"),
], ids=["syntax", "undefined"])
def test_a_handout_template_mistake_is_reported_and_the_site_kept(tmp_path: Path, change: tuple[str, str],
                                                                 expected: str) -> None:
    root = copy_handbook(tmp_path / "handbook")
    _build(root, "--no-pdf")
    before = tree_digest(root / "site")
    template = root / "templates" / "handout.html.j2"
    old, new = change
    assert old in template.read_text()
    template.write_text(template.read_text().replace(old, new, 1))
    result = handbook("build", cwd=root)
    assert result.returncode == 1
    assert re.search(expected, result.stdout), result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert tree_digest(root / "site") == before


def _handout(tmp_path: Path, body: str) -> Handout:
    html = f'<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>{body}</body></html>'
    return Handout("probe", "Probe", html, tmp_path / "content" / "checklists" / "probe.yml", 3, True)


@pytest.mark.parametrize(("body", "expected"), [
    ('<img src="https://example.org/tracker.png" alt="">', "handouts never fetch from the network"),
    ('<link rel="stylesheet" href="http://example.org/font.css">', "handouts never fetch from the network"),
    ('<img src="file:///etc/hostname" alt="">', "is outside the folders handouts may use"),
    ('<img src="../../../../etc/hostname" alt="">', "is outside the folders handouts may use"),
])
def test_handouts_read_nothing_from_the_network_or_outside_the_handbook(tmp_path: Path, body: str,
                                                                       expected: str) -> None:
    (tmp_path / "content" / "assets").mkdir(parents=True)
    press = Press(tmp_path / "cache", tmp_path / "content", [tmp_path / "content" / "assets"])
    with pytest.raises(ContentError) as caught:
        press.make(_handout(tmp_path, body))
    [problem] = caught.value.problems
    assert problem.file == tmp_path / "content" / "checklists" / "probe.yml" and problem.line == 3
    assert "the handout handouts/probe.pdf could not be made" in problem.message
    assert expected in problem.message
    assert not list((tmp_path / "cache").glob("*.pdf")), "nothing is cached from a failed handout"


def test_an_image_from_the_handbook_assets_is_allowed(tmp_path: Path) -> None:
    assets = tmp_path / "content" / "assets"
    assets.mkdir(parents=True)
    (assets / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                     '<rect width="10" height="10"/></svg>')
    press = Press(tmp_path / "cache", tmp_path / "content", [assets])
    pdf = press.make(_handout(tmp_path, '<img src="assets/logo.svg" alt="Logo"><p>Hello</p>'))
    assert "Hello" in pypdf.PdfReader(pdf).pages[0].extract_text()


def test_a_missing_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A font missing from the package is the machine's failure (exit 3 from the command), not the content's."""
    import generator.handouts as handouts
    from generator.failures import MachineError

    monkeypatch.setitem(handouts.FONT_FACES, (400, "normal"), "no-such-font.woff")
    press = Press(tmp_path / "cache", tmp_path)
    with pytest.raises(MachineError) as caught:
        press.make(_handout(tmp_path, "<p>Hello</p>"))
    assert caught.value.what.startswith("a font the PDF handouts need is missing: ")
    assert caught.value.what.endswith("no-such-font.woff")
    assert "reinstall" in caught.value.fix


def test_printing_a_page_from_the_browser_leaves_out_the_site_around_it(built: Path, tmp_path: Path) -> None:
    """Chromium's own print-to-PDF of a checklist page: as many pages as its handout (one unless it says
    otherwise), the page alone, with office and address."""
    chromium = shutil.which("chromium")
    assert chromium, "these tests need Chromium: apt-get install -y chromium (see README: Running the tests)"
    site_settings = SETTINGS
    for page_id in CHECKLISTS:
        out = tmp_path / f"{page_id}.pdf"
        result = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--print-to-pdf={out}", (built / "site" / page_id / "index.html").as_uri()],
            capture_output=True, text=True, timeout=120, check=False)
        assert out.is_file(), result.stderr
        reader = pypdf.PdfReader(out)
        text = _text(reader)
        assert len(reader.pages) == PAGES[page_id].get("pages", 1), f"{page_id} prints on {len(reader.pages)} pages"
        assert text.startswith(f"{OFFICE} · {SITE_URL}{page_id}/"), text[:200]
        # The navigation lists every phase and page; the printed page shows only its own text.
        own = (REPO / "content" / "checklists" / f"{page_id}.yml").read_text()
        in_nav = [phase["title"] for phase in site_settings["phases"]] + [page["title"] for page in PAGES.values()]
        printed = [title for title in in_nav if title not in own and title in text]
        assert not printed, f"{page_id}: the navigation was printed ({printed})"
        assert "Download printable PDF" not in text and "Related pages" not in text
        assert _plain(PAGES[page_id]["groups"][0]["title"]) in text


def test_a_terminal_sees_progress_and_a_summary(tmp_path: Path) -> None:
    """On a terminal (a pseudo-terminal here), the build shows each handout's number and file as it goes."""
    import os
    import pty
    import sys

    root = copy_handbook(tmp_path / "handbook")
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "generator", "build"], cwd=root, stdin=follower,
                               stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the build ended and closed its side
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=120) == 0
    os.close(leader)
    text = shown.decode()
    total = len(PRINTABLE) + 1
    for number in range(1, total + 1):
        assert re.search(rf"Making PDF handouts .*\b{number}/{total}\b", text), number
    assert "handouts/get-ready.pdf" in text and "handouts/packet.pdf" in text
    assert f"Handouts: {total} PDF handouts ({total} rendered, 0 unchanged) in " in text


def test_a_handout_that_takes_too_long_to_lay_out_is_stopped(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An office's handout template can force thousands of pages (a second review laid out 3,000 in 254 s): the
    clock stops it, as a problem naming the handout."""
    import generator.handouts as handouts

    monkeypatch.setattr(handouts, "HANDOUT_SECONDS", 2.0)
    body = "<style>p { break-after: page; }</style>" + "".join(f"<p>{n}</p>" for n in range(20000))
    handout = dataclasses.replace(_handout(tmp_path, body), max_pages=0)
    started = time.monotonic()
    with pytest.raises(ContentError) as caught:
        Press(tmp_path / "cache", tmp_path).render(handout)
    assert time.monotonic() - started < 60, "stopped, not waited for"
    [problem] = caught.value.problems
    assert problem.message == "the handout handouts/probe.pdf could not be made: laying it out took more than 2 seconds"
