"""The `chainrule` command run as a user runs it: a fresh Python process, output captured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def chainrule(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`chainrule ARGS…` (as `python -m demos`) in `cwd`, with this checkout first on the import path."""
    return subprocess.run(
        [sys.executable, "-m", "demos", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
