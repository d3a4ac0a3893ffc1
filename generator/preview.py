"""The live preview's incremental builds: after a save, MkDocs turns into HTML only the pages whose Markdown
changed, unless something every page shows changed too.

Every page's HTML is made from its own Markdown and from what all pages share: the navigation (every title,
phase and order is in it), the theme and its settings, the site's name, the list of files, mkdocs.yml. The
generator renders every page's Markdown on each build (from its cache, see :mod:`generator.memo`), so a change
that reaches another page (a title shown in a related-pages list, the home page's contents) changes that
page's Markdown too. So, while previewing:

- when what all pages share is as it was, only pages whose Markdown differs are built again (MkDocs's
  "dirty" build, each file told whether it changed); the others' HTML stays in the preview's folder;
- when it changed, the folder is emptied and every page is built, as a clean build would.

Material's search index lists every page's sections; a partial build gives it only the rebuilt pages', so
the index is put back together from the last build's entries, in the clean build's order. After any chain of
edits, the preview's files are those of a clean build, byte for byte (tests/test_incremental.py).

Plain ``mkdocs serve --dirty`` gets the same (and a correct one: MkDocs's own dirty builds go wrong when the
navigation changes); ``handbook serve`` always builds this way.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEARCH_INDEX = "search/search_index.json"
DIRTY_WARNING = "A 'dirty' build is being performed"


@dataclass
class _Built:
    """What the last build of one language's site wrote."""

    shared: str = ""
    """The digest of everything every page's HTML depends on besides its own Markdown."""
    markdown: dict[str, str] = field(default_factory=dict)
    """Each page's Markdown, by path in the docs folder."""
    search: dict[str, list[Any]] = field(default_factory=dict)
    """Each page's entries in the search index, by the page's address."""


class _NoDirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build that its navigation may be wrong; ours is rebuilt whenever it changes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


class Incremental:
    """The memory of the preview's builds, one per language folder (``""``, ``fr/``), kept by the plugin for
    as long as ``handbook serve`` runs."""

    def __init__(self) -> None:
        self.built: dict[str, _Built] = {}
        self.rebuilt: dict[str, set[str]] = {}
        """This build's rebuilt pages (by path), per language folder; every page when not in the dict."""
        self.shared: dict[str, str] = {}
        logger = logging.getLogger("mkdocs.commands.build")
        if not any(isinstance(existing, _NoDirtyWarning) for existing in logger.filters):
            logger.addFilter(_NoDirtyWarning())

    def plan(self, prefix: str, config: Any, files: Any, pages: dict[str, str], extra: Any) -> None:
        """Mark each of ``files`` (in ``on_files``) as changed or not, and empty the site folder when what
        pages share changed. ``pages`` is this build's Markdown by path; ``extra`` anything else from the
        generator that every page shows (the language menu, say)."""
        shared = shared_digest(config, files, extra)
        self.shared[prefix] = shared
        before = self.built.get(prefix)
        site_dir = Path(config.site_dir)
        if before is None or before.shared != shared:
            self.rebuilt.pop(prefix, None)
            if site_dir.is_dir():
                _empty(site_dir, keep=self._nested_folders(prefix))
            return
        rebuilt = set()
        for path, markdown in pages.items():
            file = files.get_file_from_path(path)
            if file is None:
                continue
            if before.markdown.get(path) == markdown and Path(file.abs_dest_path).is_file():
                file.is_modified = unchanged
            else:
                rebuilt.add(path)
        self.rebuilt[prefix] = rebuilt

    def _nested_folders(self, prefix: str) -> set[str]:
        """The other languages' folders inside this language's site folder (kept: they have their own build)."""
        if prefix:
            return set()
        return {other.strip("/") for other in self.built if other}

    def unchanged_pages(self, prefix: str, files: Any) -> list[Any]:
        """The pages (MkDocs's) this build leaves as they were."""
        rebuilt = self.rebuilt.get(prefix)
        if rebuilt is None:
            return []
        return [file.page for file in files.documentation_pages()
                if file.src_uri not in rebuilt and file.page is not None]

    def finish(self, prefix: str, config: Any, files: Any, pages: dict[str, str]) -> None:
        """After the search plugin wrote its index (``on_post_build``): put the index together from this
        build's entries and the last build's for the pages not rebuilt; remember this build."""
        index_file = Path(config.site_dir) / SEARCH_INDEX
        before = self.built.get(prefix)
        rebuilt = self.rebuilt.pop(prefix, None)
        search: dict[str, list[Any]] = {}
        if index_file.is_file():
            index = json.loads(index_file.read_text(encoding="utf-8"))
            fresh: dict[str, list[Any]] = {}
            for entry in index.get("docs", []):
                fresh.setdefault(str(entry.get("location", "")).split("#")[0], []).append(entry)
            docs = []
            kept = before.search if before is not None and rebuilt is not None else {}
            for file in files.documentation_pages():
                url = file.page.url if file.page is not None else file.url  # the home page's is "", not "./"
                entries = fresh.get(url, []) if rebuilt is None or file.src_uri in rebuilt else kept.get(url, [])
                search[url] = entries
                docs.extend(entries)
            if rebuilt is not None:  # as the search plugin writes it on a full build
                index["docs"] = docs
                index_file.write_text(json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8")
        self.built[prefix] = _Built(self.shared.get(prefix, ""), dict(pages), search)

    def forget(self) -> None:
        """A build failed: the next one starts afresh (the folder may hold half of a build)."""
        self.built.clear()
        self.rebuilt.clear()


def unchanged() -> bool:
    """A file's ``is_modified`` in a dirty build that leaves it as it is."""
    return False


def _empty(folder: Path, keep: set[str]) -> None:
    import shutil

    for child in folder.iterdir():
        if child.name in keep:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def theme_fingerprint(theme: Any) -> tuple[Any, ...]:
    """What the theme's files may have changed by: for a folder of an installed package (Material's), the
    times of change of the package's folder and its ``__init__.py`` (an upgrade writes both anew); for any
    other folder (a ``custom_dir`` of overrides, where a file may be added while previewing), every file's
    path and time of change."""
    import sysconfig

    installed = [Path(p) for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}]
    fingerprint: list[Any] = []
    for folder in map(Path, theme.dirs):
        root = next((root for root in installed if folder.is_relative_to(root) and folder != root), None)
        if root is not None:
            package = root / folder.relative_to(root).parts[0]
            fingerprint.append([_mtime(package), _mtime(package / "__init__.py"), _mtime(folder)])
        else:
            fingerprint.append(sorted((str(Path(where) / name), _mtime(Path(where) / name))
                                      for where, _, names in os.walk(folder) for name in names))
    return tuple(map(repr, fingerprint))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def shared_digest(config: Any, files: Any, extra: Any) -> str:
    """A digest of what every page's HTML depends on besides its own Markdown: MkDocs's settings (the theme
    and its options, the navigation, the site's name and address, the Markdown extensions), every file's path,
    the theme's own files (:func:`theme_fingerprint`), mkdocs.yml, and ``extra``."""
    settings = {key: value for key, value in config.items() if key not in ("plugins", "site_dir", "watch")}
    config_file = Path(config.config_file_path)
    described = json.dumps([settings, sorted(file.src_uri for file in files), theme_fingerprint(config.theme),
                            config_file.read_bytes().hex() if config_file.is_file() else "",
                            os.environ.get("SOURCE_DATE_EPOCH", ""), extra],
                           sort_keys=True, default=repr)
    return hashlib.sha256(described.encode("utf-8", "surrogatepass")).hexdigest()
