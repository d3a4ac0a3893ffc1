"""Loading: positions for every key and value, and the file-level problems that no case file can express."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from generator.load import MAX_DEPTH, MAX_FILE_BYTES, Spot, load_file, load_text, load_tree
from generator.problems import Problem

F = Path("content/x.yml")

TEXT = """\
kind: checklist
title: After
groups:
  - title: Basics
    items:
      - text: On time
      - text: "Dressed"
"""


def test_positions_of_values_and_keys() -> None:
    doc, problems = load_text(TEXT, F)
    assert problems == []
    assert doc is not None
    assert doc.value_spot(("title",)) == Spot(2, 8)
    assert doc.key_spot(("title",)) == Spot(2, 1)
    assert doc.value_spot(("groups", 0)) == Spot(4, 5)
    assert doc.value_spot(("groups", 0, "items", 1, "text")) == Spot(7, 15)
    assert doc.key_spot(("groups", 0, "items", 1, "text")) == Spot(7, 9)


def test_unknown_path_falls_back_to_nearest_parent() -> None:
    doc, _ = load_text(TEXT, F)
    assert doc is not None
    assert doc.value_spot(("groups", 0, "items", 5, "text")) == doc.value_spot(("groups", 0, "items"))


def test_raw_text_kept_for_values_yaml_changed() -> None:
    doc, _ = load_text("a: no\nb: 0123\nc: 12:30\nd: text\ne: 'no'\n", F)
    assert doc is not None
    assert doc.data == {"a": False, "b": 83, "c": 750, "d": "text", "e": "no"}
    assert doc.raw == {("a",): "no", ("b",): "0123", ("c",): "12:30"}


def test_impossible_date_stays_text() -> None:
    doc, problems = load_text("reviewed: 2024-13-45\n", F)
    assert problems == [] and doc is not None
    assert doc.data == {"reviewed": "2024-13-45"}


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes("\ufeffkind: page\n".encode())
    doc, problems = load_file(path)
    assert problems == [] and doc is not None and doc.data == {"kind": "page"}


def test_not_utf8_names_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes(b"kind: page\ntitle: Caf\xe9\n")
    doc, problems = load_file(path)
    assert doc is None
    assert problems == [Problem(path, 2, 11, "the file is not UTF-8 text")]
    assert "UTF-8" in (problems[0].hint or "")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    doc, problems = load_file(path)
    assert doc is None
    assert problems[0].message == f"the file is {MAX_FILE_BYTES + 3:,} bytes, more than the limit of {MAX_FILE_BYTES:,}"


def test_deep_nesting_is_refused_without_recursion() -> None:
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    doc, problems = load_text(text, F)
    assert doc is None
    assert problems[0].message == f"the data is nested more than {MAX_DEPTH} levels deep"


def test_alias_bomb_is_refused_with_little_memory() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    tracemalloc.start()
    doc, problems = load_text("\n".join(lines) + "\n", F)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert doc is None
    assert problems[0].line == 2 and "aliases" in problems[0].message
    # Expanded, this document would hold 9**10 strings; refusing it must not build any of them.
    assert peak < 5_000_000


def test_tree_skips_hidden_files_and_lists_assets(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.png").write_bytes(b"png")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.yml").write_text("[")
    (tmp_path / "page.yaml").write_text("kind: page\n")
    tree = load_tree(tmp_path)
    assert tree.problems == []
    assert tree.assets == [tmp_path / "assets" / "logo.png"]
    assert list(tree.documents) == [tmp_path / "page.yaml"]


def test_missing_content_folder(tmp_path: Path) -> None:
    tree = load_tree(tmp_path / "nope")
    assert [p.message for p in tree.problems] == ["the content folder does not exist"]


def test_a_lone_equals_sign_is_text() -> None:
    """YAML 1.1 reads a bare "=" as its "value key"; to an editor it is text."""
    doc, problems = load_text("title: =\n", F)
    assert problems == [] and doc is not None and doc.data == {"title": "="}


def test_an_unclosed_brace_is_explained_with_its_braces_shown() -> None:
    doc, problems = load_text("{0\n", F)
    assert doc is None
    assert problems[0].message == "a set of fields written in {curly brackets} is not closed", problems[0].message
