"""``handbook edit``: the editor in the browser on this computer, saving each Publish as a git commit.

Three servers, all on loopback (127.0.0.1), none reachable from another machine:

- the editor's page (``admin/index.html``, Decap CMS and our file format), served here with a configuration made
  fresh from the models and the content at each load, pointed at the local git server;
- ``decap-server`` (npm) in git mode: it reads and writes the files, and commits each Publish on the current
  branch;
- the live preview (``handbook serve``), shown beside each form.

Decap's packages are installed from ``admin/package-lock.json`` the first time (``npm ci``); Node.js is the one
thing the office installs itself.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .cms import CONFIG_FILE, EDITOR_DIR, FORMATS_FILE, VENDOR, editor_files

NODE_MAJOR = 20
INSTALL_HELP = (
    "Install Node.js {major} or later from https://nodejs.org/ (Windows, macOS), or with the computer's package "
    "manager (Debian or Ubuntu: sudo apt install nodejs npm), then run the same command again."
)
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".json": "application/json", ".yml": "text/yaml; charset=utf-8", ".css": "text/css"}


class EditorError(Exception):
    """The editor cannot start: what is wrong and what to do, in plain words."""


def editor_dir(root: Path) -> Path:
    return root / EDITOR_DIR


def node_version() -> tuple[int, ...] | None:
    """The version of Node.js on this computer, or None when there is none."""
    node = shutil.which("node")
    if node is None:
        return None
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return tuple(int(part) for part in re.findall(r"\d+", out)[:3]) or None


def ensure_installed(root: Path, say: Any = print) -> Path:
    """Decap's pinned packages in ``admin/node_modules``, installed by ``npm ci`` when missing or out of date."""
    version = node_version()
    if version is None:
        raise EditorError("The editor needs Node.js, which is not installed on this computer.\n  what to do: "
                          + INSTALL_HELP.format(major=NODE_MAJOR))
    if version[0] < NODE_MAJOR:
        raise EditorError(f"The editor needs Node.js {NODE_MAJOR} or later; this computer has "
                          f"{'.'.join(map(str, version))}.\n  what to do: " + INSTALL_HELP.format(major=NODE_MAJOR))
    folder = editor_dir(root)
    lock = folder / "package-lock.json"
    installed = folder / "node_modules" / ".package-lock.json"
    if not lock.is_file():
        raise EditorError(f"{lock} is missing: it pins the editor's packages. Restore it from the handbook's "
                          "repository (git checkout -- admin/package-lock.json).")
    if installed.is_file() and _same_packages(lock, installed):
        return folder
    npm = shutil.which("npm")
    if npm is None:
        raise EditorError("Node.js is installed, but not npm, which installs the editor's packages.\n"
                          "  what to do: " + INSTALL_HELP.format(major=NODE_MAJOR))
    say("Installing the editor's packages (the first time only; this takes a minute or two)…")
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise EditorError("Installing the editor's packages failed (npm ci in admin/):\n"
                          f"{result.stderr.strip() or result.stdout.strip()}\n  what to do: check the "
                          "internet connection (npm needs to reach registry.npmjs.org), then try again.")
    return folder


def _same_packages(lock: Path, installed: Path) -> bool:
    """Whether what npm installed is what the lockfile pins (npm writes its own copy into node_modules)."""
    try:
        wanted = json.loads(lock.read_text(encoding="utf-8"))["packages"]
        have = json.loads(installed.read_text(encoding="utf-8"))["packages"]
    except (OSError, ValueError, KeyError):
        return False
    return all(have.get(name, {}).get("version") == package.get("version")
               for name, package in wanted.items() if name)


def normalise(root: Path, files: list[tuple[Path, str]], formats_json: str, *, check: bool) -> list[Path]:
    """Rewrite ``files`` the way the editor saves them (``admin/normalise.js``); return those that changed (or,
    with ``check``, would change)."""
    folder = ensure_installed(root)
    request = {"spec": json.loads(formats_json), "files": [[str(path), fmt] for path, fmt in files],
               "check": check}
    result = subprocess.run([shutil.which("node") or "node", str(folder / "normalise.js")], cwd=folder,
                            input=json.dumps(request), capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise EditorError(f"Normalising the files failed:\n{result.stderr.strip()}")
    return [Path(line) for line in result.stdout.splitlines() if line.strip()]


# --- git --------------------------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise EditorError(result.stderr.strip())
    return result.stdout


def current_branch(root: Path) -> str:
    """The branch each Publish commits to; the editor refuses to start on no branch or with unsaved work."""
    if shutil.which("git") is None:
        raise EditorError("The editor saves each change as a git commit, and git is not installed.\n"
                          "  what to do: install git (https://git-scm.com/; Debian or Ubuntu: sudo apt install git).")
    try:
        _git(root, "rev-parse", "--is-inside-work-tree")
    except EditorError:
        raise EditorError(f"The editor saves each change as a git commit, and {root} is not in a git "
                          "repository.\n  what to do: clone the handbook's repository and start the editor there, "
                          "or make this folder one: git init && git add . && git commit -m \"The handbook\"") from None
    try:
        branch = _git(root, "symbolic-ref", "--short", "HEAD").strip()
    except EditorError:
        raise EditorError("The repository is not on a branch (a \"detached HEAD\"), so there is nowhere to save "
                          "changes.\n  what to do: git switch main (or the branch you publish from)") from None
    changed = [line[3:] for line in _git(root, "status", "--porcelain", "--", ".").splitlines()]
    if changed:
        listed = "\n".join(f"    {path}" for path in changed[:10]) + ("\n    …" if len(changed) > 10 else "")
        raise EditorError(
            "Some files have changes that are not committed yet:\n" + listed + "\n  Each Publish in the editor "
            "commits every change in the folder, so these would go into the editor's first commit.\n"
            "  what to do: commit them (git commit -am \"What I changed\") or put them aside (git stash), then "
            "start the editor again.")
    return branch


# --- the editor's page -----------------------------------------------------------------------------------------


def local_config(root: Path, content_dir: Path, branch: str, proxy_port: int) -> dict[str, str]:
    """``config.yml`` and ``formats.json`` for this session: made fresh, and pointed at the local git server."""
    files = editor_files(root, content_dir)
    config = yaml.safe_load(files[CONFIG_FILE])
    messages = config["backend"].get("commit_messages", {})
    config["backend"] = {"name": "proxy", "proxy_url": f"http://127.0.0.1:{proxy_port}/api/v1", "branch": branch,
                         "commit_messages": messages}
    config.pop("publish_mode", None)  # on this computer, each Publish is a commit on the current branch
    return {CONFIG_FILE: yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=120),
            FORMATS_FILE: files[FORMATS_FILE]}


def vendor_file(folder: Path, address: str) -> Path | None:
    """The file of an installed package that ``/vendor/<package>/<file>`` names, if the editor's page uses it."""
    package, _, rest = address.partition("/")
    if package not in VENDOR or ".." in rest.split("/"):
        return None
    where, allowed = VENDOR[package]
    path = folder / "node_modules" / where / rest
    return path if allowed.match(rest) and path.is_file() else None


class _Handler(http.server.BaseHTTPRequestHandler):
    editor: LocalEditor

    def do_GET(self) -> None:
        address = self.path.split("?", 1)[0].lstrip("/") or "index.html"
        body = self.editor.file(address)
        if body is None:
            self.send_error(404, "Not part of the editor")
            return
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES.get(Path(address).suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class LocalEditor:
    """What ``handbook edit`` serves: the page, its fresh configuration, and Decap's files."""

    root: Path
    content_dir: Path
    branch: str
    proxy_port: int
    preview: str | None
    office: str | None = None
    """The office whose handbook the live preview shows (``handbook edit --office``)."""

    def file(self, address: str) -> bytes | None:
        folder = editor_dir(self.root)
        if address in (CONFIG_FILE, FORMATS_FILE):
            return local_config(self.root, self.content_dir, self.branch, self.proxy_port)[address].encode()
        if address == "local.json":
            return json.dumps({"preview": self.preview, "office": self.office}).encode()
        if address in ("index.html", "handbook.js"):
            return (folder / address).read_bytes()
        if address.startswith("vendor/"):
            path = vendor_file(folder, address.removeprefix("vendor/"))
            return path.read_bytes() if path else None
        return None


def free_port(preferred: int) -> int:
    """``preferred`` if nothing listens there on loopback, or else any free port."""
    for port in (preferred, 0):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise EditorError("No free port on this computer for the editor.")


def _wait_for(port: int, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read() if process.stdout else ""
            raise EditorError(f"{what} stopped as it started:\n{out.strip()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise EditorError(f"{what} did not start within {seconds:.0f} seconds.")


def _served_at(address: str) -> str:
    """Where ``mkdocs serve`` shows the handbook: under the path of its ``site_url`` (it redirects ``/`` there)."""
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(address).netloc, timeout=10)
    try:
        connection.request("GET", "/")
        location = connection.getresponse().getheader("Location")
    except OSError:
        return address
    finally:
        connection.close()
    return urllib.parse.urljoin(address, location) if location else address


@contextmanager
def running(root: Path, content_dir: Path, config_file: Path, *, port: int, preview_port: int | None,
            say: Any = print, office: str | None = None) -> Iterator[str]:
    """Start the three servers; yield the editor's address; stop them all at the end."""
    branch = current_branch(root)
    folder = ensure_installed(root, say)
    proxy_port = free_port(port + 1 if port else 0)  # port 0: any free port, for each server
    processes: list[subprocess.Popen] = []
    server = None
    try:
        env = {**os.environ, "MODE": "git", "BIND_HOST": "127.0.0.1", "PORT": str(proxy_port),
               "GIT_REPO_DIRECTORY": str(root), "LOG_LEVEL": "warn"}
        git_server = subprocess.Popen(
            [shutil.which("node") or "node", str(folder / "node_modules" / "decap-server" / "dist" / "index.js")],
            cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        processes.append(git_server)
        preview = None
        if preview_port is not None:
            preview_port = free_port(preview_port)
            serve = subprocess.Popen(
                [sys.executable, "-m", "generator", "serve", "-f", str(config_file), "-a",
                 f"127.0.0.1:{preview_port}", *(["--office", office] if office else [])], cwd=root,
                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            processes.append(serve)
            preview = f"http://127.0.0.1:{preview_port}/"
        _wait_for(proxy_port, git_server, "The editor's git server (decap-server)")
        editor = LocalEditor(root, content_dir, branch, proxy_port, preview, office)
        handler = type("Handler", (_Handler,), {"editor": editor})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port(port)), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        if preview_port is not None:
            _wait_for(preview_port, processes[-1], "The live preview (handbook serve)", seconds=120)
            editor.preview = _served_at(preview)
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
