"""How much memory and time an office's hostile templates take, beside a normal check of the same office.

Each hostile template of ``tests/test_sandbox.py`` (a text of a billion characters, loops within loops,
endless recursion, and the ways past the sandbox's own checks that the child process's ceiling stops) is put
in an office's ``page.md.j2`` and checked in a fresh process (``handbook check --office hostile --no-pdf``),
whose wall time and peak memory (``wait4``, its child included) are printed beside a normal check's. Without
the limits, most of them would take gigabytes or never end.

Target: every hostile check ends with a problem (exit 1) within seconds, at most 300 MB above a normal check.

    .venv/bin/python benchmarks/hostile_templates.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.test_sandbox import HOSTILE, PAST_THE_SANDBOX  # noqa: E402 - the same templates as the tests

TARGET_MB = 300


def measure(root: Path) -> tuple[float, float, int]:
    """``handbook check --office hostile --no-pdf`` in ``root``: seconds, peak MB, exit code."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "generator", "check", "--office", "hostile", "--no-pdf"],
                               cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        for name in ("content", "templates", "mkdocs.yml"):
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
        office = root / "offices" / "hostile"
        (office / "templates").mkdir(parents=True)
        (office / "office.yml").write_text("name: Hostile Office\n", encoding="utf-8")
        seconds, normal, code = measure(root)
        print(f"{'normal check':<40} {seconds:6.2f} s {normal:7.0f} MB  exit {code}")
        worst = 0.0
        cases = {**{name: source for name, (source, _) in HOSTILE.items()}, **PAST_THE_SANDBOX}
        for name, source in cases.items():
            (office / "templates" / "page.md.j2").write_text(source, encoding="utf-8")
            seconds, peak, code = measure(root)
            worst = max(worst, peak)
            print(f"{name:<40} {seconds:6.2f} s {peak:7.0f} MB  exit {code}")
        verdict = "met" if worst - normal <= TARGET_MB else "NOT met"
        print(f"worst peak {worst:.0f} MB, {worst - normal:+.0f} MB over a normal check; "
              f"target at most +{TARGET_MB} MB: {verdict}")


if __name__ == "__main__":
    main()
