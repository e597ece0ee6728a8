"""Fixtures the page's browser tests share: one headless Chromium per test module, and a clean tab."""

from __future__ import annotations

import pytest

from tests.support.browser import chromium


@pytest.fixture(scope="module")
def browser():
    with chromium(needs_dot=True) as launched:
        yield launched


@pytest.fixture
def tab(browser):
    """A fresh page that records every request and script error; none but file:// may happen."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    requests, errors = [], []
    tab.on("request", lambda request: requests.append(request.url))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()
    assert errors == []
    assert requests and all(url.startswith("file://") for url in requests), requests
