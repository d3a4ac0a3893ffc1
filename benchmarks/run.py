"""Measure the handbook generator against plain MkDocs at 50, 500 and 2,000 pages; print a table and ratios.

    python benchmarks/run.py                        # everything, about 40 minutes on 2 cores
    python benchmarks/run.py --pages 50 500 --runs 3 --offices 8
    python benchmarks/run.py --only generator build # a part: generator build mkdocs handouts offices serve

For each size it writes a synthetic handbook (benchmarks/synthetic.py: the default handbook grown to N pages
of every kind), then measures, each figure the median of --runs runs (--runs-large at 2,000 pages and
more) in fresh processes, (b) and (c) taking turns so that a machine's drift touches both alike:

(a) generator   the generator stage alone (load, validate, review, render the Markdown; no MkDocs), on a
                first run (no cache) and on a rebuild (the reading grades cached), with the peak memory; and
                the whole generate step (every page's Markdown and print HTML) again in the same process after
                one page's text changed, as the live preview and `build --all` meet it (generator/memo.py);
(b) build       `handbook build --no-pdf`, the whole command, with its peak memory;
(c) mkdocs      plain `mkdocs build` of the same Markdown written out by `handbook export`, without our
                plugin; and (c+) the same with Material's navigation.prune added by hand, to show what the
                feature alone buys a plain MkDocs user;
(d) handouts    the PDF handout stage: cold (empty cache, one worker process per core), warm (nothing
                changed), and after one checklist in the packet changed (what was re-rendered);

and once, on the default handbook:

(e) offices     `handbook build --all` with --offices offices, one at a time (--jobs 1) and one per core;
(f) serve       from saving a YAML file to the changed text showing in a browser (headless Chromium via
                Playwright when installed, else fetched over HTTP) during `handbook serve`, at the default size
                and at --serve-pages pages: a page's text edited (only that page is rebuilt), and a page's title
                (the navigation changes: every page is).

Peak memory is the largest resident set of the measured process (`wait4`). A build runs once untimed first,
so the figures are for a rebuild, as an editor meets them; the generator's first-run figure shows a cold one.
Every process runs with Python's bytecode cache on, as on a user's machine (PYTHONDONTWRITEBYTECODE, set
on some build machines, would make each process compile our package from source again).
It prints; it never fails. Numbers depend on the machine: compare runs on the same one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from synthetic import add_offices, make_handbook  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
PARTS = ("generator", "build", "mkdocs", "handouts", "offices", "serve")
TARGETS = """\
targets: generator stage at 2,000 pages < 1 s, one page changed < 0.5 s; (b)/(c) <= 1.05 at 50 and 500 pages;
         (b)/(c) <= 0.33 at 2,000; warm handouts render none; --all at least 1.7x faster on 2 cores;
         live preview, a page's text saved: < 0.8 s at the default size, < 1 s at 500 pages; peak < 300 MB"""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``command``; its wall time in seconds, its peak memory in MB, and its standard error."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    stderr = process.stderr.read() if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {cwd}:\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, stderr


def medians(runs: int, once: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    """The median time and the largest peak memory of ``runs`` calls of ``once``."""
    results = [once() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def stage_in_fresh_process(root: Path, cached: bool) -> dict[str, float]:
    """(a) in a new interpreter: each stage's seconds, and the process's peak memory."""
    command = [PYTHON, str(Path(__file__)), "--stage", str(root), *(["--cached"] if cached else [])]
    _, memory, stderr = run(command, root, environment())
    figures = json.loads(stderr.strip().splitlines()[-1])
    figures["memory"] = memory
    return figures


def stage(root: Path, cached: bool) -> None:
    """Run by stage_in_fresh_process: time the generator's stages and print them as JSON."""
    sys.path.insert(0, str(REPO))
    from generator.editorial import ReadingCache, review, warm_up
    from generator.handouts import page_urls
    from generator.load import load_tree
    from generator.pipeline import Project
    from generator.render import render
    from generator.validate import validate

    project = Project.from_config(root / "mkdocs.yml")

    cache_dir = root / ".cache" / "handbook"
    if not cached:
        shutil.rmtree(cache_dir, ignore_errors=True)
    times: dict[str, float] = {}
    started = time.perf_counter()
    tree = load_tree(root / "content")
    times["load"] = time.perf_counter() - started
    started = time.perf_counter()
    handbook = validate(tree)
    times["validate"] = time.perf_counter() - started
    started = time.perf_counter()
    review(handbook, cache=ReadingCache(cache_dir / "reading-base.json"))
    times["review"] = time.perf_counter() - started
    started = time.perf_counter()
    # as `handbook build --no-pdf` renders them (the same addresses), so both use the pages kept on disk
    render(handbook, root / "templates", url=page_urls(project.site_url, project.use_directory_urls),
           cache_dir=cache_dir)
    times["render"] = time.perf_counter() - started
    times["total"] = sum(times.values())
    project.generate(handouts=False)
    warm_up()  # as the preview does after its first build: grading the changed page does not load textstat
    page = root / "content" / "checklists" / "get-ready.yml"
    original = page.read_text(encoding="utf-8")
    try:
        page.write_text(original.replace("\nintro: |\n  ", "\nintro: |\n  One more sentence. ", 1), encoding="utf-8")
        assert page.read_text(encoding="utf-8") != original
        started = time.perf_counter()
        project.generate(handouts=False)
        times["one_changed"] = time.perf_counter() - started
    finally:
        page.write_text(original, encoding="utf-8")
        project.generate(handouts=False)  # the caches as they were, for the next run
    print(json.dumps(times), file=sys.stderr)


def handouts_in_fresh_process(root: Path) -> dict[str, float]:
    _, _, stderr = run([PYTHON, str(Path(__file__)), "--handouts", str(root)], root, environment())
    return json.loads(stderr.strip().splitlines()[-1])


def handouts(root: Path) -> None:
    """Run by handouts_in_fresh_process: the handout stage cold, warm, and after one checklist changed."""
    sys.path.insert(0, str(REPO))
    from generator.pipeline import Project, make_handouts

    project = Project.from_config(root / "mkdocs.yml")
    shutil.rmtree(project.cache_dir / "handouts", ignore_errors=True)
    site = project.generate()
    press = project.press()
    figures: dict[str, float] = {"jobs": press.jobs, "count": len(site.handouts)}
    try:
        started = time.perf_counter()
        _, report = make_handouts(site, press)
        figures["cold"], figures["cold_rendered"] = time.perf_counter() - started, len(report.rendered)
        started = time.perf_counter()
        _, report = make_handouts(site, press)
        figures["warm"], figures["warm_rendered"] = time.perf_counter() - started, len(report.rendered)
        checklist = root / "content" / "checklists" / "get-ready.yml"
        checklist.write_text(checklist.read_text(encoding="utf-8").replace(
            "\ntitle: ", "\ntitle: Changed - ", 1), encoding="utf-8")
        site = project.generate()
        started = time.perf_counter()
        _, report = make_handouts(site, press)
        figures["changed"], figures["changed_rendered"] = time.perf_counter() - started, len(report.rendered)
        figures["changed_which"] = " and ".join(sorted(report.rendered))  # type: ignore[assignment]
    finally:
        press.close()
        shutil.copy(REPO / "content" / "checklists" / "get-ready.yml", root / "content" / "checklists")
    print(json.dumps(figures), file=sys.stderr)


def with_prune(export: Path) -> Path:
    """A copy of an exported project with Material's navigation.prune added to its mkdocs.yml."""
    pruned = export.with_name(export.name + "-prune")
    shutil.copytree(export, pruned)
    config = pruned / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(\n  features:\n)", r"\1  - navigation.prune\n", text, count=1), encoding="utf-8")
    assert "navigation.prune" in config.read_text(encoding="utf-8"), "no theme features in the export"
    return pruned


def environment() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure_size(pages: int, runs: int, only: set[str], temp: Path) -> dict[str, object]:
    root = make_handbook(temp / f"handbook-{pages}", pages)
    env = environment()
    handbook = [str(BIN / "handbook")]
    row: dict[str, object] = {"pages": pages}
    print(f"  {pages} pages: ", end="", flush=True)
    if "generator" in only:
        first = [stage_in_fresh_process(root, cached=False) for _ in range(runs)]
        again = [stage_in_fresh_process(root, cached=True) for _ in range(runs)]
        row["generator"] = {key: statistics.median(r[key] for r in again) for key in again[0]}
        row["generator_first"] = {key: statistics.median(r[key] for r in first) for key in first[0]}
        print("generator ", end="", flush=True)
    commands: dict[str, tuple[list[str], Path]] = {}
    if "build" in only:
        run([*handbook, "build", "--no-pdf"], root, env)  # the first build fills the caches
        commands["build"] = ([*handbook, "build", "--no-pdf"], root)
    if "mkdocs" in only:
        export = temp / f"export-{pages}"
        run([*handbook, "export", "--no-pdf", str(export)], root, env)
        mkdocs = [str(BIN / "mkdocs"), "build", "-q"]
        commands["mkdocs"] = (mkdocs, export)
        commands["mkdocs_prune"] = (mkdocs, with_prune(export))
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):  # in turns: (b), (c), (c+), (b), (c), (c+), ...
        for name, (command, cwd) in commands.items():
            results[name].append(run(command, cwd, env)[:2])
    for name, figures in results.items():
        row[name] = (statistics.median(f[0] for f in figures), max(f[1] for f in figures))
    if commands:
        print(" ".join(commands), end=" ", flush=True)
    if "mkdocs" in only:
        shutil.rmtree(export)
        shutil.rmtree(commands["mkdocs_prune"][1])
    if "handouts" in only:
        results = [handouts_in_fresh_process(root) for _ in range(runs)]
        row["handouts"] = {key: (statistics.median(r[key] for r in results) if isinstance(results[0][key], float)
                                 else results[0][key]) for key in results[0]}
        print("handouts", end="", flush=True)
    print(flush=True)
    shutil.rmtree(root)
    return row


def measure_offices(offices: int, runs: int, temp: Path) -> dict[str, tuple[float, float]]:
    root = make_handbook(temp / "offices", 0)
    add_offices(root, offices)
    env = environment()
    cores = os.cpu_count() or 1
    figures = {}
    for label, extra in (("PDFs, empty cache", []), ("--no-pdf", ["--no-pdf"])):
        def once(jobs: int, extra: list[str] = extra) -> tuple[float, float]:
            shutil.rmtree(root / ".cache", ignore_errors=True)
            return run([str(BIN / "handbook"), "build", "--all", "--jobs", str(jobs), *extra], root, env)[:2]

        figures[label] = (medians(runs, lambda: once(1))[0], medians(runs, lambda: once(cores))[0])
    shutil.rmtree(root)
    return figures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_serve(runs: int, temp: Path, pages: int) -> dict[str, tuple[list[float], str]]:
    """(f): seconds from saving a YAML file to the change on screen, for each of ``runs`` saves of a page's
    text, and of its title, at ``pages`` pages (0: the default handbook)."""
    root = make_handbook(temp / f"serve-{pages}", pages)
    port = free_port()
    server = subprocess.Popen([str(BIN / "handbook"), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=root,
                              env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/handbook/get-ready/"
    page_file = root / "content" / "checklists" / "get-ready.yml"
    original = page_file.read_text(encoding="utf-8")
    edits = {"text": ("\nintro: |\n  ", "\nintro: |\n  {marker}. ", "article"),
             "title": ("\ntitle: ", "\ntitle: {marker} - ", "h1")}
    for old, _, _ in edits.values():
        assert old in original, f"{old!r} not in {page_file}"
    results = {}
    try:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            from urllib.request import urlopen

            def fetch() -> str:
                return urlopen(url).read().decode()

            for name, (old, new, _) in edits.items():
                def shown(marker: str) -> None:
                    while marker not in fetch():
                        time.sleep(0.02)

                results[name] = (_time_saves(fetch, shown, page_file, original, old, new, runs),
                                 "text fetched over HTTP (no Playwright)")
            return results
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                **({"executable_path": "/usr/bin/chromium"} if Path("/usr/bin/chromium").exists() else {}))
            page = browser.new_page()
            for name, (old, new, where) in edits.items():
                def in_browser(marker: str, where: str = where) -> None:
                    page.wait_for_function(f"document.querySelector({json.dumps(where)}) && "
                                           f"document.querySelector({json.dumps(where)}).textContent"
                                           f".includes({json.dumps(marker)})", timeout=60_000, polling=20)

                results[name] = (_time_saves(lambda: page.goto(url), in_browser, page_file, original, old, new,
                                             runs), "in headless Chromium, reloaded by the preview's live reload")
            browser.close()
        return results
    finally:
        page_file.write_text(original, encoding="utf-8")
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        shutil.rmtree(root, ignore_errors=True)


def _time_saves(open_page: Callable[[], object], shown: Callable[[str], None], page_file: Path, original: str,
                old: str, new: str, runs: int) -> list[float]:
    """Open the page once the server answers (within two minutes), then, ``runs`` times, save the page with
    ``old`` replaced by ``new`` (its ``{marker}`` a new text each time) and time how long until ``shown``
    sees the marker."""
    deadline = time.monotonic() + 120
    while True:
        try:
            open_page()
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    times = []
    for n in range(runs):
        marker = f"Benchmark edit {n} {time.monotonic_ns()}"
        time.sleep(1.5)  # let the watcher settle after the last rebuild
        started = time.perf_counter()
        page_file.write_text(original.replace(old, new.format(marker=marker), 1), encoding="utf-8")
        shown(marker)
        times.append(time.perf_counter() - started)
    page_file.write_text(original, encoding="utf-8")
    return times


def report(rows: list[dict], offices: dict | None, office_count: int, serve: dict | None, runs: int,
           large: int) -> None:
    cores = os.cpu_count() or 1
    print(f"\nPython {sys.version.split()[0]}, {cores} cores; medians of {runs} runs ({large} at 2,000 pages and for "
          f"the offices)\n")

    def line(label: str, cell: Callable[[dict], str]) -> None:
        cells = []
        for row in rows:
            try:
                cells.append(cell(row))
            except KeyError:
                cells.append("-")
        print(f"{label:<44}" + "".join(f"{c:>16}" for c in cells))

    if rows:
        line("pages", lambda r: str(r["pages"]))
        print("-" * (44 + 16 * len(rows)))
        line("(a) generator stage, rebuild", lambda r: f"{r['generator']['total']:.3f} s")
        line("      load / validate", lambda r: f"{r['generator']['load']:.2f} / {r['generator']['validate']:.2f}")
        line("      review / render", lambda r: f"{r['generator']['review']:.2f} / {r['generator']['render']:.2f}")
        line("(a) generate again, one page changed", lambda r: f"{r['generator']['one_changed']:.3f} s")
        line("(a) generator stage, first run (no cache)", lambda r: f"{r['generator_first']['total']:.3f} s")
        line("      of which review (reading grades)", lambda r: f"{r['generator_first']['review']:.2f} s")
        line("(a) peak memory", lambda r: f"{r['generator']['memory']:.0f} MB")
        line("(b) handbook build --no-pdf", lambda r: f"{r['build'][0]:.2f} s")
        line("(b) peak memory", lambda r: f"{r['build'][1]:.0f} MB")
        line("(c) plain mkdocs build of the export", lambda r: f"{r['mkdocs'][0]:.2f} s")
        line("(c) peak memory", lambda r: f"{r['mkdocs'][1]:.0f} MB")
        line("(b) / (c)", lambda r: f"{r['build'][0] / r['mkdocs'][0]:.2f}")
        line("(c+) plain mkdocs, navigation.prune added", lambda r: f"{r['mkdocs_prune'][0]:.2f} s")
        line("(b) / (c+)", lambda r: f"{r['build'][0] / r['mkdocs_prune'][0]:.2f}")
        line("(d) handouts, cold (count; workers)",
             lambda r: f"{r['handouts']['cold']:.1f} s ({r['handouts']['count']:.0f}; {r['handouts']['jobs']:.0f})")
        line("(d) handouts, warm (rendered)",
             lambda r: f"{r['handouts']['warm']:.3f} s ({r['handouts']['warm_rendered']:.0f})")
        line("(d) one checklist changed (rendered)",
             lambda r: f"{r['handouts']['changed']:.1f} s ({r['handouts']['changed_rendered']:.0f})")
        which = {r["handouts"]["changed_which"] for r in rows if "handouts" in r}
        if which:
            print(f"    re-rendered after the change: {', '.join(sorted(which))}")
    if offices:
        print(f"\n(e) handbook build --all, {office_count} offices")
        for label, (one, many) in offices.items():
            print(f"    {label:<20} one at a time {one:6.1f} s   {cores} at a time {many:6.1f} s   "
                  f"{one / many:.2f}x faster")
    for pages, results in (serve or {}).items():
        size = f"{pages} pages" if pages else "the default handbook"
        print(f"\n(f) live preview, {size}: from save to change on screen")
        for name, (times, how) in results.items():
            what = "a page's text" if name == "text" else "a page's title (every page rebuilt)"
            print(f"    {what:<38} median {statistics.median(times):.2f} s, slowest {max(times):.2f} s "
                  f"({len(times)} saves; {how})")
    print(f"\n{TARGETS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=[50, 500, 2000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-large", type=int, default=3, help="runs at 2,000 pages and more")
    parser.add_argument("--offices", type=int, default=20)
    parser.add_argument("--serve-pages", type=int, nargs="+", default=[0, 500],
                        help="sizes of the live preview's handbook (0: the default handbook)")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--stage", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cached", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--handouts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        return stage(args.stage, args.cached)
    if args.handouts:
        return handouts(args.handouts)
    only = set(args.only)
    print(f"Measuring {', '.join(p for p in PARTS if p in only)}; pages {args.pages}; {args.runs} runs each.")
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as name:
        temp = Path(name)
        per_size = only & {"generator", "build", "mkdocs", "handouts"}
        rows = [measure_size(pages, args.runs if pages < 2000 else min(args.runs, args.runs_large), per_size, temp)
                for pages in args.pages] if per_size else []
        offices = measure_offices(args.offices, min(args.runs, args.runs_large), temp) if "offices" in only else None
        serve = {pages: measure_serve(max(args.runs, 5), temp, pages) for pages in args.serve_pages} \
            if "serve" in only else None
    report(rows, offices, args.offices, serve, args.runs, min(args.runs, args.runs_large))


if __name__ == "__main__":
    main()
