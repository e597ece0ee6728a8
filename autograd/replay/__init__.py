"""Record once, replay over a batch: an evaluation trace run forward and backward on NumPy arrays.

`autograd.trace` records one sample's graph as a flat program of rule-table steps. `Replay` compiles that
program once for a batch: no `Value` is created, every value vᵢ is a row of a (values × samples) array,
and steps that can run together (same rule-table op and settings, operands already computed) run as one
NumPy operation over every sample at once (a wavefront schedule by depth, as a tape compiler would
group them). Each op's value and local gradients come from the rule table's own text (`Op.expression`,
`Op.formula`), translated to NumPy once by `autograd.notation`, so no derivative is written twice.

The program is the recorded graph: a function whose graph depends on its inputs' values (a Python `if`
on a value) gives another program for other inputs. Replay does not see that; its callers record a
second sample and compare (`Replay.program`), and fall back to the object engine when they differ.

The parts: `rules` (the rule table compiled to NumPy), `schedule` (the steps grouped into waves, each
value's row), `sweeps` (a group's forward and backward work over the batch), `batch` (`Replay`, `Sweep`),
`layered` (`LayerReplay`: a network's layers, as `autograd.layers` finds them, run as one matrix
product per layer each way).
"""

from .batch import Replay, Sweep
from .layered import LayerReplay, NotLayered
from .sweeps import all_finite

__all__ = ["LayerReplay", "NotLayered", "Replay", "Sweep", "all_finite"]
