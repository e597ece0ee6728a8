"""The training playground in a browser: the page opened with settings (the fixtures `browser` and
`tab` are tests/support/playground_fixtures.py's)."""

from __future__ import annotations

from pathlib import Path

from nn.playground import playground


def open_page(tab, folder: Path, fragment: str = "", **settings) -> Path:
    """The page written with `settings` into `folder`, opened in `tab` at `fragment` ("#hidden=8,8")."""
    path = playground(folder / "playground.html", **settings)
    tab.goto(path.as_uri() + fragment)
    return path
