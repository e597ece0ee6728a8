"""The documentation (README.md and docs/*.md) as a reader meets it.

- Every ```python block is marked, on the line before its fence, either `<!-- runnable -->` or
  `<!-- fragment -->` (a call shown, not a program). The runnable blocks of a page run in order, in one
  scope (a later block uses the graph an earlier one built), with a temporary folder as the working
  directory; a line `... # prints: TEXT` says what the block prints, and it must print exactly that.
- Every `>>>` line of a console block raises the error the line below it says, with that message.
- Every relative link points to a file that exists, and a `#anchor` to a heading of that file, as both
  GitHub and MkDocs name headings (so the link works in the repository and on the site).
- The README stays short, every page is in the site's navigation, and the site builds with `--strict`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
RUNNABLE = "<!-- runnable -->"
FRAGMENT = "<!-- fragment -->"
README_MAX_LINES = 220


@dataclass(frozen=True)
class Block:
    """A fenced code block: its language (info string), the line its code starts on, its code, and the
    last non-blank line before its fence (where a marker stands)."""

    language: str
    line: int
    code: str
    before: str


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file, in order (fences of three or more backticks)."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    previous = ""
    i = 0
    while i < len(lines):
        opening = re.match(r"^(`{3,})\s*([\w-]*)", lines[i])
        if not opening:
            if lines[i].strip():
                previous = lines[i].strip()
            i += 1
            continue
        fence, language = opening.groups()
        end = i + 1
        while end < len(lines) and not lines[end].startswith(fence):
            end += 1
        found.append(Block(language, i + 2, "\n".join(lines[i + 1 : end]) + "\n", previous))
        previous = ""
        i = end + 1
    return found


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def python_blocks(path: Path) -> list[Block]:
    return [b for b in blocks(path) if b.language == "python"]


RUN_PAGES = [p for p in PAGES if any(b.before == RUNNABLE for b in python_blocks(p))]


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_every_python_block_says_whether_it_runs(path):
    unmarked = [b.line for b in python_blocks(path) if b.before not in (RUNNABLE, FRAGMENT)]
    assert not unmarked, f"{page_id(path)}: python blocks at lines {unmarked} need {RUNNABLE} or {FRAGMENT}"


@pytest.mark.parametrize("path", RUN_PAGES, ids=page_id)
def test_runnable_blocks_run_and_print_what_they_claim(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scope: dict = {"__name__": "__docs__"}
    for block in python_blocks(path):
        if block.before != RUNNABLE:
            continue
        # Line numbers in a traceback point into the Markdown file.
        code = "\n" * (block.line - 1) + block.code
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(code, str(path), "exec"), scope)
        claimed = [c.strip() for c in re.findall(r"# prints: (.*)", block.code)]
        if claimed:
            assert out.getvalue().strip().splitlines() == claimed, f"{page_id(path)}:{block.line}"


def console_examples(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, expression, error class name, message) for each `>>>` line of a plain code block."""
    found = []
    for block in blocks(path):
        lines = block.code.splitlines()
        for k, line in enumerate(lines[:-1]):
            if line.startswith(">>> "):
                name, _, message = lines[k + 1].partition(": ")
                found.append((block.line + k, line[4:], name, message))
    return found


CONSOLE = [(path, *example) for path in PAGES for example in console_examples(path)]


@pytest.mark.parametrize(
    ("path", "line", "expression", "error", "message"),
    CONSOLE,
    ids=[f"{page_id(c[0])}:{c[1]}" for c in CONSOLE],
)
def test_console_examples_raise_what_they_show(path, line, expression, error, message):
    import autograd

    try:
        eval(expression, vars(autograd).copy())
    except Exception as caught:  # the class is checked by name: the page shows its name
        assert (type(caught).__name__, str(caught)) == (error, message)
    else:
        pytest.fail(f"{page_id(path)}:{line}: {expression} raised nothing")


def github_slug(heading: str) -> str:
    """A heading's anchor as GitHub writes it: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower())
    return text.replace(" ", "-")


def mkdocs_slug(heading: str) -> str:
    """A heading's anchor as MkDocs (Python-Markdown's toc) writes it: ASCII only, runs of spaces and
    hyphens as one hyphen."""
    text = unicodedata.normalize("NFKD", heading.replace("`", "")).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(path: Path) -> set[str]:
    """The anchors both GitHub and MkDocs give the headings of a Markdown file."""
    text = path.read_text(encoding="utf-8")
    for block in blocks(path):  # a `# comment` inside a code block is no heading
        text = text.replace(block.code, "")
    headings = re.findall(r"^#{1,6} (.+?)\s*$", text, re.M)
    return {github_slug(h) for h in headings} & {mkdocs_slug(h) for h in headings}


def links(path: Path) -> list[str]:
    """The targets of a Markdown file's inline links, outside code blocks and code spans."""
    text = path.read_text(encoding="utf-8")
    for block in blocks(path):
        text = text.replace(block.code, "")
    text = re.sub(r"`[^`\n]*`", "", text)
    return re.findall(r"\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_relative_links_point_to_files_and_headings_that_exist(path):
    broken = []
    for target in links(path):
        if re.match(r"^[a-z]+:", target):
            continue  # an address on the web, not checked offline
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
            broken.append(f"{target}: no heading with that anchor")
    assert not broken, f"{page_id(path)}: {broken}"


def test_readme_stays_short():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail into docs/"


def _setup_text(path: Path) -> str:
    # the paragraph after the two commands: what they install, what skips, how long the suite takes
    text = path.read_text(encoding="utf-8")
    start = text.index("Each one creates `.venv`")
    return text[start : text.index("\n\n", start)].replace("docs/", "")


def test_the_readme_and_the_sites_home_say_the_same_about_setting_up():
    assert _setup_text(README) == _setup_text(DOCS / "index.md")


def test_every_page_is_in_the_sites_navigation():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [
        p.name for p in DOCS.glob("*.md") if not re.search(rf":\s*{re.escape(p.name)}\s*$", config, re.M)
    ]
    assert not missing, f"pages missing from mkdocs.yml's nav: {missing}"


@pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None, reason="mkdocs is not installed (pip install -e '.[docs]')"
)
def test_site_builds_strict(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "engine" / "index.html").exists()


@pytest.mark.parametrize("path", [README, DOCS / "matrix.md"], ids=page_id)
def test_the_matrix_form_shown_is_what_the_command_prints(path):
    # the page's first text block of matrices: softmax-output's backward pass, as `explain --matrix` prints it
    from autograd.explain import matrix_view
    from demos.examples import catalog

    example = catalog.get("softmax-output")
    printed = matrix_view(example.build().outputs[0], notation=example.notation, rule=example.output_rules[0])
    shown = next(b.code for b in blocks(path) if b.language == "text" and "⎡" in b.code)
    for equation in shown.strip().split("\n\n"):
        assert equation in printed, f"{page_id(path)}: not what `explain softmax-output --matrix` prints"
