"""Audiences: guidance meant for some readers only ("if you graduate this year").

``handbook.yml`` declares the audiences; a page, a section, a group, a step, an item, a question or a
worksheet row names the ones it is for in its ``audiences`` (none: for everyone). An office lists the
audiences it serves in ``office.yml``; what is meant only for others leaves its site and handouts, as
``hide`` does for a page. Where a site serves more readers than a part is for, the part says who it is for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from .strings import N_, Words
from .validate import without_links_to

FIELD = "audiences"
FOR_WHOM = N_("For: %(audiences)s")
EMPTIED = {"Checklist": "groups", "Guide": "sections", "Recovery": "steps", "ChecklistGroup": None}
"""Parts that leave with the page when every entry of theirs is for other audiences (None: the group's own
entries, any of items, write-in or worksheet)."""


def declared(data: Any) -> list[str]:
    """The audience ids ``handbook.yml``'s data declares (as read, valid or not)."""
    found = data.get(FIELD) if isinstance(data, dict) else None
    return [a["id"] for a in found if isinstance(a, dict) and isinstance(a.get("id"), str)] \
        if isinstance(found, list) else []


def is_for(audiences: list[str], served: frozenset[str]) -> bool:
    """Whether a part meant for ``audiences`` (none: everyone) is published where ``served`` are served."""
    return not audiences or bool(served.intersection(audiences))


def kept(model: Any, served: frozenset[str]) -> Any:
    """``model`` without the entries meant only for audiences not ``served``; None when nothing is left of it."""
    if not is_for(getattr(model, FIELD, []), served):
        return None
    changes = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            left = [part for part in (kept(item, served) for item in value) if part is not None]
            if len(left) != len(value):
                changes[name] = left
        elif isinstance(value, BaseModel):
            part = kept(value, served)
            if part is not value:
                changes[name] = part
    if not changes:
        return model
    model = model.model_copy(update=changes)
    kind = type(model).__name__
    if kind in EMPTIED:
        needed = [EMPTIED[kind]] if EMPTIED[kind] else ["items", "write_in", "worksheet"]
        if not any(getattr(model, name) for name in needed):
            return None
    if kind == "Worksheet" and not model.rows:
        return None
    return model


def for_audiences(handbook: Any, served: list[str]) -> Any:
    """The handbook as an office serving ``served`` publishes it (every audience when empty): pages meant for
    others hidden (links to them become plain text), and every part meant for others left out."""
    if not served:
        return handbook
    chosen = frozenset(served)
    pages, gone = {}, set()
    for page_id, entry in handbook.pages.items():
        page = kept(entry.page, chosen)
        if page is None and page_id != "index":
            gone.add(page_id)
        else:
            pages[page_id] = entry if page is entry.page or page is None else dataclasses.replace(entry, page=page)
    pages, settings = without_links_to(gone, pages, handbook.settings)
    return dataclasses.replace(handbook, pages=pages, settings=settings, hidden=handbook.hidden | gone,
                               served=chosen)


def labeller(handbook: Any, words: Words) -> Callable[[list[str]], str]:
    """``for_whom(audiences)``: "For: Students graduating this year" for a part meant for fewer readers than
    the site serves (a site that lists no audiences serves everyone), and "" for a part meant for all of them."""
    titles = {audience.id: audience.title for audience in handbook.settings.audiences}
    served = handbook.served  # None: the site is for every reader, not only those of the declared audiences

    def for_whom(audiences: list[str]) -> str:
        if not audiences or served is not None and served <= set(audiences):
            return ""
        shown = [titles.get(a, a) for a in audiences if served is None or a in served]
        return words(FOR_WHOM, audiences=", ".join(shown))

    return for_whom
