"""The training playground: a small MLP learning a 2-D data set live in the browser, in one HTML file.

`playground(path, **settings)` writes the page (or, without a path, returns it for Jupyter to show);
the package itself is callable, so `nn.playground(...)` writes it and `nn.playground.run` is `run`.
`run(settings, epochs)` trains the same network in Python with `nn.MLP` and `nn.fit`, from the same
generator (`Mulberry32`), so its weights equal the page's after the same number of steps. The page
computes every value and local gradient from the rule table's own text (`autograd.page`'s RULES), and
repeats nn.optim's update arithmetic operation for operation; the network it is written with trains as
matrix products over the batch where its graph groups into layers (`layers`: find_layers on that graph,
sent with the page), and so does a network set in the page, laid out as nn lays out its parameters with
the activations `layouts` sends. Its settings live in the URL fragment.
"""

from __future__ import annotations

import html as html_escape
import sys
import types
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from autograd import Value
from autograd.files import write_atomic
from autograd.text import DIGITS, EXTRA_DIGITS

from ..data import Dataset
from ..losses import bce_with_logits, mse_loss
from ..mlp import MLP
from ..optim import SGD, Adam, Optimizer
from ..train import History, fit
from .data import STREAMS, datasets, generator
from .generator import Mulberry32
from .layers import REFERENCE_SIZES, layout_kind, page_layers
from .settings import (
    BOX,
    CHOICES,
    LEAKY_SLOPE,
    LIMITS,
    LOSSES,
    MAX_LAYERS,
    MAX_POINTS,
    MAX_UNITS,
    MENU_ACTIVATIONS,
    POINT_BOUND,
    SettingError,
    Settings,
)

__all__ = [
    "Mulberry32",
    "Run",
    "SettingError",
    "Settings",
    "html",
    "layers",
    "layouts",
    "model",
    "optimizer",
    "playground",
    "run",
    "steps_per_epoch",
]

FRAME_HEIGHT = 900  # pixels: a notebook frame tall enough for the controls, the plane and the network


def playground(
    path: str | Path | None = None, *, title: str = "chainrule playground", **settings: Any
) -> Any:
    """Write the playground page to `path` (returns the Path), or return it for Jupyter (a PageView).

    `settings` are `Settings`' fields (data, n, noise, test, hidden, activation, loss, optimizer, lr,
    momentum, beta1, beta2, eps, weight_decay, batch, seed, points; `batch_size` is another name for
    batch, N or "full"): the page starts with them. Raises SettingError (a ValueError) naming a bad
    setting, ValueError for a path not ending in .html, TypeError for an unknown setting or a path that
    is not a str or Path, autograd.files.WriteError when the file cannot be written (nothing is half-written).
    """
    if path is not None and not isinstance(path, (str, Path)):
        raise TypeError(f"playground: path must be a str or Path ending in .html, got {path!r}")
    if path is not None and Path(path).suffix.lower() not in (".html", ".htm"):
        raise ValueError(
            f"playground: {str(path)!r}: the playground is an .html file; give a name ending in .html"
        )
    text = html(settings_from(settings), title=title)
    if path is None:
        from autograd.page import PageView  # loaded on use, as in html()

        return PageView(text, FRAME_HEIGHT)
    return write_atomic(path, text)


def settings_from(options: dict[str, Any]) -> Settings:
    """`Settings(**options)`, with `batch_size` read as `batch`; an error names the option as written."""
    options = dict(options)
    if "batch_size" in options:
        if "batch" in options:
            raise TypeError("playground: give batch_size or batch, not both")
        options["batch"] = options.pop("batch_size")
        try:
            return Settings(**options)
        except SettingError as error:
            if error.setting == "batch":
                raise SettingError("batch_size", error.reason) from None
            raise
    try:
        return Settings(**options)
    except TypeError as error:  # an unknown keyword: one line naming it, without dataclass's __init__
        raise TypeError(f"playground: {error}".replace("Settings.__init__()", "settings")) from None


def html(settings: Settings | None = None, *, title: str = "chainrule playground") -> str:
    """The page's HTML text, self-contained: styles, scripts and data inline, no request allowed."""
    settings = Settings() if settings is None else settings
    data = {
        "settings": settings.to_dict(),
        "names": Settings.names(),
        "limits": LIMITS,
        "choices": CHOICES,
        "streams": STREAMS,
        "box": BOX,
        "maxLayers": MAX_LAYERS,
        "maxUnits": MAX_UNITS,
        "maxPoints": MAX_POINTS,
        "pointBound": POINT_BOUND,
        "leakySlope": LEAKY_SLOPE,
        "digits": DIGITS,  # the page's number writer (pageCompute) reads the engine's defaults
        "extraDigits": EXTRA_DIGITS,
        "layers": layers(settings),  # the written network's layers, for the page's matrix replay
        "layouts": layouts(),  # and what it needs to lay out the layers of a network set in the page
    }
    # autograd.page (and Graphviz's wrapper under it) loads on first use: `import nn` stays quick.
    from autograd.page import document

    return document(
        title=title,
        style=_resource("playground.css"),
        body=_resource("template.html").format(title=html_escape.escape(title)),
        data_id="playground-data",
        data=data,
        scripts=[_resource(name) for name in SCRIPTS],
    )


def model(settings: Settings) -> MLP:
    """The page's network: 2 inputs, the hidden layers, one output (linear for bce, sigmoid for mse)."""
    return MLP(
        2,
        [*settings.hidden, 1],
        activation=settings.activation,
        output_activation="linear" if settings.loss == "bce" else "sigmoid",
        seed=generator(settings, "init"),
        leaky_slope=LEAKY_SLOPE,
    )


def layers(settings: Settings) -> dict[str, Any] | None:
    """The page's network grouped into layers (`page_layers` on one sample's graph), None where it does
    not group: the data from which the page trains it as matrix products over the batch."""
    return _grouped(settings)


def _grouped(settings: Settings) -> dict[str, Any] | None:
    net = model(settings)
    xs = [Value(0.0, label="x_1"), Value(0.0, label="x_2")]
    return page_layers(net(xs)[0], net.parameters(), xs)


@cache
def layouts() -> dict[str, dict[str, Any] | None]:
    """For each activation and loss of the page's menus, keyed "activation loss": the activations from
    which the page lays out the layers of a network of that kind set in the page (`layers.layout_kind`
    on find_layers' plans of the reference networks, REFERENCE_SIZES), None where find_layers does not
    group them all as nn's layout has them: there the page replays the trace. Computed once (a tenth of
    a second).
    """
    return {
        f"{activation} {loss}": layout_kind(
            [(s, _grouped(Settings(hidden=s, activation=activation, loss=loss))) for s in REFERENCE_SIZES]
        )
        for activation in MENU_ACTIVATIONS
        for loss in LOSSES
    }


def optimizer(settings: Settings, params: list) -> Optimizer:
    """The page's optimizer over `params`: SGD, SGD with momentum, or Adam, with the settings' numbers."""
    if settings.optimizer == "adam":
        return Adam(
            params, settings.lr, (settings.beta1, settings.beta2), settings.eps, settings.weight_decay
        )
    momentum = settings.momentum if settings.optimizer == "momentum" else 0.0
    return SGD(params, settings.lr, momentum=momentum, weight_decay=settings.weight_decay)


def loss_function(settings: Settings):
    """nn's loss over a batch of one-output samples: bce_with_logits, or mse_loss (mean)."""
    if settings.loss == "bce":
        return lambda outputs, targets: bce_with_logits([o[0] for o in outputs], list(targets))
    return lambda outputs, targets: mse_loss([o[0] for o in outputs], [float(t) for t in targets])


def steps_per_epoch(settings: Settings) -> int:
    """How many updates one epoch takes: ⌈training points / batch size⌉ (1 for the full batch)."""
    n = len(datasets(settings)[0])
    size = n if settings.batch == 0 else min(settings.batch, n)
    return -(-n // size)


@dataclass
class Run:
    """A Python run of the playground: its settings, data, network, optimizer and fit's History.

    `history.loss` holds each epoch's mean of its batches' losses (each taken before its update), as
    nn.fit reports; `train_loss` and `test_loss` are what the page shows: the loss of the whole set at
    the weights after the last step.
    """

    settings: Settings
    train: Dataset
    test: Dataset | None
    model: MLP
    optimizer: Optimizer
    history: History

    @property
    def train_loss(self) -> float:
        """The mean loss of the whole training set at the final weights (the page's "train loss")."""
        return _mean_loss(self.settings, self.model, self.train)

    @property
    def test_loss(self) -> float | None:
        """The mean loss of the whole test set at the final weights, None without a test set."""
        return None if self.test is None else _mean_loss(self.settings, self.model, self.test)


def _mean_loss(settings: Settings, net: MLP, data: Dataset) -> float:
    outputs = [net(x) for x in data.inputs]
    return loss_function(settings)(outputs, data.targets).data


def run(settings: Settings | None = None, epochs: int = 1, **options: Any) -> Run:
    """Train the page's network for `epochs` with `nn.fit`: the page's weights after as many steps.

    Settings as a `Settings` or as keyword options (as `playground` takes them). The data, the initial
    weights and the batch order come from the shared generator (three streams of the seed: data, init,
    order), so the page reaches the same weights (to rounding, ~1e-12) after
    `epochs · steps_per_epoch(settings)` steps. Raises TypeError when `settings` is not a Settings,
    SettingError for a bad option.
    """
    if settings is not None and not isinstance(settings, Settings):
        raise TypeError(
            f"run: settings must be a Settings (or give them as keyword options: run(data='xor')), "
            f"got {type(settings).__name__}"
        )
    settings = settings_from(options) if settings is None else settings
    train, test = datasets(settings)
    net = model(settings)
    opt = optimizer(settings, net.parameters())
    history = fit(
        net,
        loss_function(settings),
        opt,
        train,
        epochs,
        batch_size=None if settings.batch == 0 else settings.batch,
        test=test,
        seed=generator(settings, "order"),
        progress=False,
    )
    return Run(settings, train, test, net, opt, history)


# The page's script files, joined in this order inside one function (one scope, strict mode), after the
# rule table (RULES), the trace's interpreter (Program) and the stepping page's arithmetic (compute.js),
# which they use: autograd.page.document builds the page around them.
SCRIPTS = (
    "learning.js",  # the generator, the data, the network recorded as a tape, the optimizers
    "layers.js",  # the network as layers: the batch's matrix products, where its plan fits the tape
    "run.js",  # one run (data, weights, optimizer state, loss curve) and the settings
    "views.js",  # the plane, the loss curve, the network, the update, the picked point's graph
    "controls.js",  # play, step, epoch, reset, keys, test hooks, the start
)


def _resource(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


class _CallableModule(types.ModuleType):
    """The package, callable: `nn.playground(...)` is `playground(...)`, and `nn.playground.run` works."""

    def __call__(self, path: str | Path | None = None, **options: Any) -> Any:
        return playground(path, **options)


sys.modules[__name__].__class__ = _CallableModule
