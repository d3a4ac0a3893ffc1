"""Synthetic handbooks for the benchmarks: the real default handbook grown to N pages, and M offices.

The real pages stay (so the packet, the links and the home page are the real ones); the pages added are of
every kind in turn (guide, checklist, recovery page, message script, plain page), spread over the six phases,
about 600 words each (checklists are shorter and fit on one printed page, as real ones must), each citing a
real source and naming two related pages. The text is made of ordinary words in ordinary sentences, so the
reading-level review and Python-Markdown do the work they do on real pages.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODELINE = "# yaml-language-server: $schema=../../schema/{kind}.schema.json\n"
PHASES = ("before", "during", "after", "waiting", "offer", "setback")
KINDS = ("guide", "checklist", "recovery", "script", "page")
FOLDERS = {"guide": "guides", "checklist": "checklists", "recovery": "recovery", "script": "scripts",
           "page": "pages"}
WORDS = ("the interview is a good time to ask about the role and the team you would join so write down two "
         "questions before you go and listen to each answer with care then thank the people you met and "
         "follow up within a day while you wait keep applying for other jobs and practise your answers with "
         "a friend").split()


def sentence(seed: int, length: int = 14) -> str:
    words = [WORDS[(seed * 7 + i * 5) % len(WORDS)] for i in range(length)]
    return " ".join(words).capitalize() + "."


def paragraph(seed: int, sentences: int = 4) -> str:
    return " ".join(sentence(seed + i) for i in range(sentences))


def page(kind: str, n: int, ids: list[str]) -> str:
    """The YAML of synthetic page number ``n`` of the given kind."""
    related = [ids[(n + k) % len(ids)] for k in (1, 2) if ids[(n + k) % len(ids)] != ids[n]]
    head = (MODELINE.format(kind=kind) + f"kind: {kind}\ntitle: {kind.title()} number {n}\n"
            f"summary: {sentence(n, 12)}\nphase: {PHASES[n % len(PHASES)]}\n"
            f"related: [{', '.join(related)}]\nsources: [only-two-things]\nreviewed: 2026-11-20\n")
    block = "\n".join("  " + paragraph(n + i) for i in range(3))
    if kind == "guide":
        sections = "".join(f"  - title: Part {i}\n    why: |\n      {paragraph(n + i, 6)}\n    how:\n"
                           + "".join(f"      - {sentence(n + i + j)}\n" for j in range(4))
                           + f"    pitfalls:\n      - {sentence(n + i, 10)}\n" for i in range(4))
        return head + f"intro: |\n{block}\nkey_points:\n  - {sentence(n, 8)}\nsections:\n{sections}"
    if kind == "checklist":
        groups = "".join(f"  - title: Group {i}\n    items:\n"
                         + "".join(f"      - text: {sentence(n + i + j, 7)}\n" for j in range(4))
                         for i in range(3))
        return (head + f"when: {sentence(n, 10)}\nintro: {sentence(n + 1, 16)}\ngroups:\n{groups}"
                f"    write_in:\n      - prompt: {sentence(n, 6)}\n        lines: 3\n")
    if kind == "recovery":
        thoughts = "".join(f"  - thought: {sentence(n + i, 8)}\n    reality: {paragraph(n + i, 3)}\n" for i in range(4))
        actions = "".join(f"      - {sentence(n + j)}\n" for j in range(3))
        steps = "".join(f"  - when: Step {i}\n    actions:\n{actions}" for i in range(3))
        return head + f"feelings: |\n{block}\nthoughts:\n{thoughts}steps:\n{steps}support: {paragraph(n)}\n"
    if kind == "script":
        message = "\n\n".join("  " + paragraph(n + i, 3) for i in range(4))
        return head + (f"when: {sentence(n)}\nchannel: email\nsubject: About the [Job title] role\n"
                       f"message: |\n  Dear [Name],\n\n{message}\nplaceholders:\n  - name: Name\n"
                       f"    hint: Their name.\n  - name: Job title\n    hint: As advertised.\ntips:\n"
                       f"  - {sentence(n)}\n  - {sentence(n + 1)}\n")
    body = "\n\n".join("  " + paragraph(n + i, 5) for i in range(6))
    return head + f"body: |\n{body}\n"


def make_handbook(root: Path, pages: int, languages: bool = False) -> Path:
    """A project in ``root``: the default handbook with synthetic pages added to make ``pages`` in all.

    It publishes English only, as the figures in the README were measured, unless ``languages``: then it
    publishes the default handbook's three languages, the synthetic pages shown in English in the other two
    (each language is a build of its own, so a build takes about as many times longer)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("content", "templates", "schema"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    if not languages:
        settings = root / "content" / "handbook.yml"
        text, found = re.subn(r"\nlanguages:\n(?:  - [\w-]+\n)+", "\n", settings.read_text(encoding="utf-8"))
        assert found == 1, "handbook.yml's languages are not written as expected: see benchmarks/synthetic.py"
        settings.write_text(text, encoding="utf-8")
    real = sum(1 for p in (root / "content").rglob("*.yml")
               if p.parent != root / "content" and "i18n" not in p.relative_to(root / "content").parts) + 1
    ids = [f"{KINDS[n % len(KINDS)]}-{n}" for n in range(max(pages - real, 0))]
    for n, page_id in enumerate(ids):
        kind = KINDS[n % len(KINDS)]
        folder = root / "content" / FOLDERS[kind]
        folder.mkdir(exist_ok=True)
        (folder / f"{page_id}.yml").write_text(page(kind, n, ids), encoding="utf-8")
    return root


def add_offices(root: Path, offices: int) -> None:
    """``offices`` offices in ``root/offices``: the two examples, then copies of them, each with a name, contact
    details, addresses and colours of its own, as real offices have (so no two offices' pages are the same)."""
    shutil.copytree(REPO / "offices", root / "offices", dirs_exist_ok=True)
    examples = sorted(p.name for p in (REPO / "offices").iterdir() if (p / "office.yml").is_file())
    for n in range(len(examples), offices):
        slug = f"office-{n + 1:02d}"
        shutil.copytree(REPO / "offices" / examples[n % len(examples)], root / "offices" / slug)
        settings = root / "offices" / slug / "office.yml"
        settings.write_text(own_identity(settings.read_text(encoding="utf-8"), n + 1), encoding="utf-8")
    for extra in examples[offices:]:
        shutil.rmtree(root / "offices" / extra)


def own_identity(settings: str, n: int) -> str:
    """An example office's settings (office.yml) with the name, contact details, addresses and colour of
    office number ``n``."""
    own = {"name": f"Career Office Number {n}", "short_name": f"Office {n}",
           "  email": f"office{n}@careers.example.org", "  phone": f"+1 555 01{n:02d}",
           "booking_url": f"https://office{n}.example.org/book", "site_url": f"https://office{n}.example.org/handbook/",
           "  primary": f'"#{(n * 37) % 64:02x}4a{(n * 53) % 96:02x}"'}
    lines = settings.splitlines()
    for key, value in own.items():
        found = [i for i, line in enumerate(lines) if line.startswith(f"{key}: ")]
        assert len(found) == 1, f"{key} is not written once in the example office: see benchmarks/synthetic.py"
        lines[found[0]] = f"{key}: {value}"
    return "\n".join(lines) + "\n"
