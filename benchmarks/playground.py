"""Playground benchmark: training steps per second in the browser (headless Chromium through Playwright).

The networks of issue 28: 2-16-16-1 and 2-64-64-1 (tanh, bce) on 100 two-moons points, and 2-64-64-1 on
400 (the most the playground takes), no test set, the full batch, Adam. For each, training alone (the
median of 5 runs of `playground.bench`, each at least 0.4 s: forward and backward over the batch, then the
update; no view drawn), then the page as a user sees it: playing for 3 seconds (and at least two frames)
at 5 and at 1 steps a frame, every view redrawn each frame (the decision boundary's 40×40 grid, the loss
curve, the network, the picked point's graph).

The page takes up to 16 units a layer; for 2-64-64-1 the benchmark writes the page with that limit
raised (the same in both trees). `--before DIR` measures, in the same browser and alternating with this
tree, the code in DIR, a checkout of an earlier commit (`git worktree add /tmp/pg-old <commit>`); each
tree writes its own page in a process of its own. Rounds alternate the trees; the table gives the median
of the rounds and, in brackets, their range; the load average is printed beside it (2 cores shared).

Run by hand: `.venv/bin/python benchmarks/playground.py [--before /tmp/pg-old] [--rounds 2]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
RUNS, RUN_SECONDS, PLAY_MS, SPEEDS = 5, 0.4, 3000, ("5", "1")
BASE = dict(data="moons", test=0.0, noise=0.1, batch=0, optimizer="adam")
NETWORKS = [((16, 16), 100), ((64, 64), 100), ((64, 64), 400)]

# Written in a process of its own, so that each tree's nn is the one imported. The unit limit is raised
# for 2-64-64-1 (settings.py checks it, the page reads it from its data).
WRITE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import nn.playground.settings as limits
import nn.playground as package
settings = json.loads(sys.argv[3])
limits.MAX_UNITS = package.MAX_UNITS = max(limits.MAX_UNITS, *settings["hidden"])
package.playground(sys.argv[2], **settings)
"""


def write_page(tree: Path, path: Path, settings: dict) -> Path:
    subprocess.run([sys.executable, "-c", WRITE, str(tree), str(path), json.dumps(settings)], check=True)
    return path


def training_rate(tab) -> float:
    """Steps per second training alone: the median of RUNS runs, each of enough steps for RUN_SECONDS."""
    tab.evaluate("playground.bench(3)")  # warm up the JIT
    once = tab.evaluate("playground.bench(3)") / 3
    steps = max(3, round(RUN_SECONDS * 1000 / max(once, 1e-3)))
    ms = [tab.evaluate(f"playground.bench({steps})") for _ in range(RUNS)]
    return steps / (statistics.median(ms) / 1000)


def playing_rate(tab, speed: str) -> float:
    """Steps per second while playing at `speed` steps a frame, every view redrawn each frame."""
    tab.select_option("#speed", speed)
    tab.evaluate("playground.reset()")
    play = "document.getElementById('play').click()"  # the button's own handler, between two frames
    start = time.perf_counter()
    tab.evaluate(play)
    tab.wait_for_timeout(PLAY_MS)
    tab.wait_for_function(f"() => playground.state().step >= {2 * int(speed)}", timeout=300_000)
    tab.evaluate(play)  # runs once the frame under way has ended
    return tab.evaluate("playground.state().step") / (time.perf_counter() - start)


def measure(tab, uri: str) -> dict[str, float]:
    tab.goto(uri)
    rates = {"train": training_rate(tab)}
    rates |= {f"play {s}": playing_rate(tab, s) for s in SPEEDS}
    rates["layered"] = bool(tab.evaluate("playground.state().layered === true"))
    return rates


def cell(values: list[float]) -> str:
    middle = statistics.median(values)
    fmt = (lambda x: f"{x:,.0f}") if middle >= 10 else (lambda x: f"{x:.1f}")
    if len(values) == 1:
        return fmt(middle)
    return f"{fmt(middle)} [{fmt(min(values))}–{fmt(max(values))}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="a checkout of an earlier commit, measured alongside")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, alternating the trees (default 2)")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": HERE} if args.before else {"now": HERE}
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        rows = []
        for hidden, n in NETWORKS:
            settings = dict(BASE, hidden=list(hidden), n=n)
            name = f"2-{'-'.join(map(str, hidden))}-1, {n} points"
            pages = {
                tree: write_page(root, Path(folder) / f"{tree}-{n}-{hidden[0]}.html", settings).as_uri()
                for tree, root in trees.items()
            }
            results: dict[str, list[dict]] = {tree: [] for tree in trees}
            for r in range(args.rounds):
                for tree in trees if r % 2 == 0 else list(trees)[::-1]:
                    results[tree].append(measure(tab, pages[tree]))
                    print(f"  {name}, {tree}, round {r + 1}: " + ", ".join(
                        f"{k} {v:,.1f}" if isinstance(v, float) else f"{k} {v}"
                        for k, v in results[tree][-1].items()
                    ), flush=True)  # fmt: skip
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            rows.append((name, results, load))
        browser.close()
    keys = ["train", *(f"play {s}" for s in SPEEDS)]
    titles = ["training only", *(f"playing, {s} step{'s' if s != '1' else ''} a frame" for s in SPEEDS)]
    print("\nsteps per second (median of the rounds [their range])")
    print("| network, points | " + " | ".join(f"{t}: {' / '.join(trees)}" for t in titles) + " | load |")
    print("|" + " --- |" * (len(titles) + 2))
    for name, results, load in rows:
        cells = []
        for key in keys:
            values = {tree: [m[key] for m in results[tree]] for tree in trees}
            text = " / ".join(cell(v) for v in values.values())
            if len(trees) == 2:
                ratio = statistics.median(values["after"]) / statistics.median(values["before"])
                text += f" ({ratio:.1f}×)"
            cells.append(text)
        print(f"| {name} | " + " | ".join(cells) + f" | {load} |")
    for tree in trees:
        by_layers = all(m["layered"] for _, results, _ in rows for m in results[tree])
        print(f"{tree}: {'trained by layers' if by_layers else 'trained by the trace (sample by sample)'}")


if __name__ == "__main__":
    main()
