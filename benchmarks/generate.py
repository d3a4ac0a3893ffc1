"""Measure the generator on synthetic handbooks and print the figures.

    python benchmarks/generate.py                 # 50, 500 and 2,000 pages; full builds up to 500
    python benchmarks/generate.py --pages 50 --builds 50

For each size it writes a synthetic content folder (every page kind, realistic text), then reports, each as
the median of several runs: the load, validate, review (editorial warnings) and render stages and their
sum (the generator stage, no MkDocs), the peak memory of that stage, and the wall time of a whole
`handbook build --no-pdf` process (benchmarks/handouts.py measures the PDF handouts).
It prints; it never fails. Numbers depend on the machine: compare runs on the same one.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.editorial import review  # noqa: E402
from generator.load import load_tree  # noqa: E402
from generator.render import render  # noqa: E402
from generator.validate import validate  # noqa: E402

WORDS = ("interview employer offer prepare practise answer question follow note team role skills research "
         "listen calm honest example experience confident thank network apply learn wait decide").split()


def sentence(seed: int, length: int = 14) -> str:
    words = [WORDS[(seed * 7 + i * 13) % len(WORDS)] for i in range(length)]
    return " ".join(words).capitalize() + "."


def paragraph(seed: int, sentences: int = 4) -> str:
    return " ".join(sentence(seed + i) for i in range(sentences))


def page(kind: str, n: int, phases: list[str], ids: list[str]) -> str:
    """One page of the given kind, about 600 words, with related pages and sources."""
    related = "\n".join(f"  - {ids[(n + k) % len(ids)]}" for k in (1, 2) if ids[(n + k) % len(ids)] != ids[n])
    head = (f"kind: {kind}\ntitle: {kind.title()} number {n}\nsummary: {sentence(n, 12)}\n"
            f"phase: {phases[n % len(phases)]}\nrelated:\n{related or '  []'}\nsources:\n  - only-two-things\n"
            f"reviewed: 2026-11-20\n")
    block = "\n".join("  " + paragraph(n + i) for i in range(3))
    if kind == "guide":
        sections = "".join(f"  - title: Part {i}\n    why: |\n      {paragraph(n + i, 6)}\n    how:\n"
                           + "".join(f"      - {sentence(n + i + j)}\n" for j in range(4))
                           + f"    pitfalls:\n      - {sentence(n + i, 10)}\n" for i in range(4))
        return head + f"intro: |\n{block}\nkey_points:\n  - {sentence(n, 8)}\nsections:\n{sections}"
    if kind == "checklist":
        groups = "".join(f"  - title: Group {i}\n    items:\n" + "".join(f"      - text: {sentence(n + j, 8)}\n"
                                                                         for j in range(8))
                         + f"    write_in:\n      - prompt: {sentence(n + i, 10)}\n" for i in range(3))
        return head + f"when: {sentence(n)}\nintro: |\n{block}\ngroups:\n{groups}"
    if kind == "recovery":
        thoughts = "".join(f"  - thought: {sentence(n + i, 8)}\n    reality: {paragraph(n + i, 3)}\n" for i in range(4))
        actions = "".join(f"      - {sentence(n + j)}\n" for j in range(3))
        steps = "".join(f"  - when: Step {i}\n    actions:\n{actions}" for i in range(3))
        return head + f"feelings: |\n{block}\nthoughts:\n{thoughts}steps:\n{steps}support: {paragraph(n)}\n"
    message = "\n\n".join("  " + paragraph(n + i, 3) for i in range(4))
    return head + (f"when: {sentence(n)}\nchannel: email\nsubject: About the [Job title] role\n"
                   f"message: |\n  Dear [Name],\n\n{message}\nplaceholders:\n  - name: Name\n    hint: Their name.\n"
                   f"  - name: Job title\n    hint: As advertised.\ntips:\n  - {sentence(n)}\n  - {sentence(n + 1)}\n")


def make_project(root: Path, pages: int) -> Path:
    """A copy of the handbook whose content holds ``pages`` synthetic pages plus the real site-wide files."""
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    content = root / "content"
    content.mkdir()
    for name in ("handbook.yml", "sources.yml", "index.yml"):
        shutil.copy(REPO / "content" / name, content / name)
    index = content / "index.yml"
    index.write_text(index.read_text().replace("related: [interview-objectives]", "related: []"))
    phases = ["before", "during", "after", "waiting", "offer", "setback"]
    kinds = ["guide", "checklist", "recovery", "script"]
    ids = [f"{kinds[n % 4]}-{n}" for n in range(pages)]
    for n, page_id in enumerate(ids):
        folder = content / kinds[n % 4]
        folder.mkdir(exist_ok=True)
        (folder / f"{page_id}.yml").write_text(page(kinds[n % 4], n, phases, ids), encoding="utf-8")
    return root


def stages(root: Path) -> dict[str, float]:
    timings = {}
    started = time.perf_counter()
    tree = load_tree(root / "content")
    timings["load"] = time.perf_counter() - started
    started = time.perf_counter()
    handbook = validate(tree)
    timings["validate"] = time.perf_counter() - started
    started = time.perf_counter()
    review(handbook)
    timings["review"] = time.perf_counter() - started
    started = time.perf_counter()
    render(handbook, root / "templates")
    timings["render"] = time.perf_counter() - started
    timings["generator"] = sum(timings.values())
    return timings


def peak_memory(root: Path) -> float:
    tracemalloc.start()
    handbook = validate(load_tree(root / "content"))
    review(handbook)
    render(handbook, root / "templates")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def full_build(root: Path) -> float:
    started = time.perf_counter()
    # --no-pdf: the site alone (benchmarks/handouts.py measures the PDF handouts)
    subprocess.run([sys.executable, "-m", "generator", "build", "--no-pdf"], cwd=root, check=True,
                   capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=[50, 500, 2000])
    parser.add_argument("--builds", type=int, default=500, help="run full builds only up to this many pages")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, median of {args.runs} runs (full builds: median of 3)\n")
    header = (f"{'pages':>6} {'load':>8} {'validate':>9} {'review':>8} {'render':>8} {'generator':>10} {'peak MB':>8} "
              f"{'build':>8}")
    print(header)
    print("-" * len(header))
    for pages in args.pages:
        with tempfile.TemporaryDirectory() as temp:
            root = make_project(Path(temp), pages)
            runs = [stages(root) for _ in range(args.runs)]
            median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            memory = peak_memory(root)
            build = statistics.median(full_build(root) for _ in range(3)) if pages <= args.builds else None
            build_text = f"{build:7.2f}s" if build is not None else "       -"
            print(f"{pages:>6} {median['load']:7.3f}s {median['validate']:8.3f}s {median['review']:7.3f}s "
                  f"{median['render']:7.3f}s "
                  f"{median['generator']:9.3f}s {memory:8.1f} {build_text}")
    print("\nload/validate/review/render/generator: in-process, no MkDocs. build: a whole `handbook build --no-pdf` "
          "process (MkDocs and Material included).")


if __name__ == "__main__":
    main()
