"""Samplers: the decoding loop and the rule that picks each next token.

Beam search keeps several prefixes and so owns its whole loop; MMI reranks the
beams with a language model of the replies.

A model exposes ``next(tokens, state) -> (logits, state)``; a sampler runs the loop and
owns temperature; subclasses only choose the next token. Pick one by name with ``get``.
"""

from __future__ import annotations

from rnn_pipeline.samplers.beam_sampler import BeamSampler
from rnn_pipeline.samplers.greedy_sampler import GreedySampler
from rnn_pipeline.samplers.mmi_sampler import MmiSampler
from rnn_pipeline.samplers.random_sampler import RandomSampler
from rnn_pipeline.samplers.sampler import Sampler
from rnn_pipeline.samplers.top_k_sampler import TopKSampler
from rnn_pipeline.samplers.top_p_sampler import TopPSampler

SAMPLERS: dict[str, type[Sampler]] = {
    "greedy": GreedySampler,
    "beam": BeamSampler,
    "mmi": MmiSampler,
    "temperature": RandomSampler,
    "random": RandomSampler,
    "top_k": TopKSampler,
    "top_p": TopPSampler,
}


def get(name: str, **kwargs) -> Sampler:
    """Build a sampler by name (greedy, beam, mmi, temperature, top_k, top_p).

    Raises:
        ValueError: If the name is unknown.
    """
    if name not in SAMPLERS:
        raise ValueError(f"sampler must be one of {sorted(SAMPLERS)}, got {name!r}")
    return SAMPLERS[name](**kwargs)


__all__ = [
    "SAMPLERS",
    "BeamSampler",
    "GreedySampler",
    "MmiSampler",
    "RandomSampler",
    "Sampler",
    "TopKSampler",
    "TopPSampler",
    "get",
]
