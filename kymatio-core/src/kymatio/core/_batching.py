"""How wide the width-first steps may be: a memory budget relative to the input.

Every algorithm applies several filters to a whole batch in one broadcast step. A step holds a few
arrays of its output size, so the output size of one step is capped at :data:`STEP_FACTOR` times
the elements of the (padded) input batch -- as many as the reference's one-path-at-a-time walk
holds for :data:`STEP_FACTOR` paths -- and never below :data:`MIN_STEP`, which keeps small
problems from being cut into steps too small to amortise a call. Peak memory then scales with the
input like the reference's instead of with a fixed chunk size.
"""
from __future__ import annotations

from typing import Iterator

__all__ = ["MIN_STEP", "STEP_FACTOR", "chunks", "step_budget", "step_width"]

#: Output elements of one batched step, in units of the padded input batch.
STEP_FACTOR = 1
#: Floor of the budget, in elements.
MIN_STEP = 2**16


def step_budget(input_elements: int) -> int:
    """Output elements one batched step may produce for an input of ``input_elements``."""
    return max(MIN_STEP, STEP_FACTOR * int(input_elements))


def step_width(budget: int, per_item: int) -> int:
    """How many items of ``per_item`` output elements each fit a step of ``budget`` (at least 1)."""
    return max(1, int(budget) // max(1, int(per_item)))


def chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of ``range(n)`` of ``size`` items (the last shorter)."""
    size = max(1, size)
    for start in range(0, n, size):
        yield start, min(start + size, n)
