"""Jinja2's sandbox with limits: a team-edited template can reach no Python internals and can
exhaust neither memory nor time.

The sandbox alone stops attribute attacks but not growth: ``{{ 'x' * 2000000000 }}``, nested
``range`` loops or a string doubled in a loop each run in one step of Python and grow past
any machine. So every way a template builds a value is measured *before* the value exists:

- Values are weighed (characters of text, plus one per item of a list or mapping). Repeating,
  adding, joining (``~``), list and mapping literals, block captures and filter arguments are
  refused when the result would weigh more than ``MAX_VALUE``, and all of them together in one
  render more than ``MAX_BUILT``.
- Numbers handed to functions and filters (``range``, a width, a count) are at most
  ``MAX_COUNT``, and the filters and string methods that pad or multiply text by a number
  (``center``, ``indent``, ``format``, ``'%'``, ``str.ljust`` …) are not available.
- Every block a template runs (a loop iteration, a macro call, an ``if`` branch) is a step:
  at most ``MAX_STEPS`` per render, and no more than ``MAX_SECONDS``.
- The output is streamed and refused past ``MAX_OUTPUT`` characters.

Every refusal is a :class:`TemplateLimitError` (a jinja2 ``SecurityError``) with a sentence
saying which limit, so ``socialops check`` and a suggestion can report it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import wraps
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat, Dict, List, Node, Tuple
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT = 10_000  # characters a template may produce (a reply is far shorter)
MAX_VALUE = 20_000  # weight of any one value a template builds
MAX_BUILT = 1_000_000  # weight of everything one render builds, together
MAX_COUNT = 1_000  # a number given to a function or filter: range(), truncate(), …
MAX_STEPS = 10_000  # blocks run in one render
MAX_SECONDS = 1.0
MAX_INT_BITS = 4_096  # an integer a template computes

# Filters that cannot grow text beyond what they are given (by more than a small factor).
# Left out on purpose: center, indent, wordwrap, format, pprint, xmlattr (pad or multiply by
# a number), random (a reply must be reproducible).
SAFE_FILTERS = frozenset(
    {
        "abs", "attr", "batch", "capitalize", "count", "d", "default", "dictsort", "e",
        "escape", "filesizeformat", "first", "float", "forceescape", "groupby", "int", "items",
        "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
        "replace", "reverse", "round", "safe", "select", "selectattr", "slice", "sort",
        "string", "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper",
        "urlencode", "urlize", "wordcount",
    }
)  # fmt: skip
# String methods a template may call: none of them pads, repeats or formats.
SAFE_STR_METHODS = frozenset(
    {
        "capitalize", "casefold", "count", "endswith", "find", "isalnum", "isalpha",
        "isdigit", "islower", "isspace", "istitle", "isupper", "lower", "lstrip",
        "removeprefix", "removesuffix", "rfind", "rsplit", "rstrip", "split", "splitlines",
        "startswith", "strip", "swapcase", "title", "upper",
    }
)  # fmt: skip


class TemplateLimitError(SecurityError):
    """A template went past one of the limits; the message names it."""


def weight(value: object, limit: int = MAX_VALUE) -> int:
    """Characters of text plus one per container item, counted until past ``limit``.

    The walk stops as soon as the count passes the limit, so weighing a value that shares
    parts many times over (a list of itself, doubled in a loop) costs at most ``limit`` steps.
    """
    total = 0
    pending: list[object] = [value]
    while pending and total <= limit:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, Mapping):
            total += 1 + len(item)
            if len(item) <= limit:
                pending.extend(item.keys())
                pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 1 + len(item)
            if len(item) <= limit:
                pending.extend(item)
        elif isinstance(item, range):
            total += len(item)
        else:
            total += 1
    return total


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles templates so each block counts a step and each value built is weighed first."""

    def blockvisit(self, nodes: Iterable[Node], frame: Frame) -> None:
        self.writeline("environment.step()")
        super().blockvisit(nodes, frame)

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.joined((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")

    def visit_List(self, node: List, frame: Frame) -> None:
        self._built(super().visit_List, node, frame)

    def visit_Tuple(self, node: Tuple, frame: Frame) -> None:
        self._built(super().visit_Tuple, node, frame)

    def visit_Dict(self, node: Dict, frame: Frame) -> None:
        self._built(super().visit_Dict, node, frame)

    def _built(self, visit: Callable[[Any, Frame], None], node: Node, frame: Frame) -> None:
        # A tuple used as an assignment target ({% for a, b in … %}) is not a value.
        if getattr(node, "ctx", "load") != "load":
            visit(node, frame)
            return
        self.write("environment.built(")
        visit(node, frame)
        self.write(")")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox the response templates run in: see the module's docstring for the limits."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self) -> None:
        super().__init__(
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            finalize=self._shown,
        )
        self.globals.pop("lipsum", None)  # makes text by the hundred words
        self.globals["range"] = self._range
        self.filters = {
            name: self._bounded_filter(name, function)
            for name, function in self.filters.items()
            if name in SAFE_FILTERS
        }
        self.concat = self._concat  # type: ignore[method-assign]
        self._steps = 0
        self._built = 0
        self._deadline = time.monotonic() + MAX_SECONDS

    def add_filter(self, name: str, function: Callable[..., Any]) -> None:
        """A filter of our own (e.g. ``slack``), held to the same limits as the built-in ones."""
        self.filters[name] = self._bounded_filter(name, function)

    # -- running -----------------------------------------------------------------------------

    def render_bounded(self, template: Template, context: Mapping[str, Any]) -> str:
        """The template's output, streamed, within every limit; :class:`TemplateLimitError` past one."""
        self._steps = 0
        self._built = 0
        self._deadline = time.monotonic() + MAX_SECONDS
        pieces: list[str] = []
        size = 0
        for piece in template.generate(**context):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise TemplateLimitError(f"the template writes more than {MAX_OUTPUT:,} characters")
            pieces.append(piece)
        return "".join(pieces)

    def step(self) -> None:
        self._steps += 1
        if self._steps > MAX_STEPS:
            raise TemplateLimitError(
                f"the template runs more than {MAX_STEPS:,} steps (loops or macros)"
            )
        if self._steps % 64 == 0:
            self._check_time()

    def _check_time(self) -> None:
        if time.monotonic() > self._deadline:
            raise TemplateLimitError(f"the template takes longer than {MAX_SECONDS:g} s")

    def _charge(self, amount: int) -> None:
        """Account for a value about to be built; refuse it when it is too big."""
        if amount > MAX_VALUE:
            raise TemplateLimitError(
                f"the template builds a value of over {MAX_VALUE:,} characters or items"
            )
        self._built += amount
        if self._built > MAX_BUILT:
            raise TemplateLimitError(
                f"the template builds over {MAX_BUILT:,} characters or items in all"
            )
        self._check_time()

    def _weigh(self, value: object) -> int:
        measured = weight(value)
        if measured > MAX_VALUE:
            self._charge(measured)  # raises
        return measured

    # -- the hooks the compiled template calls -----------------------------------------------

    def built(self, value: Any) -> Any:
        self._charge(weight(value))
        return value

    def joined(self, parts: tuple[Any, ...]) -> str:
        self._charge(sum(self._weigh(part) for part in parts))
        return "".join(str(part) for part in parts)

    def _concat(self, parts: Iterable[str]) -> str:
        pieces = list(parts)
        self._charge(sum(len(piece) for piece in pieces))
        return "".join(pieces)

    def _shown(self, value: Any) -> Any:
        self._weigh(value)
        return value

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise TemplateLimitError("'%' formatting is not available in templates")
        if operator == "*":
            self._check_repeat(left, right)
        if operator == "**":
            self._check_power(left, right)
        if operator == "+" and not _is_number(left):
            self._charge(self._weigh(left) + self._weigh(right))
        return super().call_binop(context, operator, left, right)

    def _check_repeat(self, left: Any, right: Any) -> None:
        for sequence, times in ((left, right), (right, left)):
            if isinstance(times, int) and not _is_number(sequence):
                self._charge(self._weigh(sequence) * max(times, 0))
                return
        too_big = f"the template computes a number over {MAX_INT_BITS} bits"
        both_ints = isinstance(left, int) and isinstance(right, int)
        if both_ints and abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS:
            raise TemplateLimitError(too_big)

    def _check_power(self, base: Any, exponent: Any) -> None:
        ints = isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1
        if ints and abs(base).bit_length() * max(exponent, 0) > MAX_INT_BITS:
            raise TemplateLimitError(f"the template computes a number over {MAX_INT_BITS} bits")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self._check_arguments(args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        __self._charge(weight(result))
        return result

    def wrap_str_format(self, value: Any) -> None:
        """No ``str.format``: a width in the format string (``{:>2000000000}``) pads before any
        check could see the result. Without the wrapper, ``format`` is an unsafe attribute."""
        return

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr not in SAFE_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    # -- helpers ---------------------------------------------------------------------------------

    def _range(self, *args: int) -> range:
        self._check_arguments(args, {})
        return range(*args)

    def _check_arguments(self, args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
        for value in (*args, *kwargs.values()):
            if _is_number(value) and abs(value) > MAX_COUNT:
                raise TemplateLimitError(
                    f"numbers given to a function or filter are at most {MAX_COUNT:,}"
                )
            self._weigh(value)

    def _bounded_filter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(function)  # keeps jinja's pass_context/pass_eval_context marks
        def bounded(*args: Any, **kwargs: Any) -> Any:
            value, *rest = _data_arguments(function, args) or (None,)
            self._weigh(value)  # the value filtered may be any number: only weighed
            self._check_arguments(rest, kwargs)
            self._charge(_estimated_size(name, value, rest))
            result = function(*args, **kwargs)
            if isinstance(result, Iterator):
                result = list(result)  # map/select are lazy: weigh what they give
            self._charge(weight(result))
            return result

        return bounded


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _data_arguments(function: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The arguments a template gave, without the context jinja passes first to some filters."""
    return args[1:] if getattr(function, "jinja_pass_arg", None) is not None else args


def _estimated_size(name: str, value: Any, rest: Sequence[Any]) -> int:
    """What ``replace`` or ``join`` would produce, worked out before they run."""
    if name == "replace" and len(rest) >= 2:
        text, old, new = str(value), str(rest[0]), str(rest[1])
        hits = text.count(old) if old else len(text) + 1
        return len(text) + hits * max(len(new) - len(old), 0)
    if name == "join" and isinstance(value, list | tuple | str):
        separator = str(rest[0]) if rest else ""
        return weight(value) + len(separator) * len(value)
    return 0
