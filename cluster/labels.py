"""Label selectors (pure): the string grammar of ``apimachinery/pkg/labels/selector.go``
(``Parse``), equality-map selectors (``SelectorFromValidatedSet``) and ``metav1.LabelSelector``
(``LabelSelectorAsSelector``), plus field selectors on a few fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cluster import errors
from cluster.validation.meta import is_qualified_name, is_valid_label_value

IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, EXISTS, DOES_NOT_EXIST, GT, LT = (
    "in",
    "notin",
    "=",
    "==",
    "!=",
    "exists",
    "!",
    "gt",
    "lt",
)


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        if op in (IN, EQUALS, DOUBLE_EQUALS):
            return self.key in labels and labels[self.key] in self.values
        if op in (NOT_IN, NOT_EQUALS):
            return self.key not in labels or labels[self.key] not in self.values
        if op == EXISTS:
            return self.key in labels
        if op == DOES_NOT_EXIST:
            return self.key not in labels
        if op in (GT, LT):
            if self.key not in labels:
                return False
            try:
                have = int(labels[self.key])
                want = int(self.values[0])
            except ValueError:
                return False
            return have > want if op == GT else have < want
        return False

    def __str__(self) -> str:
        op = self.operator
        if op == EXISTS:
            return self.key
        if op == DOES_NOT_EXIST:
            return "!" + self.key
        if op in (IN, NOT_IN):
            return f"{self.key} {op} ({','.join(sorted(self.values))})"
        if op == GT:
            return f"{self.key}>{self.values[0]}"
        if op == LT:
            return f"{self.key}<{self.values[0]}"
        return f"{self.key}{op}{self.values[0]}"


@dataclass(frozen=True)
class Selector:
    requirements: tuple[Requirement, ...]
    nothing: bool = False  # a nil LabelSelector selects nothing

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def empty(self) -> bool:
        return not self.requirements and not self.nothing

    def __str__(self) -> str:
        return ",".join(str(r) for r in sorted(self.requirements, key=lambda r: r.key))


EVERYTHING = Selector(())
NOTHING = Selector((), nothing=True)


# --- the string grammar -----------------------------------------------------------------------

_SPECIAL = set("!=,()<>")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        two = text[i : i + 2]
        if two in ("==", "!="):
            out.append(two)
            i += 2
            continue
        if ch in _SPECIAL:
            out.append(ch)
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _SPECIAL:
            j += 1
        out.append(text[i:j])
        i = j
    return out


def _check_key(key: str) -> None:
    msgs = is_qualified_name(key)
    if msgs:
        raise errors.bad_request(
            f"unable to parse requirement: {errors.invalid('key', key, '; '.join(msgs))}"
        )


def _check_value(key: str, i: int, value: str) -> None:
    msgs = is_valid_label_value(value)
    if msgs:
        raise errors.bad_request(
            f"unable to parse requirement: "
            f"{errors.invalid(f'values[{i}][{key}]', value, '; '.join(msgs))}"
        )


def parse(text: str | None) -> Selector:
    """``labels.Parse``. A syntax error is a 400 BadRequest, as from the apiserver."""
    if text is None or not text.strip():
        return EVERYTHING
    toks = _tokens(text)
    pos = 0
    reqs: list[Requirement] = []

    def peek() -> str | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> str | None:
        nonlocal pos
        tok = peek()
        pos += 1
        return tok

    def fail(found: str | None, expected: str) -> None:
        raise errors.bad_request(
            f"unable to parse requirement: found '{found if found is not None else ''}', "
            f"expected: {expected}"
        )

    while True:
        negate = False
        tok = take()
        if tok == "!":
            negate = True
            tok = take()
        if tok is None or tok in _SPECIAL or tok in ("==", "!="):
            fail(tok, "identifier")
        key = str(tok)
        _check_key(key)
        nxt = peek()
        if negate:
            if nxt not in (None, ","):
                fail(nxt, "',' or 'end of string'")
            reqs.append(Requirement(key, DOES_NOT_EXIST))
        elif nxt in (None, ","):
            reqs.append(Requirement(key, EXISTS))
        elif nxt in ("=", "==", "!=", "<", ">"):
            op = take()
            value = take()
            if value is None or value == ",":
                value_str = ""
                if value == ",":
                    pos -= 1
            elif value in _SPECIAL or value in ("==", "!="):
                fail(value, "identifier")
                value_str = ""
            else:
                value_str = str(value)
            if op in ("<", ">"):
                try:
                    int(value_str)
                except ValueError:
                    raise errors.bad_request(
                        f"unable to parse requirement: for 'Gt', 'Lt' operators, the value must "
                        f"be an integer: {value_str!r}"
                    ) from None
                reqs.append(Requirement(key, GT if op == ">" else LT, (value_str,)))
            else:
                _check_value(key, 0, value_str)
                reqs.append(Requirement(key, NOT_EQUALS if op == "!=" else EQUALS, (value_str,)))
        elif nxt in ("in", "notin"):
            op = str(take())
            if take() != "(":
                fail(toks[pos - 1] if pos - 1 < len(toks) else None, "'('")
            values: list[str] = []
            while True:
                v = take()
                if v == ")":
                    if values and values[-1] is None:  # pragma: no cover
                        pass
                    break
                if v == ",":
                    values.append("")
                    continue
                if v is None:
                    fail(None, "')'")
                    break
                if v in _SPECIAL:
                    fail(v, "identifier")
                values.append(str(v))
                after = take()
                if after == ")":
                    break
                if after != ",":
                    fail(after, "',' or ')'")
            for i, v in enumerate(values):
                _check_value(key, i, v)
            if not values:
                values = [""]
            reqs.append(Requirement(key, IN if op == "in" else NOT_IN, tuple(values)))
        else:
            fail(nxt, "'=', '!=', '==', 'in', notin'")
        sep = take()
        if sep is None:
            break
        if sep != ",":
            fail(sep, "','")
        if peek() is None:
            fail(None, "identifier")
    return Selector(tuple(reqs))


def from_set(selector: Mapping[str, str] | None) -> Selector:
    """A Service's ``spec.selector``: equality only. Empty or absent selects nothing here;
    callers decide what "no selector" means (for Services: endpoints not managed)."""
    if not selector:
        return NOTHING
    return Selector(tuple(Requirement(k, EQUALS, (v,)) for k, v in selector.items()))


def from_label_selector(ls: Mapping[str, Any] | None) -> Selector:
    """``metav1.LabelSelectorAsSelector``: nil selects nothing, ``{}`` everything."""
    if ls is None:
        return NOTHING
    reqs = [Requirement(k, EQUALS, (str(v),)) for k, v in (ls.get("matchLabels") or {}).items()]
    for expr in ls.get("matchExpressions") or []:
        op = expr.get("operator")
        key = expr.get("key", "")
        vals = tuple(str(v) for v in expr.get("values") or ())
        mapped = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}.get(
            op
        )
        if mapped is None:
            raise errors.bad_request(f'"{op}" is not a valid label selector operator')
        reqs.append(Requirement(key, mapped, vals))
    return Selector(tuple(reqs))


def selector_to_string(ls: Mapping[str, Any]) -> str:
    return str(from_label_selector(ls))


def set_to_string(selector: Mapping[str, str] | None) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted((selector or {}).items()))


# --- field selectors --------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    operator: str  # "=" or "!="
    value: str


def parse_fields(
    text: str | None, supported: Mapping[str, Callable[[dict[str, Any]], str]]
) -> list[FieldRequirement]:
    if not text:
        return []
    reqs = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        for op in ("!=", "==", "="):
            if op in part:
                name, value = part.split(op, 1)
                break
        else:
            raise errors.bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        name = name.strip()
        if name not in supported:
            raise errors.bad_request(f"field label not supported: {name}")
        reqs.append(FieldRequirement(name, "!=" if op == "!=" else "=", value.strip()))
    return reqs


def fields_match(
    reqs: list[FieldRequirement],
    obj: dict[str, Any],
    supported: Mapping[str, Callable[[dict[str, Any]], str]],
) -> bool:
    for r in reqs:
        have = supported[r.field](obj)
        if (have == r.value) != (r.operator == "="):
            return False
    return True
