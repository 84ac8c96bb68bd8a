"""Each sampler's options, declared once, and the samplers by name (``REGISTRY``).

An options class is a frozen dataclass whose field types carry their rules
(``annotated_types``): the sampler's constructor checks them (``check``), the
pipelines' parameter validation (pydantic) reads the same fields, and the command
line offers the samplers and options listed here. What a sampler needs from the
caller rather than from YAML (MMI's language model of the replies) is one of its
``resources``, so no caller names a sampler to know what to hand it.

No Keras here: validating a pipeline's parameters must not load TensorFlow. The
sampler classes are imported when one is built (``SamplerSpec.sampler_class``).

To add a sampler: write it (a ``Sampler`` subclass) and its options class, and add
one ``SamplerSpec`` to ``REGISTRY``.
"""

from __future__ import annotations

import dataclasses
import importlib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from annotated_types import Ge, Gt, Le, Lt


@dataclass(frozen=True)
class SamplerOptions:
    """What every sampler takes (``Sampler``).

    Attributes:
        temperature: Logits are divided by it before the next token is chosen.
        seed: Seed of the random choices of stochastic samplers.
    """

    temperature: Annotated[float, Gt(0)] = 1.0
    seed: int | None = None


@dataclass(frozen=True)
class BeamOptions(SamplerOptions):
    """Beam search (``BeamSampler``).

    Attributes:
        num_beams: Beam width.
        length_penalty: Exponent of the GNMT length penalty (0: none).
    """

    num_beams: Annotated[int, Ge(1)] = 5
    length_penalty: Annotated[float, Ge(0)] = 0.6


@dataclass(frozen=True)
class MmiOptions(BeamOptions):
    """Candidates reranked by mutual information (``MmiSampler``).

    Attributes:
        mmi_weight: Weight of the reply language model's log-probability.
        no_repeat_ngram: Drop candidates repeating an n-gram of this many tokens.
        doubled_min_probability: Drop candidates doubling a character that the
            language model finds less likely than this there (0: off).
        drop_unseen_pairs: Drop candidates holding two adjacent characters that
            never follow each other in the language model's training replies.
        candidates: ``beam`` (rerank the beam) or ``sample`` (rerank
            ``num_beams`` nucleus samples).
        top_p: The nucleus mass of sampled candidates.
        top_k: The largest nucleus of sampled candidates (0: no limit).
        overlap_weight: Weight of the characters a candidate shares with the
            prompt (cosine of bags weighted by their information under the
            language model's unigram; 0: off).
        matching_weight: Weight of the model's reply matcher's cosine of
            prompt and candidate (``Seq2Seq.match``; 0: off).
    """

    num_beams: Annotated[int, Ge(1)] = 10
    length_penalty: Annotated[float, Ge(0)] = 1.0
    mmi_weight: Annotated[float, Ge(0)] = 0.5
    no_repeat_ngram: Annotated[int, Ge(0)] = 2
    doubled_min_probability: Annotated[float, Ge(0), Lt(1)] = 0.0
    drop_unseen_pairs: bool = False
    candidates: Literal["beam", "sample"] = "beam"
    top_p: Annotated[float, Gt(0), Le(1)] = 0.9
    top_k: Annotated[int, Ge(0)] = 50
    overlap_weight: Annotated[float, Ge(0)] = 0.0
    matching_weight: Annotated[float, Ge(0)] = 0.0


@dataclass(frozen=True)
class TopKOptions(SamplerOptions):
    """Sampling among the ``k`` likeliest tokens (``TopKSampler``)."""

    k: Annotated[int, Ge(1)] = 5


@dataclass(frozen=True)
class TopPOptions(SamplerOptions):
    """Nucleus sampling (``TopPSampler``).

    Attributes:
        p: The nucleus mass.
        top_k: The largest nucleus (0: the whole vocabulary).
    """

    p: Annotated[float, Gt(0), Le(1)] = 0.9
    top_k: Annotated[int, Ge(0)] = 0


@dataclass(frozen=True)
class SamplerSpec:
    """A sampler by name: its options, its class and what the caller provides.

    Attributes:
        options: Its options class (the YAML ``sampler_options``).
        path: ``module:Class`` of the sampler, imported when one is built.
        resources: Constructor arguments the caller provides, not the YAML
            (``language_model``: the reply language model of the run).
    """

    options: type[SamplerOptions]
    path: str
    resources: tuple[str, ...] = ()

    def sampler_class(self) -> type:
        module, _, name = self.path.partition(":")
        return getattr(importlib.import_module(module), name)

    def option_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in dataclasses.fields(self.options))


_PACKAGE = "rnn_pipeline.samplers"

REGISTRY: dict[str, SamplerSpec] = {
    "greedy": SamplerSpec(SamplerOptions, f"{_PACKAGE}.greedy_sampler:GreedySampler"),
    "beam": SamplerSpec(BeamOptions, f"{_PACKAGE}.beam_sampler:BeamSampler"),
    "mmi": SamplerSpec(
        MmiOptions, f"{_PACKAGE}.mmi_sampler:MmiSampler", ("language_model",)
    ),
    "temperature": SamplerSpec(
        SamplerOptions, f"{_PACKAGE}.random_sampler:RandomSampler"
    ),
    "top_k": SamplerSpec(TopKOptions, f"{_PACKAGE}.top_k_sampler:TopKSampler"),
    "top_p": SamplerSpec(TopPOptions, f"{_PACKAGE}.top_p_sampler:TopPSampler"),
}


def spec(name: str) -> SamplerSpec:
    """The registry entry of ``name``.

    Raises:
        ValueError: If no sampler has that name.
    """
    if name not in REGISTRY:
        raise ValueError(f"sampler must be one of {sorted(REGISTRY)}, got {name!r}")
    return REGISTRY[name]


def _rule(constraint: Any) -> tuple[str, Any] | None:
    for kind, sign in ((Ge, ">="), (Gt, ">"), (Le, "<="), (Lt, "<")):
        if isinstance(constraint, kind):
            bound = next(iter(dataclasses.asdict(constraint).values()))
            return sign, bound
    return None


def _holds(sign: str, value: Any, bound: Any) -> bool:
    return {
        ">=": value >= bound,
        ">": value > bound,
        "<=": value <= bound,
        "<": value < bound,
    }[sign]


def _describe(rules: list[tuple[str, Any]]) -> str:
    if len(rules) == 2:
        low, high = sorted(rules, key=lambda rule: rule[0][0] == "<")
        opening = "[" if low[0] == ">=" else "("
        closing = "]" if high[0] == "<=" else ")"
        return f"in {opening}{low[1]}, {high[1]}{closing}"
    sign, bound = rules[0]
    return f"{sign} {bound}"


def check(options: type[SamplerOptions], values: Mapping[str, Any]) -> None:
    """Check ``values`` against the rules of ``options``' field types.

    Raises:
        ValueError: On the first value that breaks a rule, e.g. ``num_beams must
            be >= 1, got 0``.
    """
    hints = typing.get_type_hints(options, include_extras=True)
    for name, value in values.items():
        hint = hints.get(name)
        if hint is None or value is None:
            continue
        if typing.get_origin(hint) is Literal:
            allowed = typing.get_args(hint)
            if value not in allowed:
                expected = " or ".join(str(a) for a in allowed)
                raise ValueError(f"{name} must be {expected}, got {value!r}")
            continue
        rules = [r for r in map(_rule, getattr(hint, "__metadata__", ())) if r]
        if rules and not all(_holds(sign, value, bound) for sign, bound in rules):
            raise ValueError(f"{name} must be {_describe(rules)}, got {value}")
