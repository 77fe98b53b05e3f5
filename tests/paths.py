"""Where the shared, read-only project material lies: ``../shared`` beside the repository
(as for every session and for CI), or ``PORTOLAN_SHARED``."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PORTOLAN_SHARED", ROOT.parent / "shared"))
MANIFESTS = SHARED / "manifests"

if not (MANIFESTS / "EXPECTED.json").is_file():
    raise RuntimeError(
        f"the shared manifests are not at {MANIFESTS}: set PORTOLAN_SHARED to the shared/ folder"
    )
