"""Reading the interactive page in a browser: what each node shows, and a link opened afresh."""

from __future__ import annotations

# The DOM's own record of what each node shows: the texts after the "value" and "grad" keys.
SHOWN = """() => {
  const shown = {};
  for (const group of document.querySelectorAll('.graph-pane:not([hidden]) g.node')) {
    const texts = Array.from(group.querySelectorAll('text'));
    const entry = {};
    texts.forEach((t, i) => {
      if (t.textContent === 'value') entry.value = texts[i + 1].textContent;
      if (t.textContent === 'grad') entry.grad = texts[i + 1].textContent;
    });
    shown[group.dataset.node] = entry;
  }
  return shown;
}"""


def reopen(browser, url):
    """The URL in a fresh tab (no history, no page state): what a student who follows the link sees."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    fresh = context.new_page()
    errors = []
    fresh.on("pageerror", lambda error: errors.append(str(error)))
    fresh.goto(url)
    return context, fresh, errors
