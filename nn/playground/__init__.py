"""The training playground: a small MLP learning a 2-D data set live in the browser, in one HTML file.

`playground(path, **settings)` writes the page (or, without a path, returns it for Jupyter to show);
`run(settings, epochs)` trains the same network in Python with `nn.MLP` and `nn.fit`, from the same
generator (`Mulberry32`), so its weights equal the page's after the same number of steps. The page
computes every value and local gradient from the rule table's own text (`autograd.page`'s RULES), and
repeats nn.optim's update arithmetic operation for operation. Its settings live in the URL fragment.
"""

from __future__ import annotations

import html as html_escape
import json
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from autograd import write_atomic

from ..data import Dataset
from ..losses import bce_with_logits, mse_loss
from ..module import MLP
from ..optim import SGD, Adam, Optimizer
from ..train import History, fit
from .data import STREAMS, datasets, generator
from .generator import Mulberry32
from .settings import BOX, CHOICES, LEAKY_SLOPE, LIMITS, MAX_LAYERS, MAX_POINTS, MAX_UNITS, Settings

__all__ = [
    "Mulberry32",
    "Run",
    "Settings",
    "html",
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
    momentum, beta1, beta2, eps, weight_decay, batch, seed, points): the page starts with them. Raises
    ValueError naming a bad setting, TypeError for an unknown one, autograd.WriteError when the file
    cannot be written (nothing is half-written).
    """
    text = html(Settings(**settings), title=title)
    if path is None:
        from autograd.page import PageView  # loaded on use, as in html()

        return PageView(text, FRAME_HEIGHT)
    return write_atomic(path, text)


def html(settings: Settings | None = None, *, title: str = "chainrule playground") -> str:
    """The page's HTML text, self-contained: styles, scripts and data inline, no request allowed."""
    # autograd.page (and Graphviz's wrapper under it) loads on first use: `import nn` stays quick.
    from autograd.page import rules_js

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
        "leakySlope": LEAKY_SLOPE,
    }
    compute = resources.files("autograd.page").joinpath("compute.js").read_text(encoding="utf-8")
    return _resource("template.html").format(
        nonce=secrets.token_urlsafe(16),
        title=html_escape.escape(title),
        style=_resource("playground.css"),
        data=_json_for_script(data),
        script="\n".join((rules_js(), compute, _resource("playground.js"))),
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
    """A Python run of the playground: its settings, data, network, optimizer and fit's History."""

    settings: Settings
    train: Dataset
    test: Dataset | None
    model: MLP
    optimizer: Optimizer
    history: History


def run(settings: Settings | None = None, epochs: int = 1, **options: Any) -> Run:
    """Train the page's network for `epochs` with `nn.fit`: the page's weights after as many steps.

    Settings as a `Settings` or as keyword options. The data, the initial weights and the batch order
    come from the shared generator (three streams of the seed: data, init, order), so the page reaches
    the same weights (to rounding, ~1e-12) after `epochs · steps_per_epoch(settings)` steps.
    """
    settings = Settings(**options) if settings is None else settings
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


def _json_for_script(data: object) -> str:
    # Inside <script type="application/json">, "</script>" would end the block early; \u003c reads the same.
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _resource(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
