"""The one HTML shell of chainrule's self-contained pages: the stepping page and nn's playground.

A page is one file: its styles, data and scripts inline, and a Content Security Policy that forbids every
network request and every script but the page's own (a nonce), so that a label that reads like markup
can never run. Its script is the arithmetic (the rule table, the trace's interpreter, the numbers;
global) and then the page's own files in one strict scope, after the shared `fragment.js` (the state in
the URL fragment).
"""

from __future__ import annotations

import html
import json
import secrets
from collections.abc import Sequence
from importlib import resources

from ..notation import rules_js


def document(
    *,
    title: str,
    style: str,
    body: str,
    data_id: str,
    data: object,
    scripts: Sequence[str],
    body_class: str | None = None,
) -> str:
    """A self-contained page: `title` (plain text, escaped here), `style` (CSS), `body` (HTML, the
    caller's, up to the scripts), `data` as JSON in a script element of id `data_id`, and `scripts`
    (JavaScript sources) joined inside one strict scope after the arithmetic and fragment.js.

    Raises ValueError for data that JSON cannot hold (a NaN or an infinity).
    """
    return _resource("shell.html").format(
        nonce=secrets.token_urlsafe(16),
        title=html.escape(title),
        style=style,
        body_class=f' class="{html.escape(body_class)}"' if body_class else "",
        body=body,
        data_id=data_id,
        data=json_for_script(data),
        script=script(scripts),
    )


def arithmetic() -> tuple[str, ...]:
    """The scripts that compute, global and in this order: the rule table (RULES), the trace's
    interpreter (Program, program.js) and the page's numbers and captions (pageCompute, compute.js)."""
    return rules_js(), _resource("program.js"), _resource("compute.js")


def script(parts: Sequence[str]) -> str:
    """A page's whole script: the arithmetic (global), then fragment.js and `parts` in one strict scope."""
    inside = "\n".join((_resource("fragment.js"), *parts))
    return "\n".join((*arithmetic(), f'(function () {{\n"use strict";\n{inside}}})();'))


def json_for_script(data: object) -> str:
    """`data` as JSON to sit inside <script type="application/json">: "</script>" or "<!--" in a label
    would end the block early, so <, > and & are escaped (\\u003c reads the same, and the HTML parser
    sees no tag)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _resource(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
