"""The tour's matrix form and layer pictures: written for the examples whose graph groups into layers."""

import shutil

import pytest
from PIL import Image

from demos.cli.tour import _layer_files, _more_files
from demos.examples import catalog
from tests.support.cli import chainrule

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def _files(name: str, folder):
    example = catalog.get(name)
    folder.mkdir()
    _layer_files(example, example.build(), folder)
    return _more_files(folder)


def test_softmax_output_gets_its_matrix_form_and_layer_picture(tmp_path):
    assert _files("softmax-output", tmp_path / "s") == ["matrix.txt", "softmax-output-layers.png"]
    matrix = (tmp_path / "s" / "matrix.txt").read_text(encoding="utf-8")
    printed = chainrule("explain", "softmax-output", "--matrix")
    assert printed.returncode == 0 and matrix == printed.stdout  # what `explain --matrix` prints
    with Image.open(tmp_path / "s" / "softmax-output-layers.png") as image:
        image.verify()


def test_each_output_of_xor_gets_a_layer_picture(tmp_path):
    found = _files("xor-threshold", tmp_path / "x")
    assert found == ["matrix.txt"] + [f"xor-threshold-y_{c}-layers.png" for c in ("00", "01", "10", "11")]


def test_a_graph_without_layers_gets_no_matrix_files(tmp_path):
    for name in ("mul-gate", "chen-chain", "output-losses"):  # no units; a chain; only an output rule
        assert _files(name, tmp_path / name) == []
        assert not list((tmp_path / name).iterdir())
