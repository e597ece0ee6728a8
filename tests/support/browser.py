"""Headless Chromium for the browser tests: how it is launched, and why a test skips without it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright's own download does not work offline
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


@contextmanager
def chromium(needs_dot: bool = False) -> Iterator[object]:
    """A launched headless Chromium (a Playwright Browser); skips the test where a part is missing."""
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="the browser tests need the Python package playwright (pip install playwright)",
    )
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    if needs_dot and shutil.which("dot") is None:
        pytest.skip("these browser tests need Graphviz's dot (apt-get install graphviz)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
