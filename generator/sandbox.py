"""The sandbox every template runs in: no reaching Python's internals, and no exhausting the machine.

Office templates are untrusted. Jinja's sandbox already keeps them away from Python's internals; this module
also keeps them within limits of size and time, so that one short expression cannot take gigabytes of memory
or hours of work:

- binary operators are intercepted (``'x' * 10**9``, ``list + list``, ``'%999999999s' % x``, huge powers)
  and refused *before* they build anything too large;
- ``~`` (joining text), the text methods and filters that take a width or a count (``center``, ``indent``,
  ``replace``, ``join``, ``format``, …) are checked the same way, and every other filter's result after it;
- every value a template prints, and each page it renders, has a maximum size;
- loops are counted and calls timed: a render that loops or recurses for too long is stopped.

A breach raises :class:`TemplateLimit`, which the render steps report as a problem naming the template and
line. The limits are far above what a handbook page needs (a page is a few kilobytes) and far below what
would hurt a build (together, a few tens of megabytes at most).
"""

from __future__ import annotations

import os
import re
import string
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_TEXT = 1_000_000
"""The longest text (in characters) a template may build or print in one piece."""
MAX_ITEMS = 100_000
"""The longest list a template may build, and the longest ``range``."""
MAX_OUTPUT = 5_000_000
"""The most a template may write for one page or handout, in characters."""
MAX_INT_BITS = 256
"""The largest whole number a template may compute (about 10 to the power 77)."""
MAX_LOOP_STEPS = 2_000_000
"""The most loop rounds one render may run."""
TIME_LIMIT = 5.0
"""The most seconds one page's or handout's render may take."""

_LOOP_FILTER = "handbook loop"  # a filter name no template can write (it has a space): counts each loop's rounds
_WIDTH_METHODS = {"ljust", "rjust", "center", "zfill", "expandtabs"}
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")


class TemplateLimit(SecurityError):
    """A template tried to build something too large or to run too long."""


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set | frozenset) else 0


def _too_big(what: str, size: int, limit: int) -> TemplateLimit:
    return TemplateLimit(f"it would build {what} of {size:,} {'characters' if 'text' in what else 'items'}; "
                         f"the most a template may build is {limit:,}")


def check_size(value: Any) -> Any:
    """``value`` if it is within the limits for one value, else raise :class:`TemplateLimit`."""
    if isinstance(value, str | bytes):
        if len(value) > MAX_TEXT:
            raise _too_big("a text", len(value), MAX_TEXT)
    elif isinstance(value, list | tuple | dict | set | frozenset):
        if len(value) > MAX_ITEMS:
            raise _too_big("a list", len(value), MAX_ITEMS)
    elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise TemplateLimit(f"it would compute a number of {value.bit_length()} bits; the largest a template may "
                            f"compute has {MAX_INT_BITS}")
    return value


def _expect(size: int, what: str = "a text", limit: int = MAX_TEXT) -> None:
    if size > limit:
        raise _too_big(what, size, limit)


def _percent_widths(template: str) -> None:
    """Refuse ``%``-formatting whose width or precision would make a huge text ("%999999999s")."""
    for match in _PERCENT_SPEC.finditer(template):
        for number in match.groups():
            if number == "*":
                raise TemplateLimit("a width taken from the values (%*s) is not allowed in templates")
            if number is not None:
                _expect(int(number))


def _format_widths(template: str) -> None:
    """Refuse ``str.format`` specs whose width or precision would make a huge text ("{:>999999999}")."""
    for _, _, spec, _ in string.Formatter().parse(template):
        if spec:
            if "{" in spec:
                raise TemplateLimit("a width taken from the values ({:{}}) is not allowed in templates")
            for number in re.findall(r"\d+", spec):
                _expect(int(number))


class _Budget(threading.local):
    """The current render's clock and loop count (one per thread: handouts may render beside pages)."""

    deadline: float | None = None
    steps: int = 0


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``~`` (joining texts) going through the environment's size check."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.joined({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _WatchedContext(jinja2.runtime.Context):
    """A template's context that tells the environment's watch each name a template looks up (``office``,
    ``url``), in a page's template or in a macro it calls."""

    def resolve_or_missing(self, key: str) -> Any:
        value = super().resolve_or_missing(key)
        watch = getattr(self.environment, "watch", None)
        if watch is not None:
            watch.looked_up(key, value)
        return value


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox (templates cannot change the lists and dicts they are given, which other pages
    share), within the limits of size and time above; see the module's docstring."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    code_generator_class = _LimitedCodeGenerator
    context_class = _WatchedContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, finalize=check_size, **kwargs)
        self._verdicts: dict[tuple[type, str], bool] = {}
        self._budget = _Budget()
        self.globals.pop("lipsum", None)  # writes as many paragraphs as asked
        self.globals["range"] = self._range
        self.filters = {name: self._limited_filter(name, function) for name, function in self.filters.items()}
        self.filters[_LOOP_FILTER] = self._counted

    # --- what Jinja's sandbox asks -------------------------------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Decided by the object's type, the attribute's name and the value's type, and a page asks about the same
        # few thousands of times: remember each verdict.
        key = (type(obj), attr, type(value))
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = (not _reaches_outside(obj) and not _reaches_outside(value)
                                             and super().is_safe_attribute(obj, attr, value))
        return verdict

    def is_safe_callable(self, obj: Any) -> bool:
        return not _reaches_outside(getattr(obj, "__self__", None)) and super().is_safe_callable(obj)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(times, int) and not isinstance(times, bool) and _size(seq):
                    kind = "a text" if isinstance(seq, str | bytes) else "a list"
                    _expect(_size(seq) * max(times, 0), kind, MAX_TEXT if kind == "a text" else MAX_ITEMS)
            if isinstance(left, int) and isinstance(right, int):
                _expect_bits(left.bit_length() + right.bit_length())
        elif operator == "+" and _size(left) and _size(right) and type(left) is not dict:
            kind = "a text" if isinstance(left, str | bytes) else "a list"
            _expect(_size(left) + _size(right), kind, MAX_TEXT if kind == "a text" else MAX_ITEMS)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            _expect_bits(max(left.bit_length(), 1) * right if abs(left) > 1 else 1)
        elif operator == "%" and isinstance(left, str):
            _percent_widths(left)
        return check_size(self.binop_table[operator](left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_text_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        return check_size(super().call(__context, __obj, *args, **kwargs))

    watch: Any = None
    """While a page renders for :class:`generator.memo.Renders`: told of every field read
    (:meth:`generator.memo.Watch.saw`) and name looked up (:meth:`generator.memo.Watch.looked_up`), to know
    which other pages, and whether the office, this page's text depends on."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.tick()
        value = super().getattr(obj, attribute)
        if self.watch is not None:
            self.watch.saw(obj, attribute, value)
        return value

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.tick()
        value = super().getitem(obj, argument)
        if self.watch is not None:
            self.watch.saw(obj, argument, value)
        return value

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            _format_widths(template)
            return check_size(wrapped(*args, **kwargs))

        return checked

    # --- what this module adds -----------------------------------------------------------------------------

    def joined(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ c``: the parts' sizes are added up before anything is joined."""
        self.tick()
        _expect(sum(_size(part) for part in parts if isinstance(part, str)))
        return check_size(join(parts))

    def tick(self) -> None:
        """One step of work: stop the render when it has run too long."""
        budget = self._budget
        budget.steps += 1
        if budget.steps & 63 == 0 and budget.deadline is not None and time.monotonic() > budget.deadline:
            raise TemplateLimit(f"it ran for more than {TIME_LIMIT:.0f} seconds; a page renders in a fraction "
                                "of a second, so it probably loops or calls itself without end")

    def _counted(self, iterable: Any) -> Iterator[Any]:
        budget = self._budget
        for item in iterable:
            self.tick()
            if budget.steps > MAX_LOOP_STEPS:
                raise TemplateLimit(f"its loops ran more than {MAX_LOOP_STEPS:,} rounds for one page")
            yield item

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        _expect(len(numbers), "a list", MAX_ITEMS)
        return numbers

    def _limited_filter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        check = _FILTER_CHECKS.get(name)

        def limited(*args: Any, **kwargs: Any) -> Any:
            self.tick()
            if check is not None:
                args = check(*args, **kwargs) or args
            return check_size(function(*args, **kwargs))

        # Jinja passes the environment or context to filters marked for it: keep the mark.
        for mark in ("jinja_pass_arg",):
            if hasattr(function, mark):
                setattr(limited, mark, getattr(function, mark))
        limited.__name__ = getattr(function, "__name__", name)
        return limited

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):  # every loop's rounds are counted
            loop.iter = nodes.Filter(loop.iter, _LOOP_FILTER, [], [], None, None, lineno=loop.iter.lineno)
        return tree

    def render(self, template: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        """Render ``template`` within the limits of time and output; raise :class:`TemplateLimit` past them."""
        budget = self._budget
        saved = budget.deadline, budget.steps
        budget.deadline, budget.steps = time.monotonic() + TIME_LIMIT, 0
        try:
            chunks, written = [], 0
            for chunk in template.generate(*args, **kwargs):
                written += len(chunk)
                if written > MAX_OUTPUT:
                    raise TemplateLimit(f"it wrote more than {MAX_OUTPUT:,} characters for one page")
                chunks.append(chunk)
            return "".join(chunks)
        finally:
            budget.deadline, budget.steps = saved


def _reaches_outside(value: Any) -> bool:
    """Whether a value leads outside what a template may see: files and folders (a path reads and writes any file
    the build may), where a page was loaded from, modules and classes. Templates see text, numbers, dates, lists
    and the content's models."""
    from .load import Document

    return isinstance(value, os.PathLike | Document | types.ModuleType | type)


def _expect_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise TemplateLimit(f"it would compute a number of about {bits:,} bits; the largest a template may compute "
                            f"has {MAX_INT_BITS}")


def _check_text_method(text: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a text method call that would make a huge text before it makes it."""
    if method in _WIDTH_METHODS:
        for value in (*args, *kwargs.values()):
            if isinstance(value, int):
                _expect(value if method != "expandtabs" else value * (text.count("\t") + 1) + len(text))
    elif method == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        _replaced_size(text, args[0], args[1], args[2] if len(args) > 2 else None)
    elif method == "join" and args and isinstance(args[0], list | tuple):
        _expect(len(text) * len(args[0]) + sum(_size(item) for item in args[0]))


def _replaced_size(text: str, old: str, new: str, count: Any = None) -> None:
    found = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    _expect(len(text) + found * max(len(new) - len(old), 0))


# Checks run before the built-in filters that can make much more than they are given; each returns the
# arguments to call the filter with (a one-off iterable read into a list, so it can be measured), or None.
def _check_center(value: Any, width: Any = 80, *_: Any, **__: Any) -> None:
    if isinstance(width, int):
        _expect(width)


def _check_indent(value: Any, width: Any = 4, *_: Any, **kwargs: Any) -> None:
    width = kwargs.get("width", width)
    each = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    _expect(len(str(value)) + each * (str(value).count("\n") + 1))


def _check_wordwrap(environment: Any, value: Any, width: Any = 79, break_long_words: Any = True,
                    wrapstring: Any = None, *_: Any, **kwargs: Any) -> None:
    wrapstring = kwargs.get("wrapstring", wrapstring)
    width = kwargs.get("width", width)
    if isinstance(wrapstring, str) and isinstance(width, int):
        _expect(len(str(value)) + len(wrapstring) * (len(str(value)) // max(width, 1) + 1))


def _check_replace(*args: Any, **kwargs: Any) -> None:
    # do_replace(eval_ctx, s, old, new, count=None)
    values = [*args[1:], *kwargs.values()]
    if len(values) >= 3:
        _replaced_size(str(values[0]), str(values[1]), str(values[2]), values[3] if len(values) > 3 else None)


def _check_join(*args: Any, **kwargs: Any) -> tuple[Any, ...] | None:
    # do_join(eval_ctx, value, d="", attribute=None)
    eval_ctx, value, *rest = args
    items = value if isinstance(value, list | tuple) else list(_bounded(value))
    separator = kwargs.get("d", rest[0] if rest else "")
    _expect(len(str(separator)) * len(items) + sum(_size(item) for item in items))
    return (eval_ctx, items, *rest)


def _check_format(value: Any, *_: Any, **__: Any) -> None:
    if isinstance(value, str):
        _percent_widths(value)


def _check_count(value: Any, count: Any = None, *_: Any, **kwargs: Any) -> None:
    count = kwargs.get("linecount", kwargs.get("slices", count))
    if isinstance(count, int):
        _expect(count, "a list", MAX_ITEMS)


def _check_sum(*args: Any, **kwargs: Any) -> tuple[Any, ...] | None:
    # do_sum(environment, iterable, attribute=None, start=0)
    environment, iterable, *rest = args
    items = iterable if isinstance(iterable, list | tuple) else list(_bounded(iterable))
    start = kwargs.get("start", rest[1] if len(rest) > 1 else 0)
    if _size(start) or any(_size(item) for item in items[:1]):
        _expect(_size(start) + sum(_size(item) for item in items),
                "a text" if isinstance(start, str) else "a list", MAX_TEXT if isinstance(start, str) else MAX_ITEMS)
    return (environment, items, *rest)


def _bounded(iterable: Iterable[Any]) -> Iterator[Any]:
    for number, item in enumerate(iterable):
        if number >= MAX_ITEMS:
            raise _too_big("a list", number + 1, MAX_ITEMS)
        yield item


_FILTER_CHECKS: dict[str, Callable[..., Any]] = {
    "center": _check_center,
    "indent": _check_indent,
    "wordwrap": _check_wordwrap,
    "replace": _check_replace,
    "join": _check_join,
    "format": _check_format,
    "batch": _check_count,
    "slice": _check_count,
    "sum": _check_sum,
}
