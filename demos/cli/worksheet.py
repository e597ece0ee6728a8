"""`chainrule worksheet` and `chainrule grade`: a sheet of numbers per student, and their marks.

`chainrule worksheet NAME|FILE|--expr … (--students roster.csv | --count N) --seed S -o DIR` writes into
DIR (new or empty; one that holds worksheets only with --replace): `sheets/ID.pdf` and `keys/ID.pdf` per
student, `key.json` (what `grade` reads) and `key.csv`, `moodle.xml` (one Cloze question per variant, for
Moodle's import), and `example.toml` when the example came from a file. `chainrule grade DIR answers.csv
[-o REPORT]` marks every student's answers node by node (with error carried forward), names the lab's
mistake behind each wrong answer it can, and prints the class summary; with -o it writes the marks, the
summary and its chart there. Nothing in DIR is changed by `grade`.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from autograd import Value
from autograd.files import write_atomic
from demos.examples import catalog
from demos.examples.user import from_expression, from_file

from .arguments import UsageError, integer, positive_int
from .choose import add_example_arguments, example_from_args, settings
from .output import check_folder, make_folder, replace_folder

if TYPE_CHECKING:
    from autograd.exercises import Worksheets

MAX_STUDENTS = 500  # a sheet each: past this, split the class
ID = re.compile(r"[^A-Za-z0-9._-]")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `worksheet` and `grade` on the `chainrule` parser."""
    p = subparsers.add_parser("worksheet", help="a sheet with its own numbers per student, keys, Moodle XML")
    add_example_arguments(p)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--students", type=Path, metavar="CSV", help="a roster: a CSV with columns id,name")
    who.add_argument(
        "--count", type=positive_int, metavar="N", help="N students, ids s1 … sN (s01 … s30 for 30)"
    )
    p.add_argument(
        "--seed",
        type=integer,
        required=True,
        metavar="S",
        help="the class's seed: the same seed, the same numbers",
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder to (re)create")
    p.add_argument(
        "--range", dest="ranges", nargs="+", action="extend", default=[], metavar="LABEL=LOW:HIGH",
        help="where a leaf's numbers are drawn: w1=-1:1, 'w*=0.1:0.9' (decimals as written, 1 or 2)",
    )  # fmt: skip
    p.add_argument(
        "--ask", nargs="+", action="extend", metavar="LABEL",
        help="the boxes asked (labels, * and ? allowed; default: every labelled box; '*': every box)",
    )  # fmt: skip
    p.add_argument(
        "--output-index", type=integer, default=0, metavar="K",
        help="which output of an example that works several side by side (default 0)",
    )  # fmt: skip
    p.add_argument(
        "--replace", action="store_true", help="draw again into a folder that holds worksheets (key.json)"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run_worksheet)

    p = subparsers.add_parser("grade", help="mark a class's answers node by node, naming each misconception")
    p.add_argument("folder", type=Path, metavar="DIR", help="a folder `chainrule worksheet` wrote")
    p.add_argument(
        "answers", type=Path, metavar="CSV", help="the answers: a CSV with columns student,blank,answer"
    )
    p.add_argument(
        "-o", "--output", type=Path, metavar="REPORT", help="write marks.csv, summary.md, summary.png here"
    )
    p.set_defaults(run=run_grade)


def run_worksheet(args: argparse.Namespace) -> int:
    """Draw the variants, then write every file of DIR aside and swap the folder in."""
    from autograd import exercises  # loaded by these two commands only: every command's start stays quick

    example = example_from_args(args)
    source = _source(args)
    source_file = Path(args.name) if "file" in source else None
    graph = example.build()
    if not 0 <= args.output_index < len(graph.outputs):
        raise UsageError(
            f"--output-index {args.output_index}: {example.name} has {len(graph.outputs)} output(s)"
        )
    root = graph.outputs[args.output_index]
    source["output"] = args.output_index
    students = (
        _roster(args.students)
        if args.students
        else [(f"s{k:0{len(str(args.count))}d}", "") for k in range(1, args.count + 1)]
    )
    if len(students) > MAX_STUDENTS:
        raise UsageError(f"{len(students)} students: at most {MAX_STUDENTS} per run (split the class)")
    _keep_handed_out(args.output, args.replace)
    bar = tqdm(  # shown after a second: a refusal of the arguments comes first, alone on its line
        total=len(students), desc="drawing", unit="student", disable=args.no_progress, file=sys.stderr,
        delay=1,
    )  # fmt: skip
    try:
        rules = [exercises.parse_range(text) for text in args.ranges]
        ranges = exercises.ranges_for(exercises.drawn_leaves(root, [pattern for pattern, _ in rules]), rules)
        worksheets = exercises.make_worksheets(
            example.title, root, students, args.seed, ranges, upstream=graph.upstream, ask=args.ask,
            progress=bar.update,
        )  # fmt: skip
    except exercises.CannotDraw:  # a failure of the work (exit 1): the message says to set ranges
        raise
    except ValueError as error:
        raise UsageError(str(error)) from None
    finally:
        bar.close()

    def build(folder: Path) -> None:
        if source_file is not None:  # grading builds the example again from the file as it is now
            write_atomic(folder / "example.toml", source_file.read_bytes())
        write_atomic(folder / "key.json", exercises.key_json(worksheets, source, args.ask))
        write_atomic(folder / "key.csv", exercises.key_csv(worksheets))
        write_atomic(folder / "moodle.xml", exercises.moodle_xml(worksheets))
        _write_sheets(worksheets, folder, args.no_progress)

    replace_folder(args.output, build)
    blanks = len(worksheets.sheets[0].blanks)
    print(f"{len(students)} worksheets of {example.name} ({_count(blanks, 'blank')} each) in {args.output}/")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _keep_handed_out(folder: Path, replace: bool) -> None:
    """Refuse to replace worksheets that may have been handed out: their key is what grading needs."""
    key = folder / "key.json"
    if key.is_file() and not replace:
        raise UsageError(
            f"{str(folder)!r} holds worksheets already (key.json): once they are handed out, their key "
            "is what grading needs; give another folder, or --replace to draw them again"
        )


def _write_sheets(worksheets: Worksheets, folder: Path, quiet: bool) -> None:
    """sheets/ID.pdf and keys/ID.pdf for every student, two pdflatex runs at a time."""
    from autograd import exercises  # loaded by these two commands only: every command's start stays quick

    for sub in ("sheets", "keys"):
        make_folder(folder / sub, mark=False)
    names = _file_names([s.student for s in worksheets.sheets])
    jobs = [(s, key) for s in worksheets.sheets for key in (False, True)]
    bar = tqdm(total=len(jobs), desc="sheets", unit="pdf", disable=quiet, file=sys.stderr)

    def one(job) -> None:
        sheet, key = job
        exercises.write_sheet(
            worksheets, sheet, folder / ("keys" if key else "sheets") / f"{names[sheet.student]}.pdf", key=key
        )
        bar.update()

    with ThreadPoolExecutor(max_workers=2) as pool:  # pdflatex and dot are processes: two run at once
        list(pool.map(one, jobs))
    bar.close()


def _file_names(ids: list[str]) -> dict[str, str]:
    """A file name per student id: the id with anything but letters, digits, . _ - made _, told apart."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for student in ids:
        stem = ID.sub("_", student).lstrip(".") or "student"
        name, k = stem, 2
        while name.lower() in taken:
            name, k = f"{stem}-{k}", k + 1
        taken.add(name.lower())
        names[student] = name
    return names


def _source(args: argparse.Namespace) -> dict[str, Any]:
    """How to build the example again when grading: its name, its file (copied into DIR) or its expression."""
    if args.expr is not None:
        return {"expr": args.expr, "set": settings(args.set)}
    if args.name in catalog.EXAMPLES:
        return {"example": args.name}
    return {"file": "example.toml"}


def _root_again(folder: Path, source: dict[str, Any]) -> Value:
    """The graph a key's `source` records, built again: a built-in example, DIR/example.toml, or an
    expression with its values; the output it names."""
    if "example" in source:
        example = catalog.get(str(source["example"]))
    elif "file" in source:
        example = from_file(folder / "example.toml")
    elif "expr" in source:
        example = from_expression(str(source["expr"]), {str(k): float(v) for k, v in source["set"].items()})
    else:
        raise UsageError(f"{folder / 'key.json'}: its source names no example")
    outputs = example.build().outputs
    k = source.get("output", 0)
    if not (isinstance(k, int) and 0 <= k < len(outputs)):
        raise UsageError(
            f"{folder / 'key.json'}: its source names output {k!r}; the example has {len(outputs)}"
        )
    return outputs[k]


def _roster(path: Path) -> list[tuple[str, str]]:
    """(id, name) per row of a roster CSV with an `id` column (and optionally `name`), any case, separated
    by commas, semicolons or tabs (as a spreadsheet saves it)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"cannot read the roster {str(path)!r}: not UTF-8 (save it as CSV UTF-8)") from None
    except OSError as error:
        raise UsageError(f"cannot read the roster {str(path)!r}: {error.strerror}") from None
    first = text.partition("\n")[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    if "id" not in header:
        found = ", ".join(repr(h) for h in header if h) or "none"
        raise UsageError(
            f"the roster {str(path)!r} needs a header row with an 'id' column (and 'name'); "
            f"its columns: {found}"
        )
    at, name_at = header.index("id"), header.index("name") if "name" in header else None
    students = []
    for line, row in enumerate(reader, 2):
        if not any(cell.strip() for cell in row):
            continue
        student = row[at].strip() if at < len(row) else ""
        if not student:
            raise UsageError(f"{path}, row {line}: no id")
        name = row[name_at].strip() if name_at is not None and name_at < len(row) else ""
        students.append((student, name))
    if not students:
        raise UsageError(f"the roster {str(path)!r} has a header but no students")
    return students


def run_grade(args: argparse.Namespace) -> int:
    """Read the key, rebuild the example, mark every student's answers, print the class summary.

    Every student of the key is marked (no rows: every blank empty). Answers that give no usable row
    at all fail (exit 1) with the reasons, and no report is written."""
    from autograd import exercises  # loaded by these two commands only: every command's start stays quick

    key = args.folder / "key.json"
    text = _read(key, "the key", "is this a folder `chainrule worksheet` wrote?")
    answers_text = _read(args.answers, "the answers", "save them as CSV UTF-8")
    if args.output is not None:
        check_folder(args.output)
        if (args.output / "key.json").exists() or args.output.resolve() == args.folder.resolve():
            raise UsageError(f"-o {args.output}: a worksheet folder; write the report to a folder of its own")
    worksheets = exercises.read_key(text, lambda source: _root_again(args.folder, source))
    given, bad = exercises.read_answers(answers_text, worksheets.sheets)
    for line in _collapsed(bad):
        print(f"chainrule grade: {args.answers}: {line}", file=sys.stderr)
    if not given:
        raise ValueError(f"{args.answers}: no answer could be read, so nothing was marked (see above)")
    marks = {
        s.student: exercises.grade(s, given.get(s.student, {}), worksheets.tolerance)
        for s in worksheets.sheets
    }
    summary = exercises.ClassSummary(marks, worksheets.sheets)
    print(summary.markdown())
    if args.output:
        folder = make_folder(args.output)
        write_atomic(folder / "marks.csv", summary.marks_csv())
        write_atomic(folder / "summary.md", summary.markdown())
        write_atomic(folder / "summary.csv", summary.csv())
        summary.chart(folder / "summary.png")
    return 0


def _read(path: Path, what: str, hint: str) -> str:
    """A text file as UTF-8 (a byte-order mark dropped); UsageError naming it and `what` it should be."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {what} {str(path)!r}: not UTF-8 text ({hint})") from None
    except OSError as error:
        raise UsageError(f"cannot read {what} {str(path)!r}: {error.strerror} ({hint})") from None


def _collapsed(lines: list[str]) -> list[str]:
    """Bad rows' lines, the rows of one reason in one line: `rows 12–40 (29 rows): unknown student 's9'`."""
    rows: dict[str, list[str]] = {}
    for line in lines:
        where, sep, reason = line.partition(": ")
        rows.setdefault(reason if sep and where.startswith("row ") else line, []).append(where)
    out = []
    for reason, wheres in rows.items():
        if len(wheres) == 1:
            out.append(f"{wheres[0]}: {reason}" if wheres[0] != reason else reason)
        else:
            numbers = [w.removeprefix("row ") for w in wheres]
            out.append(f"rows {numbers[0]}–{numbers[-1]} ({len(wheres)} rows): {reason}")
    return out
