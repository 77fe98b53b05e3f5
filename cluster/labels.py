"""Label selectors (pure): the string grammar of ``apimachinery/pkg/labels/selector.go``
(``Parse``), equality-map selectors (``SelectorFromValidatedSet``) and ``metav1.LabelSelector``
(``LabelSelectorAsSelector``). Field selectors are in ``cluster.fields``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cluster import errors
from cluster.errors import FieldError
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
# ``labels.Parse``: a lexer producing the upstream token kinds, and a recursive-descent parser
# with the same two contexts (after a key, "in"/"notin" are operators; elsewhere identifiers).

ERROR = "ErrorToken"
END = "EndOfStringToken"
CLOSE_PAR = "ClosedParToken"
COMMA = "CommaToken"
BANG = "DoesNotExistToken"
DOUBLE_EQ = "DoubleEqualsToken"
EQ = "EqualsToken"
GREATER = "GreaterThanToken"
IDENT = "IdentifierToken"
IN_TOK = "InToken"
LESS = "LessThanToken"
NOT_EQ = "NotEqualsToken"
NOT_IN_TOK = "NotInToken"
OPEN_PAR = "OpenParToken"

_LITERALS = {
    ")": CLOSE_PAR,
    ",": COMMA,
    "!": BANG,
    "==": DOUBLE_EQ,
    "=": EQ,
    ">": GREATER,
    "in": IN_TOK,
    "<": LESS,
    "!=": NOT_EQ,
    "notin": NOT_IN_TOK,
    "(": OPEN_PAR,
}
_SPECIAL = frozenset("=!(),><")
_BLANK = frozenset(" \t\r\n")
_OPERATOR_TOKENS = {
    IN_TOK: IN,
    NOT_IN_TOK: NOT_IN,
    EQ: EQUALS,
    DOUBLE_EQ: DOUBLE_EQUALS,
    NOT_EQ: NOT_EQUALS,
    GREATER: GT,
    LESS: LT,
}
_INT64 = re.compile(r"^[+-]?[0-9]+$")


class Lexer:
    """Tokens one at a time; the longest special symbol wins ("!=" over "!")."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def lex(self) -> tuple[str, str]:
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos] in _BLANK:
            self.pos += 1
        if self.pos >= n:
            return END, ""
        start = self.pos
        if text[start] in _SPECIAL:
            best: tuple[str, str] | None = None
            end = start
            while end < n and text[end] in _SPECIAL:
                candidate = text[start : end + 1]
                if candidate in _LITERALS:
                    best = (_LITERALS[candidate], candidate)
                elif best is not None:
                    break
                end += 1
            if best is None:
                self.pos = end
                return ERROR, f"error expected: keyword found '{text[start:end]}'"
            self.pos = start + len(best[1])
            return best
        end = start
        while end < n and text[end] not in _SPECIAL and text[end] not in _BLANK:
            end += 1
        self.pos = end
        word = text[start:end]
        return _LITERALS.get(word, IDENT), word


def lex_all(text: str) -> list[tuple[str, str]]:
    """Every token up to (not including) the end of the string."""
    lexer, out = Lexer(text), []
    while True:
        tok = lexer.lex()
        if tok[0] == END:
            return out
        out.append(tok)


class SelectorSyntaxError(ValueError):
    pass


def new_requirement(key: str, operator: str, values: list[str]) -> Requirement:
    """``NewRequirement``: every rule checked, all violations reported together."""
    errs: list[FieldError] = []
    msgs = is_qualified_name(key)
    if msgs:
        errs.append(errors.invalid("key", key, "; ".join(msgs)))
    if operator in (IN, NOT_IN) and not values:
        errs.append(
            errors.invalid(
                "values", values, "for 'in', 'notin' operators, values set can't be empty"
            )
        )
    elif operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS) and len(values) != 1:
        errs.append(
            errors.invalid("values", values, "exact-match compatibility requires one single value")
        )
    elif operator in (EXISTS, DOES_NOT_EXIST) and values:
        errs.append(
            errors.invalid(
                "values", values, "values set must be empty for exists and does not exist"
            )
        )
    elif operator in (GT, LT):
        if len(values) != 1:
            errs.append(
                errors.invalid(
                    "values", values, "for 'Gt', 'Lt' operators, exactly one value is required"
                )
            )
        for i, v in enumerate(values):
            if not _INT64.match(v) or not -(2**63) <= int(v) < 2**63:
                errs.append(
                    errors.invalid(
                        f"values[{i}]", v, "for 'Gt', 'Lt' operators, the value must be an integer"
                    )
                )
    elif operator not in (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, EXISTS, DOES_NOT_EXIST):
        errs.append(
            errors.not_supported(
                "operator",
                operator,
                [IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, EXISTS, DOES_NOT_EXIST, GT, LT],
            )
        )
    for i, v in enumerate(values):
        msgs = is_valid_label_value(v)
        if msgs:
            errs.append(errors.invalid(f"values[{i}][{key}]", v, "; ".join(msgs)))
    if errs:
        text = str(errs[0]) if len(errs) == 1 else "[" + ", ".join(str(e) for e in errs) + "]"
        raise SelectorSyntaxError(text)
    return Requirement(key, operator, tuple(values))


class _Parser:
    def __init__(self, text: str) -> None:
        lexer = Lexer(text)
        self.items: list[tuple[str, str]] = []
        while True:
            tok = lexer.lex()
            self.items.append(tok)
            if tok[0] == END:
                break
        self.pos = 0

    def lookahead(self, values: bool = True) -> tuple[str, str]:
        tok, lit = self.items[self.pos]
        return (IDENT, lit) if values and tok in (IN_TOK, NOT_IN_TOK) else (tok, lit)

    def consume(self, values: bool = True) -> tuple[str, str]:
        item = self.lookahead(values)
        self.pos += 1
        return item

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.lookahead()
            if tok == END:
                return reqs
            if tok not in (IDENT, BANG):
                raise SelectorSyntaxError(
                    f"found '{lit}', expected: !, identifier, or 'end of string'"
                )
            try:
                reqs.append(self.requirement())
            except SelectorSyntaxError as e:
                raise SelectorSyntaxError(f"unable to parse requirement: {e}") from None
            tok, lit = self.consume()
            if tok == END:
                return reqs
            if tok != COMMA:
                raise SelectorSyntaxError(f"found '{lit}', expected: ',' or 'end of string'")
            nxt, nlit = self.lookahead()
            if nxt not in (IDENT, BANG):
                raise SelectorSyntaxError(f"found '{nlit}', expected: identifier after ','")

    def requirement(self) -> Requirement:
        tok, key = self.consume()
        operator = ""
        if tok == BANG:
            operator = DOES_NOT_EXIST
            tok, key = self.consume()
        if tok != IDENT:
            raise SelectorSyntaxError(f"found '{key}', expected: identifier")
        msgs = is_qualified_name(key)
        if msgs:
            raise SelectorSyntaxError(str(errors.invalid("", key, "; ".join(msgs))))
        if self.lookahead()[0] in (END, COMMA):
            return new_requirement(key, operator or EXISTS, [])
        if operator == DOES_NOT_EXIST:
            return new_requirement(key, operator, [])
        tok, lit = self.consume(values=False)
        if tok not in _OPERATOR_TOKENS:
            raise SelectorSyntaxError(f"found '{lit}', expected: in, notin, =, ==, !=, gt, lt")
        operator = _OPERATOR_TOKENS[tok]
        values = self.value_set() if operator in (IN, NOT_IN) else self.exact_value()
        return new_requirement(key, operator, sorted(values))

    def value_set(self) -> set[str]:
        tok, lit = self.consume()
        if tok != OPEN_PAR:
            raise SelectorSyntaxError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead()
        if tok == CLOSE_PAR:
            self.consume()
            return {""}
        if tok not in (IDENT, COMMA):
            raise SelectorSyntaxError(f"found '{lit}', expected: ',', ')' or identifier")
        values = self.identifiers()
        if self.consume()[0] != CLOSE_PAR:
            raise SelectorSyntaxError(f"found '{lit}', expected: ')'")
        return values

    def identifiers(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume()
            if tok == IDENT:
                values.add(lit)
                nxt, nlit = self.lookahead()
                if nxt == COMMA:
                    continue
                if nxt == CLOSE_PAR:
                    return values
                raise SelectorSyntaxError(f"found '{nlit}', expected: ',' or ')'")
            if tok == COMMA:
                if not values:
                    values.add("")  # "(,"
                nxt, _ = self.lookahead()
                if nxt == CLOSE_PAR:
                    values.add("")  # ",)"
                    return values
                if nxt == COMMA:
                    values.add("")  # ",,"
                continue
            raise SelectorSyntaxError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        tok, _ = self.lookahead()
        if tok in (END, COMMA):
            return {""}
        tok, lit = self.consume()
        if tok == IDENT:
            return {lit}
        raise SelectorSyntaxError(f"found '{lit}', expected: identifier")


def parse_requirements(text: str) -> list[Requirement]:
    """``labels.ParseToRequirements``: raises :class:`SelectorSyntaxError`; sorted by key."""
    reqs = _Parser(text).parse()
    return sorted(reqs, key=lambda r: r.key)


def parse(text: str | None) -> Selector:
    """``labels.Parse``. A syntax error is a 400 BadRequest, as from the apiserver."""
    if text is None:
        return EVERYTHING
    try:
        return Selector(tuple(parse_requirements(text)))
    except SelectorSyntaxError as e:
        raise errors.bad_request(str(e)) from None


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
