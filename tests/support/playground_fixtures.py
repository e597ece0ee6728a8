"""The fixtures the playground's browser tests share: one headless Chromium per test module (tests/support/
browser.py's `chromium`, as every browser test launches it) and a clean tab that may load only files.

A test module takes them as a plugin, `pytest_plugins = ("tests.support.playground_fixtures",)`, and
imports nothing from here (so that pytest rewrites the asserts of the tab's checks).
"""

from __future__ import annotations

import pytest

from .browser import chromium

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def tab(browser):
    """A fresh tab where every request is routed: anything but file: and data: fails the test, as does
    a script error."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    requests, refused, errors = [], [], []

    def route(r):
        requests.append(r.request.url)
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    tab.route("**/*", route)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()
    assert errors == []
    assert refused == []
    assert requests and all(url.startswith("file:") for url in requests), requests
