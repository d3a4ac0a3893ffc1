"""The code passes the project's own linters (the rule list is in pyproject.toml)."""

from __future__ import annotations

import sys

from .conftest import REPO, run


def test_ruff() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
