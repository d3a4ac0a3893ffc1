"""No network during a check or a build: every socket a run would open is refused."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import run

pytestmark = pytest.mark.slow  # builds whole sites: not in the fast tier

NO_NETWORK = """
import socket, sys

def refuse(*args, **kwargs):
    raise OSError("network use during a handbook run")

socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from generator.cli import main
sys.argv = ["handbook", *sys.argv[1:]]
main()
"""


def test_check_and_build_need_no_network(project: Path) -> None:
    # Readability scores need a pronunciation dictionary; some textstat releases download one on first use.
    for command in (["check", "--strict"], ["build"]):
        result = run(sys.executable, "-c", NO_NETWORK, *command, cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "network use" not in result.stdout + result.stderr
