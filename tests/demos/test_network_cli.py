"""`chainrule render NAME --view network`: the slides' neuron-level drawing of every network example."""

import shutil

import pytest

from demos.cli import main

NETWORKS = ["chen-2-2-2", "bishop-2-2-2", "tanh-linear", "delta-rule", "three-layer", "softmax-output"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name", NETWORKS)
def test_every_network_example_draws_its_network(tmp_path, capsys, name):
    assert main(["render", name, "--view", "network", "-o", str(tmp_path / f"{name}.svg")]) == 0
    svg = (tmp_path / f"{name}.svg").read_text()
    assert svg.count("<ellipse") >= 5  # inputs and units are circles


def test_a_graph_without_units_is_a_usage_error(tmp_path, capsys):
    assert main(["render", "mul-gate", "--view", "network", "-o", str(tmp_path)]) == 2
    assert "view='network' needs units" in capsys.readouterr().err
