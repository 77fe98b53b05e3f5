"""``resource.Quantity`` parsing (``apimachinery/pkg/api/resource/quantity.go``), enough to
compare requests with limits and to compute a pod's QoS class. A malformed quantity is a decode
error, as in the apiserver."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

QUANTITY_ERROR = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
_shape = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_binary = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_decimal = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}


def parse_quantity(value: Any) -> Decimal:
    """The exact value of a quantity (``"100m"`` → 0.1, ``"1Gi"`` → 1073741824)."""
    if isinstance(value, bool):
        raise ValueError(QUANTITY_ERROR)
    if isinstance(value, int | float):
        return Decimal(str(value))
    if not isinstance(value, str):
        raise ValueError(QUANTITY_ERROR)
    match = _shape.match(value.strip())
    if not match or match.group(1).count(".") > 1 or match.group(1).strip("+-") in ("", "."):
        raise ValueError(QUANTITY_ERROR)
    try:
        number = Decimal(match.group(1))
    except InvalidOperation as e:
        raise ValueError(QUANTITY_ERROR) from e
    suffix = match.group(2)
    if suffix in _binary:
        return number * (Decimal(2) ** _binary[suffix])
    if suffix in _decimal:
        return number.scaleb(_decimal[suffix])
    if suffix[:1] in ("e", "E") and re.fullmatch(r"[-+]?[0-9]+", suffix[1:]):
        return number.scaleb(int(suffix[1:]))
    raise ValueError(QUANTITY_ERROR)
