"""Where the shared, read-only project material lies: ``PORTOLAN_SHARED`` if set, else
``../shared`` beside the repository (sessions and CI lay it there), else the workplace's
``/work/shared`` (a clone made elsewhere, e.g. in a temporary folder)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_CANDIDATES = [
    Path(p)
    for p in (os.environ.get("PORTOLAN_SHARED"), ROOT.parent / "shared", "/work/shared")
    if p
]
SHARED = next((p for p in _CANDIDATES if (p / "manifests" / "EXPECTED.json").is_file()), None)
if SHARED is None:
    raise RuntimeError(
        "the shared manifests were not found in "
        + ", ".join(str(p) for p in _CANDIDATES)
        + ": set PORTOLAN_SHARED to the shared/ folder"
    )
MANIFESTS = SHARED / "manifests"
