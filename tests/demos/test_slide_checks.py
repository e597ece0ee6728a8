"""The slide checks: which stated numbers agree, which do not, and why."""

import pytest

from demos.examples.catalog import EXAMPLES, UnknownExample, get
from demos.examples.example import agrees_at_precision
from demos.examples.report import check_report

# The errata, found by redoing the slides' arithmetic (see each reason): quantity -> words its reason has.
ERRATA = {
    "chen-2-2-2": {"MSE (f)": "drops"},
    "bishop-2-2-2": {
        "E = ‖h − y‖²": "input x",
        "δ⁽²⁾_1 = ∂E/∂a2_1": "canonical-output",
        "δ⁽²⁾_2 = ∂E/∂a2_2": "canonical-output",
        "δ⁽¹⁾_1 = ∂E/∂a1_1": "canonical",
        "δ⁽¹⁾_2 = ∂E/∂a1_2": "arithmetic slip",
        "∂E/∂W2_11": "canonical",
        "∂E/∂W2_12": "canonical",
        "∂E/∂W2_21": "100 times too large",
        "∂E/∂W2_22": "unrounded",
        "∂E/∂W1_11": "rounded",
        "∂E/∂W1_12": "mistyped as 0.01",
        "∂E/∂W1_21": "rounded",
        "∂E/∂W1_22": "mistyped as 0.01",
    },
    "softmax-ce": {"L": "base 10"},
    "activations": {"relu′(0)": "PyTorch", "leaky_relu′(0)": "PyTorch"},
    "hinge": {"L_3": "drops the margin"},
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_exactly_the_known_errata_disagree_and_each_says_why(name):
    example = EXAMPLES[name]
    checks = example.checks(example.build())
    disagreeing = {c.quantity: c.note for c in checks if not c.agrees}
    assert set(disagreeing) == set(ERRATA.get(name, {}))
    for quantity, words in ERRATA.get(name, {}).items():
        assert words in disagreeing[quantity], quantity


CONVENTIONS = {"activations": {"relu′(0)", "leaky_relu′(0)"}}  # at a kink: a choice, not an error


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_conventions_are_told_apart_from_errata(name):
    example = EXAMPLES[name]
    findings = {c.quantity: c.finding for c in example.checks(example.build()) if not c.agrees}
    assert {q for q, f in findings.items() if f == "convention"} == CONVENTIONS.get(name, set())
    assert {q for q, f in findings.items() if f == "erratum"} == set(ERRATA.get(name, {})) - CONVENTIONS.get(
        name, set()
    )


def test_the_report_counts_errata_and_conventions_apart():
    results = [(x, x.checks(x.build())) for x in EXAMPLES.values()]
    summary = check_report(results).splitlines()[-1]
    assert summary.endswith(", 16 slide errata, 2 conventions"), summary
    activations = check_report([r for r in results if r[0].name == "activations"])
    assert activations.splitlines()[-1].endswith(", 0 slide errata, 2 conventions")
    assert "✗" not in activations and "wrong claim" not in activations
    markdown = check_report(results, markdown=True)
    assert (
        "16 slide errata, 2 conventions" in markdown
        and "| ○ | relu′(0) | 1 |" in markdown
        and "| | quantity | stated | computed | note |" in markdown
    )


def test_the_tour_index_marks_conventions_apart_from_errata():
    from collections import Counter

    from demos.cli.tour import _status

    conventions = _status(Counter({"agrees": 40, "convention": 2}))
    assert "errat" not in conventions.replace("no errata", "") and 'class="bad"' not in conventions
    assert "2 conventions" in conventions
    assert '<span class="bad">3 slide errata</span>' in _status(Counter({"erratum": 3, "convention": 1}))
    assert "wrong claim" in _status(Counter({"wrong claim": 1})) and "every stated number agrees" in _status(
        Counter({"agrees": 5})
    )


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_erratum_belongs_to_a_disagreement_and_reproduces_the_slide(name):
    example = EXAMPLES[name]
    graph = example.build()
    for claim in example.claims:
        computed = claim.compute(graph)
        if claim.erratum is None:
            assert agrees_at_precision(claim.slide, computed), claim.quantity
            continue
        assert not agrees_at_precision(claim.slide, computed), f"{claim.quantity}: erratum but agrees"
        if claim.erratum.reproduce is not None:  # the slide's arithmetic, redone, gives the slide's number
            assert agrees_at_precision(claim.slide, claim.erratum.reproduce(graph)), claim.quantity


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_formula_of_the_slides_matches_the_engine(name):
    example = EXAMPLES[name]
    graph = example.build()
    for check in example.checks(graph)[len(example.claims) :]:
        assert check.agrees, (check.quantity, check.note)


def test_the_stated_numbers_of_examples_md_are_all_checked():
    stated = {name: {c.slide for c in EXAMPLES[name].claims} for name in EXAMPLES}
    assert stated["chen-2-2-2"] == {"0.593", "0.597", "0.751", "0.773", "0.275"}
    assert stated["chen-losses"] == {"0.02", "1.08198", "1.0702"}
    assert {"0.39", "0.38", "0.60", "0.59", "1.11", "1.22", "0.75", "0.77", "0.79"} <= stated["bishop-2-2-2"]
    assert {"0.74", "-0.22", "0.05", "0.03", "0.44", "-13.2", "-12.8"} <= stated["bishop-2-2-2"]
    assert {"2.5e-3", "5e-4", "1.5e-3", "3e-4"} <= stated["bishop-2-2-2"]
    assert stated["mul-gate"] == {"6", "15", "10"}
    assert stated["softmax-ce"] == {"24.5", "164.0", "0.18", "0.13", "0.87", "0.00", "0.89"}
    assert stated["hinge"] == {"2.9", "0", "10.9"}
    assert stated["numerical-gradient"] == {"-2.5"}
    assert stated["linear-regression"] == {"-2.0", "-7.84", "-16.2288", "4.919240100095999"}
    assert stated["activations"] == {"1"}


def test_slide_typos_are_listed_in_the_report():
    results = [
        (EXAMPLES[n], EXAMPLES[n].checks(EXAMPLES[n].build()))
        for n in ("bishop-2-2-2", "tanh-linear", "three-layer")
    ]
    text = check_report(results)
    assert "e^(−a⁽¹⁾)" in text and "Logistic hidden" in text and "z_i^(k)" in text and "b_46" in text
    markdown = check_report(results, markdown=True)
    assert "Slide typos" in markdown and "- the slides call the hidden units 'Logistic hidden" in markdown


@pytest.mark.parametrize(
    ("printed", "computed", "agrees"),
    [
        ("0.593", 0.59327, True),
        ("0.593", 0.5935, True),  # a tie rounds either way
        ("0.593", 0.59351, False),
        ("0.275", 0.298371, False),
        ("0.00", 0.000968, True),
        ("164.0", 164.0219, True),
        ("2.5e-3", 0.0027, False),
        ("5e-4", 0.00054, True),
        ("-0.22", -0.2171, True),
        ("10.9", 12.9, False),
        ("4.919240100095999", 4.919240100095999, True),
    ],
)
def test_agreement_is_equality_at_the_printed_precision(printed, computed, agrees):
    assert agrees_at_precision(printed, computed) is agrees


def test_unknown_example_names_the_choices():
    with pytest.raises(
        UnknownExample, match="unknown example 'nope'; choose one of: chen-2-2-2, chen-losses"
    ):
        get("nope")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_parameters_are_labelled_leaves(name):
    graph = EXAMPLES[name].build()
    for label in EXAMPLES[name].parameters:
        assert graph[label].op is None, label
