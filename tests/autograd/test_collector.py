"""collector_paused: Python's cyclic garbage collector off inside a block or a decorated call, and exactly as
it was after."""

import gc

import pytest

import autograd.backward as engine_backward
from autograd import Overflow, Value, collector_paused


@pytest.fixture(autouse=True)
def _collector_on_after():
    yield
    gc.enable()  # whatever a failing test left


def test_the_collector_is_off_inside_and_on_again_after():
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_leaves_the_collector_on():
    gc.enable()
    with pytest.raises(ZeroDivisionError), collector_paused():
        raise ZeroDivisionError
    assert gc.isenabled()


def test_a_collector_the_program_switched_off_stays_off():
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
    with pytest.raises(ZeroDivisionError), collector_paused():
        raise ZeroDivisionError
    assert not gc.isenabled()


def test_an_inner_block_leaves_the_outer_one_paused():
    gc.enable()
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.parametrize("decorator", [collector_paused, collector_paused()], ids=["@collector_paused", "()"])
def test_as_a_decorator_it_pauses_each_call(decorator):
    seen = []

    @decorator
    def build(n):
        """Build."""
        seen.append(gc.isenabled())
        return build(n - 1) if n else None  # re-entrant: a call inside a call

    gc.enable()
    build(2)
    assert seen == [False, False, False] and gc.isenabled()
    assert build.__name__ == "build" and build.__doc__ == "Build."
    with pytest.raises(TypeError):
        build()  # the function's own error, and the collector on again
    assert gc.isenabled()


def test_backward_and_zero_grad_run_paused_and_restore_it(monkeypatch):
    seen = []
    real = engine_backward.backward

    def spy(root, grad):
        seen.append(gc.isenabled())
        real(root, grad)

    monkeypatch.setattr(engine_backward, "backward", spy)
    x = Value(3.0)
    y = x * x
    gc.enable()
    y.backward()
    y.zero_grad()
    assert seen == [False] and gc.isenabled() and x.grad == 0.0


def test_backward_restores_the_collector_after_its_errors():
    gc.enable()
    with pytest.raises(TypeError, match="grad must be a finite number"):
        Value(1.0).backward(float("nan"))
    assert gc.isenabled()
    x = Value(1e200)
    with pytest.raises(Overflow):
        (x * 1e100).backward(1e300)  # ∂/∂x = 1e100 · 1e300
    assert gc.isenabled()
    gc.disable()
    with pytest.raises(Overflow):
        (x * 1e100).backward(1e300)
    assert not gc.isenabled()
