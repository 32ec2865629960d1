"""One projection's part of a network kernel (filled in with projections)."""
from __future__ import annotations


def projection_block(index, part, synapse_model, pre_model, post_model):
    raise NotImplementedError


def input_calls(structure) -> tuple[str, ...]:
    return ()
