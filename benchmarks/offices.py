"""Measure `handbook build --all`: every office one after another, then in parallel; print the figures.

    python benchmarks/offices.py                 # the two example offices, and 8 offices
    python benchmarks/offices.py --offices 2 20 --runs 1

The extra offices are copies of the example offices under new names. Each build starts with an empty
handout cache, so every office makes its PDFs. It prints; it never fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_project(root: Path, offices: int) -> None:
    for name in ("content", "templates", "offices"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root)
    examples = sorted(p.name for p in (REPO / "offices").iterdir() if (p / "office.yml").is_file())
    for n in range(len(examples), offices):
        shutil.copytree(REPO / "offices" / examples[n % len(examples)], root / "offices" / f"copy-{n}")


def build_all(root: Path, jobs: int, pdf: bool) -> float:
    shutil.rmtree(root / ".cache", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", "--all", "--jobs", str(jobs),
                    *([] if pdf else ["--no-pdf"])], cwd=root, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offices", type=int, nargs="+", default=[2, 8])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"Python {sys.version.split()[0]}, {cores} cores; median of {args.runs} runs; cold handout cache\n")
    print(f"{'offices':>8} {'PDFs':>5} {'one at a time':>14} {f'{cores} at a time':>12} {'speed-up':>9}")
    for offices in args.offices:
        for pdf in (True, False):
            with tempfile.TemporaryDirectory() as temp:
                root = Path(temp)
                make_project(root, offices)
                one = statistics.median(build_all(root, 1, pdf) for _ in range(args.runs))
                many = statistics.median(build_all(root, cores, pdf) for _ in range(args.runs))
            print(f"{offices:>8} {'yes' if pdf else 'no':>5} {one:13.2f}s {many:11.2f}s {one / many:8.2f}x")


if __name__ == "__main__":
    main()
