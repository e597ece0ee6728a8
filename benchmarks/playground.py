"""Playground benchmark: training steps per second in the browser (headless Chromium through Playwright).

The network of the issue: 2-16-16-1 (tanh, bce), 100 two-moons points, no test set, the full batch, Adam.
First, training alone: the median of 5 runs of 200 steps (forward and backward over the tape of every
point, then the update). Then the page as a user sees it: playing for 3 seconds at 1 and at 5 steps a
frame, every view redrawn each frame (the decision boundary's 40×40 grid, the loss curve, the network,
the picked point's graph). Run by hand: `.venv/bin/python benchmarks/playground.py`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from nn.playground import playground

STEPS, RUNS, PLAY_MS = 200, 5, 3000
SETTINGS = dict(data="moons", n=100, test=0.0, noise=0.1, hidden=(16, 16), batch=0, optimizer="adam")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        path = playground(Path(folder) / "bench.html", **SETTINGS)
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.goto(path.as_uri())
        tab.evaluate("playground.bench(50)")  # warm up the JIT
        ms = [tab.evaluate(f"playground.bench({STEPS})") for _ in range(RUNS)]
        rate = STEPS / (statistics.median(ms) / 1000)
        print(f"2-16-16-1, 100 points, full batch, training only: {rate:,.0f} steps/s")
        for speed in ("1", "5"):
            tab.select_option("#speed", speed)
            tab.evaluate("playground.reset()")
            tab.click("#play")
            start = time.perf_counter()
            tab.wait_for_timeout(PLAY_MS)
            tab.click("#play")
            steps = tab.evaluate("playground.state().step")
            rate = steps / (time.perf_counter() - start)
            print(f"playing at {speed} step(s) a frame, views redrawn: {rate:,.0f} steps/s")
        browser.close()


if __name__ == "__main__":
    main()
