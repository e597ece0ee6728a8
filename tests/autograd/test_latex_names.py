"""People's names (and labels) as LaTeX running text: `text_mode` writes a Latin letter with its accents
as text-mode commands (ş as \\c{s}, ị as \\d{i}, ễ as \\~{\\^{e}}), which pdflatex typesets under the
preamble the output promises (OT1) and under T1 (the decks and worksheets); a script the installed
fonts lack (Cyrillic, CJK, Arabic) as code points that a line may break between."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd.text.latex import PREAMBLE, math_symbol, math_text, text_letter, text_mode
from tests.support import latex as check

T1 = PREAMBLE + "\n" + r"\usepackage[T1]{fontenc}" + "\n" + r"\usepackage{lmodern}"
NAMES = {
    "Vietnamese": "Nguyễn Thị Ánh Phạm Hồng Ngọc",
    "Turkish": "Ayşe Yılmaz Çağrı Öztürk",
    "Polish": "Łukasz Wąsowski Zażółć Gęślą",
    "Serbian": "Đorđe Petrović Šćepan",
    "Hungarian and Czech": "Gőz Erdős Dvořák Řehoř Ůlehla",
    "Nordic and German": "Øster Ærø Straße Þór Ðoð Ŋaal Œuvre",
    "Romanian": "Şerban Țurcanu Ștefan",
    "Greek": "Όμηρος Οδυσσέας",
    "Cyrillic": "Юлия Александровна Петрова-Водкина Константинопольская Владимировна",
    "CJK": "王小明 山田太郎",
    "Arabic": "محمد بن عبد الله",
}
# Names whose every letter T1 has as one glyph: the PDF's text is the name, exactly (not ą, ị: accent
# and letter apart; not Đ: T1's glyph for it is Ð's)
T1_GLYPHS = [
    "Ayşe Yılmaz Çağrı Öztürk",
    "Gőz Erdős Dvořák Řehoř Ůlehla",
    "Łukasz Żółć Øster Straße Ærø Œuvre",
]

needs_tex = pytest.mark.skipif(
    check.PDFLATEX is None or shutil.which("pdftotext") is None, reason=check.NO_PDFLATEX
)


def _compile(preamble: str, body: str, directory: Path) -> tuple[str, str]:
    """(the log, the PDF's text) of `body` compiled under `preamble` with one pdflatex run."""
    source = f"{preamble}\n\\begin{{document}}\\tracinglostchars=2\n{body}\n\\end{{document}}\n"
    (directory / "doc.tex").write_text(source, encoding="utf-8")
    subprocess.run(
        [check.PDFLATEX, "-interaction=nonstopmode", "doc.tex"],
        cwd=directory,
        capture_output=True,
        timeout=120,
    )
    log = (directory / "doc.log").read_text(encoding="utf-8", errors="replace")
    pdf = directory / "doc.pdf"
    text = (
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        if pdf.exists()
        else ""
    )
    return log, text


def _problems(log: str) -> list[str]:
    errors = re.findall(r"^! .*$", log, re.M) + re.findall(r"^Missing character: .*$", log, re.M)
    wide = [w for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log) if float(w) > 1.0]
    return errors + [f"a line {w} pt too wide" for w in wide]


@pytest.mark.parametrize(
    "letter, tex",
    [
        ("ş", r"\c{s}"), ("ị", r"\d{i}"), ("ễ", r"\~{\^{e}}"), ("ệ", r"\d{\^{e}}"), ("í", r"\'{\i}"),
        ("ő", r"\H{o}"), ("ě", r"\v{e}"), ("ğ", r"\u{g}"), ("ā", r"\={a}"), ("ů", r"\r{u}"), ("ż", r"\.{z}"),
        ("ö", r"\"{o}"), ("ñ", r"\~{n}"), ("â", r"\^{a}"), ("ș", r"\textcommabelow{s}"),
        ("ą", r"\UseTextAccent{T1}{\k}{a}"), ("ł", r"\l{}"), ("Ł", r"\L{}"), ("ø", r"\o{}"), ("ß", r"\ss{}"),
        ("æ", r"\ae{}"), ("œ", r"\oe{}"), ("Đ", r"\UseTextSymbol{T1}{\DJ}"),
        ("đ", r"\UseTextSymbol{T1}{\dj}"), ("ǿ", r"\'{\o{}}"),
    ],
)  # fmt: skip
def test_a_latin_letter_is_its_accent_commands_nested(letter, tex):
    assert text_mode(letter) == tex


def test_what_is_not_a_latin_letter_is_no_text_letter():
    for cluster in ("ж", "中", "α", "1", "x\u20d7", "}\u0307"):  # a vector arrow has no text accent
        assert text_letter(cluster) is None or cluster == "1"


def test_omicron_is_the_letter_o_not_the_scandinavian_o():
    """Greek names printed ο as ∅: _GREEK mapped it to \\o, which is ø."""
    assert math_text("ο") == "o" and math_symbol("ο1") == "o_{1}"
    assert r"\o" not in text_mode("Όμηρος Οδυσσέας")


def test_a_mark_over_a_tex_special_and_a_decomposed_symbol_stay_markup_safe():
    assert math_text("a ≠ b") == r"a \ne  b"  # ≠ is = and a combining slash in NFD
    assert math_symbol("}\u0307x") == r"\mathrm{\}\langle\text{U+0307}\rangle x}"  # was \dot{}}: unbalanced


@needs_tex
@pytest.mark.parametrize(
    "preamble", [PREAMBLE, T1], ids=["OT1 (the promised preamble)", "T1 (decks, sheets)"]
)
def test_a_name_per_script_compiles_and_a_run_of_code_points_wraps(preamble):
    body = "\n\n".join(rf"\parbox{{60mm}}{{{text_mode(name)}}}" for name in NAMES.values())
    with tempfile.TemporaryDirectory() as folder:
        log, text = _compile(preamble, body, Path(folder))
    assert _problems(log) == []
    assert "U+042E" in text and "U+738B" in text and "U+0645" in text  # what the fonts lack, as code points
    assert "ø" not in text.split("Όμηρος")[0][-40:]


@needs_tex
def test_a_name_t1_has_the_letters_of_reads_back_exactly():
    body = "\n\n".join(text_mode(name) for name in T1_GLYPHS)
    with tempfile.TemporaryDirectory() as folder:
        log, text = _compile(T1, body, Path(folder))
    assert _problems(log) == []
    assert [name for name in T1_GLYPHS if name not in text] == []


latin_text = st.text(
    st.one_of(
        st.sampled_from(list("aeiouszcnAEIOUSZCN ąęłøßđĐŁØæœıȷ{}%$&#_^~\\<>|")),
        st.sampled_from([chr(c) for c in range(0x300, 0x332)]),  # combining marks, with a command or not
        st.characters(min_codepoint=0xC0, max_codepoint=0x24F),
        st.characters(min_codepoint=0x1E00, max_codepoint=0x1EFF),
    ),
    min_size=1,
    max_size=12,
)


@needs_tex
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(latin_text, min_size=10, max_size=20))
def test_any_latin_letters_and_marks_compile_under_ot1_and_t1(names):
    body = "\n\n".join(text_mode(name) for name in names)
    assert check.latin(body)  # a letter as a command, or one inputenc reads in OT1 and T1 (Ĳ)
    for preamble in (PREAMBLE, T1):
        with tempfile.TemporaryDirectory() as folder:
            log, _ = _compile(preamble, body, Path(folder))
        assert [p for p in _problems(log) if "too wide" not in p] == [], (preamble, names)
