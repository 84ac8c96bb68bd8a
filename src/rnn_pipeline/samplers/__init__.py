"""Samplers: the decoding loop and the rule that picks each next token.

Beam search keeps several prefixes and so owns its whole loop; MMI reranks the
candidates with a language model of the replies.

A model exposes ``next(tokens, state) -> (logits, state)``; a sampler runs the loop and
owns temperature; subclasses only choose the next token. Build one by name with
``build`` (or ``get``); each sampler's options and what it needs from the caller are
declared once, in ``samplers.options.REGISTRY``.

The sampler classes are loaded on first use, so ``rnn_pipeline.samplers.options``
(what parameter validation reads) does not import Keras.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rnn_pipeline.samplers.options import REGISTRY, spec

if TYPE_CHECKING:
    from rnn_pipeline.samplers.beam_sampler import BeamSampler
    from rnn_pipeline.samplers.greedy_sampler import GreedySampler
    from rnn_pipeline.samplers.mmi_sampler import MmiSampler
    from rnn_pipeline.samplers.random_sampler import RandomSampler
    from rnn_pipeline.samplers.sampler import Sampler
    from rnn_pipeline.samplers.top_k_sampler import TopKSampler
    from rnn_pipeline.samplers.top_p_sampler import TopPSampler

_CLASSES = {
    "BeamSampler": "beam_sampler",
    "GreedySampler": "greedy_sampler",
    "MmiSampler": "mmi_sampler",
    "RandomSampler": "random_sampler",
    "Sampler": "sampler",
    "TopKSampler": "top_k_sampler",
    "TopPSampler": "top_p_sampler",
}


def __getattr__(name: str):
    if name in _CLASSES:
        module = importlib.import_module(f"{__name__}.{_CLASSES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build(name: str, options: Mapping[str, Any] | None = None, **resources) -> Sampler:
    """The sampler ``name`` with its ``options``, given the ``resources`` it declares.

    Callers pass whatever they have (``language_model=...``); each sampler takes
    only the resources its registry entry names, so no caller branches on names.

    Raises:
        ValueError: If the name is unknown or an option breaks its rule.
    """
    entry = spec(name)
    wanted = {key: resources.get(key) for key in entry.resources}
    return entry.sampler_class()(**dict(options or {}), **wanted)


def get(name: str, **kwargs) -> Sampler:
    """Build a sampler by name (greedy, beam, mmi, temperature, top_k, top_p) from
    keyword arguments, resources included.

    Raises:
        ValueError: If the name is unknown.
    """
    return spec(name).sampler_class()(**kwargs)


def needs(name: str, resource: str) -> bool:
    """Whether the sampler ``name`` takes ``resource`` from its caller."""
    return resource in spec(name).resources


__all__ = [
    "REGISTRY",
    "BeamSampler",
    "GreedySampler",
    "MmiSampler",
    "RandomSampler",
    "Sampler",
    "TopKSampler",
    "TopPSampler",
    "build",
    "get",
    "needs",
]
