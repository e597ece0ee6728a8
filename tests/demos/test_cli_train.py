"""`chainrule train` and `chainrule plot`, end to end in a subprocess: output, files, and one-line errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from demos.examples import training
from nn import MLP

SCRIPT = Path(sys.executable).parent / "chainrule"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "demos"]
PNG = b"\x89PNG\r\n\x1a\n"


def chainrule(*args, cwd=None):
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_train_xor_reports_and_explains_the_threshold(tmp_path):
    plot, model = tmp_path / "xor.png", tmp_path / "xor.json"
    r = chainrule("train", "xor", "--no-progress", "--plot", str(plot), "--save", str(model))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    out = r.stdout
    assert "MLP 2-3-1, sigmoid hidden units, sigmoid output" in out
    assert "train accuracy 100.0%" in out
    assert "the slides' weights give [0, 1, 1, 0]" in out and "every gradient is [0.0]" in out
    assert "Th′ = 0" in out
    assert plot.read_bytes().startswith(PNG)
    assert MLP.load(model)([1.0, 0.0])[0].data > 0.5


def test_train_options_change_the_run(tmp_path):
    r = chainrule("train", "circles", "--optimizer", "nesterov", "--lr", "0.05", "--epochs", "2",
                  "--batch-size", "full", "--hidden", "4", "--seed", "3", "--no-progress")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "MLP 2-4-1" in r.stdout
    assert "SGD(lr=0.05, momentum=0.9, nesterov=True)" in r.stdout
    assert "2 epochs, full batch, seed 3" in r.stdout
    assert "(2 steps," in r.stdout


def test_train_shows_progress_on_stderr():
    r = chainrule("train", "xor", "--epochs", "5")
    assert r.returncode == 0 and "step" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "mnist"], "invalid choice: 'mnist'"),
        (["train", "xor", "--lr", "-1"], "'-1' must be a finite positive number"),
        (["train", "xor", "--lr", "fast"], "'fast' is not a number"),
        (["train", "xor", "--epochs", "0"], "'0' must be a positive integer"),
        (["train", "xor", "--batch-size", "lots"], "'lots' is neither a positive integer nor 'full'"),
        (["train", "xor", "--batch-size", "0"], "'0' is neither a positive integer nor 'full'"),
        (["train", "moons", "--hidden", "100000"], "'100000': at most 16 hidden layers of at most 512 units"),
        (["train", "moons", "--hidden", ",".join(["4"] * 17)], "at most 16 hidden layers"),
        (
            ["train", "xor", "--plot", "m.png", "--save", "m.png"],
            "--plot and --save name the same file m.png",
        ),
        (
            ["train", "xor", "--limit", "3"],
            "the xor data (4 samples) is not split into a training and a test part, and trains on all",
        ),
        (["train", "xor", "--optimizer", "lbfgs"], "invalid choice: 'lbfgs'"),
        (["train", "xor", "--hidden", "4,x"], "not a comma-separated list of sizes"),
        (["train", "xor", "--colour", "red"], "unrecognized arguments: --colour red"),
        (["train", "xor", "--plot", "out.txt"], "use a .png, .svg or .pdf file name"),
        (["plot", "sunsets", "x.png"], "invalid choice: 'sunsets'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(tmp_path, args, message):
    r = chainrule(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_a_limit_too_small_to_split_says_how_many_samples_are_needed(tmp_path):
    # a review: --limit 5 said "cannot split 6 samples at 0.25" (a count that was not the limit)
    r = chainrule("train", "digits", "--limit", "5", "--no-progress", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""  # a usage error, as every other bad option
    assert r.stderr.strip() == (
        "chainrule train: error: a limit of 5 samples is too few to split the digits data (10 classes) into "
        "a training and a test part; use at least 25"
    )
    digits = training.DEMOS["digits"].load(0)  # 25 is the least that splits: a class gets no sample below
    assert training._limited(digits, 24, 0) is None and training._limited(digits, 25, 0) is not None


def test_plot_subcommand_writes_the_pictures(tmp_path):
    for figure in ("activations", "weight-space"):
        path = tmp_path / f"{figure}.png"
        r = chainrule("plot", figure, str(path))
        assert r.returncode == 0, r.stderr
        assert path.read_bytes().startswith(PNG)


def test_digits_without_scikit_learn_is_one_line_and_exit_status_1(tmp_path):
    fake = tmp_path / "sklearn"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('No module named sklearn')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    command = [*COMMAND, "train", "digits", "--no-progress"]
    r = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1
    (line,) = r.stderr.splitlines()
    assert line == (
        "chainrule train: error: the digits data set needs scikit-learn: "
        "pip install scikit-learn (in a clone: pip install -e '.[digits]')"
    )


def test_python_dash_m_demos_is_the_same_command():
    r = subprocess.run([sys.executable, "-m", "demos", "train", "xor", "--epochs", "3", "--no-progress"],
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0 and "xor: XOR with sigmoid units" in r.stdout


def test_a_diverging_run_draws_its_loss_up_to_the_divergence(tmp_path):
    # a review: --plot wrote nothing for a run that diverged, the curve a class is to be shown
    plot = tmp_path / "div.png"
    r = chainrule("train", "moons", "--lr", "1e6", "--optimizer", "sgd", "--batch-size", "full",
                  "--plot", str(plot), "--save", str(tmp_path / "m.json"), "--no-progress")  # fmt: skip
    assert r.returncode == 1
    assert r.stderr.startswith("chainrule train: error: training diverged at epoch ")
    assert r.stderr.strip().endswith(f"(the loss up to it: {plot})")
    assert plot.read_bytes().startswith(PNG) and not (tmp_path / "m.json").exists()  # no model saved


def test_a_run_diverging_in_its_first_epoch_says_there_is_no_plot(tmp_path):
    # a review: --plot silently wrote nothing when no epoch had finished
    r = chainrule("train", "moons", "--lr", "1e6", "--optimizer", "sgd", "--batch-size", "10",
                  "--plot", str(tmp_path / "d.png"), "--no-progress")  # fmt: skip
    assert r.returncode == 1 and "training diverged at epoch 1, step " in r.stderr
    assert r.stderr.strip().endswith(
        "(no plot: it diverged in the first epoch, before a loss per epoch was kept)"
    )
    assert not (tmp_path / "d.png").exists()


def test_a_limit_above_the_data_says_so():
    r = chainrule("train", "moons", "--limit", "100000", "--epochs", "1", "--no-progress")
    assert r.returncode == 0
    assert (
        "data: 200 samples, 2 classes (150 train, 50 test; a limit of 100000 is more than there are)"
        in r.stdout
    )


def test_train_takes_no_hidden_layer():
    # a review: the playground took --hidden none, train refused it
    r = chainrule("train", "moons", "--hidden", "none", "--epochs", "2", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "model: MLP 2-1, no hidden layer, linear output, 3 parameters" in r.stdout
