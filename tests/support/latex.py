"""LaTeX output checked by the programs that read it: pdflatex (one run for many pieces), KaTeX and MathJax.

`compile_pieces` puts named pieces of LaTeX body text into one document under the preamble the output
guarantees and compiles it once; each error names the piece and the line of it. `math_of` finds the
math in a piece ($…$, $$…$$, \\[…\\]), which `katex` and `mathjax` read with node where the npm packages
are installed (package.json; `scripts/setup axe` runs npm ci).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

# What `--format latex` promises (docs/explanations.md): its text compiles under these two lines.
PREAMBLE = "\\documentclass{article}\n\\usepackage{amsmath}"

HERE = Path(__file__).resolve().parents[1] / "autograd"
PDFLATEX = shutil.which("pdflatex")
NO_PDFLATEX = "pdflatex is not installed (scripts/setup tex installs it; make test runs it)"


def compile_pieces(pieces: Sequence[tuple[str, str]], directory: Path) -> list[str]:
    """Compile `pieces` ((name, LaTeX body text)) as one document with one pdflatex run.

    Returns the errors, each as `name, line k of its output: message`, and any character a font lacks
    (pdflatex only warns of those: the text would silently lose it). Empty when it all compiled.
    """
    lines = [PREAMBLE, r"\begin{document}", r"\tracinglostchars=2"]  # a lost glyph is logged
    spans = []
    for name, body in pieces:
        start = len(lines) + 1
        lines += body.split("\n")
        spans.append((start, len(lines), name))
        lines += ["", r"\par", ""]
    lines.append(r"\end{document}")
    (directory / "all.tex").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-file-line-error", "all.tex"],
        cwd=directory,
        capture_output=True,
        timeout=300,
    )
    log = (directory / "all.log").read_bytes().decode("utf-8", "replace")
    errors = []
    for m in re.finditer(r"^\./all\.tex:(\d+): (.*(?:\n.*){0,2})", log, re.M):
        number = int(m[1])
        where = next(
            (
                f"{name}, line {number - start + 1} of its output"
                for start, end, name in spans
                if start <= number <= end
            ),
            f"line {number} of the document",
        )
        errors.append(f"{where}: {' '.join(m[2].split())}")
    errors += sorted(set(re.findall(r"^Missing character: .*$", log, re.M)))
    if run.returncode and not errors:
        errors.append(f"pdflatex exited {run.returncode}: {log[-2000:]}")
    return errors


def latin(body: str) -> bool:
    """Whether `body` holds no character but ASCII and Latin letters (é, ß, ø: pdflatex's fonts have them)."""
    return all(ch.isascii() or "\u00c0" <= ch <= "\u017f" for ch in body)


def math_of(body: str) -> list[str]:
    """The math of LaTeX body text: what is between $…$, $$…$$ and \\[…\\] (an escaped \\$ is text, a
    comment is left out)."""
    found, current, closing, k = [], None, None, 0
    while k < len(body):
        two = body[k : k + 2]
        if current is None:
            if two in ("$$", r"\["):
                current, closing, k = [], "$$" if two == "$$" else r"\]", k + 2
            elif body[k] == "$":
                current, closing, k = [], "$", k + 1
            elif body[k] == "%":  # a comment, to the end of the line
                k = body.find("\n", k) % (len(body) + 1) + 1
            else:
                k += 2 if body[k] == "\\" else 1
            continue
        if body.startswith(closing, k):
            found.append("".join(current))
            current, k = None, k + len(closing)
        elif body[k] == "\\":
            current.append(two)
            k += 2
        else:
            current.append(body[k])
            k += 1
    assert current is None, f"math left open: {body[-200:]}"
    return found


def _node_with(module: str) -> str | None:
    node = shutil.which("node")
    if node is None:
        return None
    found = subprocess.run(
        [node, "-e", f"require.resolve('{module}')"], capture_output=True, cwd=HERE.parents[1]
    )
    return node if found.returncode == 0 else None


NODE_KATEX = _node_with("katex")
NODE_MATHJAX = _node_with("mathjax-full/js/mathjax.js")
NO_KATEX = "node cannot find katex (npm ci installs it from package.json; or set NODE_PATH)"
NO_MATHJAX = "node cannot find mathjax-full (npm ci installs it from package.json; or set NODE_PATH)"


def _read(node: str, script: str, items: list[str]) -> list[dict]:
    run = subprocess.run(
        [node, str(HERE / script)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=HERE.parents[1],
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def katex(items: list[str]) -> list[dict]:
    """KaTeX's reading of each TeX string (display math, strict): {ok, error?}."""
    return _read(NODE_KATEX, "katex_check.js", items)


def mathjax(items: list[str]) -> list[dict]:
    """MathJax's reading of each TeX string (base and ams packages): {ok, mml?, error?}."""
    return _read(NODE_MATHJAX, "mathjax_check.js", items)
