"""Measure the PDF handouts: cold, warm, and after one change; print the figures.

    python benchmarks/handouts.py              # the default handbook, plus 40 synthetic checklists
    python benchmarks/handouts.py --extra 0 --runs 5

On a copy of the default handbook (with ``--extra`` one-page synthetic checklists added), it reports, each as
the median of several runs:

- whole ``handbook build`` processes: cold (empty handout cache), warm (nothing changed), after editing
  one checklist that is in the workshop packet, and ``--no-pdf`` for comparison;
- the handout stage alone, in one process: cold, warm, and the time per rendered handout.

It prints; it never fails. Numbers depend on the machine: compare runs on the same one.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.pipeline import Project, make_handouts  # noqa: E402

CHECKLIST = """\
kind: checklist
title: Synthetic checklist {n}
summary: A one-page checklist made up for the benchmark, number {n}.
phase: before
sources: [only-two-things]
reviewed: 2026-11-20
when: Before an interview, to measure how fast handouts are made.
groups:
  - title: Getting there
    items:
      - text: I know the address and the route, item {n}.
      - text: I will arrive ten minutes early.
      - text: I have the name of the person I am meeting.
  - title: What to say
    items:
      - text: I can give three examples of my skills.
      - text: I have two questions ready.
    write_in:
      - prompt: My notes for checklist {n}.
        lines: 4
"""


def make_project(root: Path, extra: int) -> Path:
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root)
    folder = root / "content" / "synthetic"
    folder.mkdir()
    for n in range(extra):
        (folder / f"synthetic-{n}.yml").write_text(CHECKLIST.format(n=n), encoding="utf-8")
    return root


def build(root: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", "build", *args], cwd=root, check=True,
                            capture_output=True, text=True)
    return time.perf_counter() - started, result.stderr


def edit_checklist(root: Path, n: int) -> None:
    path = root / "content" / "checklists" / "get-ready.yml"
    path.write_text(re.sub(r"\ntitle: .*\n", f"\ntitle: Getting ready for your interview ({n})\n",
                           path.read_text(), count=1))


def stage(root: Path) -> tuple[float, float, int]:
    """The handout stage alone in this process: (cold seconds, warm seconds, handouts)."""
    project = Project.from_config(root / "mkdocs.yml")
    site = project.generate()
    shutil.rmtree(project.cache_dir, ignore_errors=True)
    press = project.press()
    started = time.perf_counter()
    make_handouts(site, press)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    make_handouts(site, press)
    return cold, time.perf_counter() - started, len(site.handouts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extra", type=int, default=40, help="synthetic one-page checklists to add")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = make_project(Path(temp) / "handbook", args.extra)
        cold, warm, edited, no_pdf = [], [], [], []
        summary = ""
        for run in range(args.runs):
            shutil.rmtree(root / ".cache", ignore_errors=True)
            cold.append(build(root)[0])
            seconds, summary_warm = build(root)
            warm.append(seconds)
            edit_checklist(root, run)
            seconds, summary = build(root)
            edited.append(seconds)
            no_pdf.append(build(root, "--no-pdf")[0])
        stage_runs = [stage(root) for _ in range(args.runs)]
        count = stage_runs[0][2]
        stage_cold = statistics.median(r[0] for r in stage_runs)
        stage_warm = statistics.median(r[1] for r in stage_runs)

    print(f"Python {sys.version.split()[0]}; {count} handouts (the default handbook's and {args.extra} synthetic "
          f"checklists, plus the packet); median of {args.runs} runs\n")
    rows = [
        ("handbook build, cold (empty handout cache)", statistics.median(cold)),
        ("handbook build, warm (nothing changed)", statistics.median(warm)),
        ("handbook build, one packet checklist edited", statistics.median(edited)),
        ("handbook build --no-pdf", statistics.median(no_pdf)),
        ("handout stage alone, cold", stage_cold),
        ("handout stage alone, warm", stage_warm),
        ("per rendered handout, cold", stage_cold / count),
    ]
    width = max(len(label) for label, _ in rows)
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:7.3f} s")
    print(f"\nwarm build said:   {summary_warm.strip().splitlines()[-1]}")
    print(f"edited build said: {summary.strip().splitlines()[-1]}")
    print(f"cold / warm build: {statistics.median(cold) / statistics.median(warm):.1f}x")


if __name__ == "__main__":
    main()
