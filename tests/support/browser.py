"""Headless Chromium for the browser tests: how it is launched, and why a test skips without it; axe-core
(npm) run in a tab, for the accessibility tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

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


# axe-core (npm, pinned in package.json; `scripts/setup axe` runs npm ci): the accessibility rules the
# page tests run in Chromium. The pages forbid every script but their own (a CSP nonce), so
# page.add_script_tag is refused; the source is evaluated through DevTools instead, which no CSP governs.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG21 = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.0 and 2.1, levels A and AA
SERIOUS = ("critical", "serious")

RUN_AXE = """async (tags) => {
  const only = { type: "tag", values: tags };
  const result = await axe.run(document, { runOnly: only, resultTypes: ["violations"] });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })) }));
}"""


def axe_source() -> str:
    """axe-core's script; skips the test where it is not installed (and says how to install it)."""
    if not AXE.is_file():
        pytest.skip(
            f"the accessibility tests need axe-core at {AXE} (npm ci at the repository's root, which "
            "`make test` runs through scripts/setup axe; without npm: apt-get install npm)"
        )
    return AXE.read_text(encoding="utf-8")


def axe_violations(tab, impacts: Sequence[str] = SERIOUS) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds in `tab` as it is now, of the given impacts."""
    if not tab.evaluate("typeof window.axe === 'object'"):
        tab.evaluate(axe_source() + "\n;undefined")
    return [v for v in tab.evaluate(RUN_AXE, WCAG21) if v["impact"] in impacts]


def axe_report(where: str, violations: list[dict]) -> str:
    """Violations as lines a reader can act on: each rule's id, impact and help, and where it failed."""
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}: {n['summary'].splitlines()[-1].strip()}" for n in v["nodes"][:4]]
        if len(v["nodes"]) > 4:
            lines.append(f"    … and {len(v['nodes']) - 4} more")
    return "\n".join(lines)
