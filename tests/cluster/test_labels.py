"""Label selectors, table-driven from apimachinery ``pkg/labels/selector_test.go`` (the test
function each table comes from is named above it), plus the error texts of ``selector.go``."""

from __future__ import annotations

import pytest

from cluster import labels
from cluster.errors import StatusError
from cluster.labels import (
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    EXISTS,
    GT,
    IN,
    LT,
    NOT_EQUALS,
    NOT_IN,
    Requirement,
    Selector,
    SelectorSyntaxError,
    new_requirement,
)


def parse(text: str) -> Selector:
    return labels.parse(text)


# TestSelectorParse: good strings parse and print back without their spaces.
@pytest.mark.parametrize(
    "text",
    ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"],
)
def test_selector_parse_good(text):
    assert str(parse(text)) == text.replace(" ", "")


# TestSelectorParse: bad strings.
@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "!x=a", "x<a"])
def test_selector_parse_bad(text):
    with pytest.raises(StatusError) as info:
        parse(text)
    assert info.value.code == 400 and info.value.reason == "BadRequest"


# TestDeterministicParse
def test_deterministic_parse():
    assert str(parse("x=a,a=x")) == str(parse("a=x,x=a")) == "a=x,x=a"


# TestSelectorMatches
@pytest.mark.parametrize(
    ("selector", "labelset", "match"),
    [
        ("", {"x": "y"}, True),
        ("x=y", {"x": "y"}, True),
        ("x=y,z=w", {"x": "y", "z": "w"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
        ("notin=in", {"notin": "in"}, True),  # in and notin in exactMatch
        ("x", {"x": "z"}, True),
        ("!x", {"y": "z"}, True),
        ("x>1", {"x": "2"}, True),
        ("x<1", {"x": "0"}, True),
        ("x=z", {}, False),
        ("x=y", {"x": "z"}, False),
        ("x=y,z=w", {"x": "w", "z": "w"}, False),
        ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
        ("x", {"y": "z"}, False),
        ("!x", {"x": "z"}, False),
        ("x>1", {"x": "0"}, False),
        ("x<1", {"x": "2"}, False),
        ("foo=bar", {"foo": "bar", "baz": "blah"}, True),
        ("baz=blah", {"foo": "bar", "baz": "blah"}, True),
        ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
        ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
        ("baz=bar", {"foo": "bar", "baz": "blah"}, False),
        ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
    ],
)
def test_selector_matches(selector, labelset, match):
    assert parse(selector).matches(labelset) is match


# TestEverything
def test_everything():
    assert labels.EVERYTHING.matches({"x": "y"})
    assert labels.EVERYTHING.empty()
    assert parse("").empty()


# TestSetMatches (SelectorFromSet): the simulator keeps "no selector" for the caller to decide,
# so an empty set is NOTHING here; a non-empty set matches as upstream.
@pytest.mark.parametrize(
    "selector", [{"foo": "bar"}, {"baz": "blah"}, {"foo": "bar", "baz": "blah"}]
)
def test_set_matches(selector):
    assert labels.from_set(selector).matches({"foo": "bar", "baz": "blah"})


# TestLexer: one token each; the lexer returns the longest valid token.
@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("", labels.END),
        (",", labels.COMMA),
        ("notin", labels.NOT_IN_TOK),
        ("in", labels.IN_TOK),
        ("=", labels.EQ),
        ("==", labels.DOUBLE_EQ),
        (">", labels.GREATER),
        ("<", labels.LESS),
        ("!", labels.BANG),
        ("!=", labels.NOT_EQ),
        ("(", labels.OPEN_PAR),
        (")", labels.CLOSE_PAR),
        ("~", labels.IDENT),  # non-special characters are part of an identifier
        ("||", labels.IDENT),
    ],
)
def test_lexer(text, token):
    assert labels.Lexer(text).lex() == (token, text)


ID, IN_T, NOTIN_T, OP, CP, CM = (
    labels.IDENT,
    labels.IN_TOK,
    labels.NOT_IN_TOK,
    labels.OPEN_PAR,
    labels.CLOSE_PAR,
    labels.COMMA,
)


# TestLexerSequence
@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("key in ( value )", [ID, IN_T, OP, ID, CP]),
        ("key notin ( value )", [ID, NOTIN_T, OP, ID, CP]),
        ("key in ( value1, value2 )", [ID, IN_T, OP, ID, CM, ID, CP]),
        ("key", [ID]),
        ("!key", [labels.BANG, ID]),
        ("()", [OP, CP]),
        ("x in (),y", [ID, IN_T, OP, CP, CM, ID]),
        (
            "== != (), = notin",
            [labels.DOUBLE_EQ, labels.NOT_EQ, OP, CP, CM, labels.EQ, NOTIN_T],
        ),
        ("key>2", [ID, labels.GREATER, ID]),
        ("key<1", [ID, labels.LESS, ID]),
    ],
)
def test_lexer_sequence(text, tokens):
    assert [t for t, _ in labels.lex_all(text)] == tokens


# TestRequirementConstructor
@pytest.mark.parametrize(
    ("key", "op", "values", "ok"),
    [
        ("x", IN, [], False),
        ("x", NOT_IN, [], False),
        ("x", IN, ["foo"], True),
        ("x", NOT_IN, ["foo"], True),
        ("x", EXISTS, [], True),
        ("x", DOES_NOT_EXIST, [], True),
        ("1foo", IN, ["bar"], True),
        ("1234", IN, ["bar"], True),
        ("y", GT, ["1"], True),
        ("z", LT, ["6"], True),
        ("foo", GT, ["bar"], False),
        ("barz", LT, ["blah"], False),
        ("a" * 254, EXISTS, [], False),  # breaks the DNS rule len(key) <= 253
    ],
)
def test_requirement_constructor(key, op, values, ok):
    if ok:
        assert new_requirement(key, op, values) == Requirement(key, op, tuple(values))
    else:
        with pytest.raises(SelectorSyntaxError):
            new_requirement(key, op, values)


def req(key: str, op: str, *values: str) -> Requirement:
    return new_requirement(key, op, sorted(values))


# TestToString
@pytest.mark.parametrize(
    ("requirements", "text"),
    [
        ((req("x", IN, "abc", "def"), req("y", NOT_IN, "jkl"), req("z", EXISTS)),
         "x in (abc,def),y notin (jkl),z"),
        ((req("x", NOT_IN, "abc", "def"), req("y", NOT_EQUALS, "jkl"), req("z", DOES_NOT_EXIST)),
         "x notin (abc,def),y!=jkl,!z"),
        ((req("x", NOT_IN, "abc"), req("y", IN, "jkl", "mno"), req("z", NOT_IN, "")),
         "x notin (abc),y in (jkl,mno),z notin ()"),
        ((req("x", EQUALS, "abc"), req("y", DOUBLE_EQUALS, "jkl"), req("z", NOT_EQUALS, "a"),
          req("z", EXISTS)),
         "x=abc,y==jkl,z!=a,z"),
        ((req("x", GT, "2"), req("y", LT, "8"), req("z", EXISTS)), "x>2,y<8,z"),
    ],
)  # fmt: skip
def test_to_string(requirements, text):
    assert str(Selector(requirements)) == text


# TestRequirementSelectorMatching
@pytest.mark.parametrize(
    ("labelset", "requirements", "match"),
    [
        ({"x": "foo", "y": "baz"}, (req("x", IN, "foo"), req("y", NOT_IN, "alpha")), True),
        ({"x": "foo", "y": "baz"}, (req("x", IN, "foo"), req("y", IN, "alpha")), False),
        ({"y": ""}, (req("x", NOT_IN, ""), req("y", EXISTS)), True),
        ({"y": ""}, (req("x", DOES_NOT_EXIST), req("y", EXISTS)), True),
        ({"y": ""}, (req("x", NOT_IN, ""), req("y", DOES_NOT_EXIST)), False),
        ({"y": "baz"}, (req("x", IN, ""),), False),
        ({"z": "2"}, (req("z", GT, "1"),), True),
        ({"z": "v2"}, (req("z", GT, "1"),), False),
    ],
)
def test_requirement_selector_matching(labelset, requirements, match):
    assert Selector(requirements).matches(labelset) is match


# TestSetSelectorParser: (input, expected requirements or None when only validity is checked,
# valid).
SET_SELECTOR_PARSER = [
    ("", (), True),
    ("\rx", (req("x", EXISTS),), True),
    (
        "this-is-a-dns.domain.com/key-with-dash",
        (req("this-is-a-dns.domain.com/key-with-dash", EXISTS),),
        True,
    ),
    (
        "this-is-another-dns.domain.com/key-with-dash in (so,what)",
        (req("this-is-another-dns.domain.com/key-with-dash", IN, "so", "what"),),
        True,
    ),
    (
        "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
        (req("0.1.2.domain/99", NOT_IN, "10.10.100.1", "tick.tack.clock"),),
        True,
    ),
    ("foo  in\t (abc)", (req("foo", IN, "abc"),), True),
    ("x notin\n (abc)", (req("x", NOT_IN, "abc"),), True),
    ("x  notin\t\t(abc,def)", (req("x", NOT_IN, "abc", "def"),), True),
    ("x in (abc,def)", (req("x", IN, "abc", "def"),), True),
    ("x in (abc,)", (req("x", IN, "abc", ""),), True),
    ("x in ()", (req("x", IN, ""),), True),
    (
        "x notin (abc,,def),bar,z in (),w",
        (
            req("bar", EXISTS),
            req("w", EXISTS),
            req("x", NOT_IN, "abc", "", "def"),
            req("z", IN, ""),
        ),
        True,
    ),
    ("x,y in (a)", None, True),
    ("x=a", (req("x", EQUALS, "a"),), True),
    ("x>1", (req("x", GT, "1"),), True),
    ("x<7", (req("x", LT, "7"),), True),
    ("x=a,y!=b", (req("x", EQUALS, "a"), req("y", NOT_EQUALS, "b")), True),
    (
        "x=a,y!=b,z in (h,i,j)",
        (req("x", EQUALS, "a"), req("y", NOT_EQUALS, "b"), req("z", IN, "h", "i", "j")),
        True,
    ),
    ("x=a||y=b", None, False),
    ("x,y", None, True),
    (",x,y", None, False),
    ("x nott in (y)", None, False),
    ("x notin ( )", (req("x", NOT_IN, ""),), True),
    ("x notin (, a)", (req("x", NOT_IN, "", "a"),), True),
    ("a in (xyz),", None, False),
    ("a in (xyz)b notin ()", None, False),
    ("a ", (req("a", EXISTS),), True),
    (
        "a in (x,y,notin, z,in)",  # operator 'in' inside a list of identifiers
        (req("a", IN, "in", "notin", "x", "y", "z"),),
        True,
    ),
    ("a in (xyz abc)", None, False),  # no comma
    ("a notin(", None, False),  # badly formed
    ("a (", None, False),  # cpar
    ("(", None, False),  # opar
]


@pytest.mark.parametrize(("text", "expected", "valid"), SET_SELECTOR_PARSER)
def test_set_selector_parser(text, expected, valid):
    if not valid:
        with pytest.raises(SelectorSyntaxError):
            labels.parse_requirements(text)
        return
    got = labels.parse_requirements(text)
    if expected is not None:
        assert tuple(got) == expected


def test_commas_inside_parentheses_are_not_requirement_separators():
    sel = parse("app in (web, db),tier notin (a,b),!gone")
    assert [r.key for r in sel.requirements] == ["app", "gone", "tier"]
    assert sel.matches({"app": "db", "tier": "c"})
    assert not sel.matches({"app": "db", "tier": "b"})


# The error texts of selector.go's parser, as the apiserver returns them (400 BadRequest).
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x=a=b", "found '=', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        (",x", "found ',', expected: !, identifier, or 'end of string'"),
        ("x,", "found '', expected: identifier after ','"),
        ("x nott in (y)", "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"),
        ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
        ("a in x", "unable to parse requirement: found 'x' expected: '('"),
        ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("x=(", "unable to parse requirement: found '(', expected: identifier"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        (
            "x<a",
            "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' "
            "operators, the value must be an integer",
        ),
        (
            "x=a b",
            "found 'b', expected: ',' or 'end of string'",
        ),
        (
            "x=-a",
            "unable to parse requirement: values[0][x]: Invalid value: \"-a\": a valid label must "
            "be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
            "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
            "'12345', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
    ],
)  # fmt: skip
def test_parse_error_messages(text, message):
    with pytest.raises(StatusError) as info:
        parse(text)
    assert info.value.message == message


@pytest.mark.parametrize(
    ("text", "ok"),
    [("x>9223372036854775807", True), ("x>9223372036854775808", False), ("x>1_0", False)],
)
def test_gt_lt_values_are_int64(text, ok):
    # strconv.ParseInt(v, 10, 64): no underscores, no overflow.
    if ok:
        parse(text)
    else:
        with pytest.raises(StatusError):
            parse(text)


def test_gt_lt_do_not_match_non_integer_labels():
    assert not parse("x>1").matches({"x": "two"})
    assert not parse("x<1").matches({})


def test_label_selector_as_selector():
    # metav1.LabelSelectorAsSelector: nil selects nothing, {} everything.
    assert not labels.from_label_selector(None).matches({"a": "b"})
    assert labels.from_label_selector({}).matches({"a": "b"})
    sel = labels.from_label_selector(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "back"]},
                {"key": "legacy", "operator": "DoesNotExist"},
            ],
        }
    )
    assert sel.matches({"app": "web", "tier": "back"})
    assert not sel.matches({"app": "web", "tier": "back", "legacy": "1"})
    assert str(sel) == "app=web,!legacy,tier in (back,front)"
