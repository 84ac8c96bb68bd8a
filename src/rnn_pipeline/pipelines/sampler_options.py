"""Sampler parameters validated at the edge: ``SamplerChoice``.

Each sampler's options are declared once, in the library
(``rnn_pipeline.samplers.options``); ``SAMPLER_OPTIONS`` turns each into a pydantic
model of the same fields, defaults and rules, so a pipeline neither lists them
again nor restates ``num_beams >= 1``.

A group that picks a sampler (``evaluation_options``, ``sampling_options``)
subclasses ``SamplerChoice``: its ``sampler`` must be a name in the registry (or in
the group's ``samplers`` subset) and its ``sampler_options`` are validated by that
sampler's options, so ``{k: 0}`` or a key the sampler does not take fails when the
run starts, not after training.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ValidationInfo, create_model, field_validator

from rnn_pipeline.pipelines.fit_options import dataclass_fields
from rnn_pipeline.pipelines.options import InvalidOptionsError, Options, describe
from rnn_pipeline.samplers import options as library


def options_model(options: type[library.SamplerOptions]) -> type[Options]:
    """The pydantic model of a sampler's options dataclass."""
    return create_model(options.__name__, __base__=Options, **dataclass_fields(options))


# What every sampler takes; a base for a sampler's own options in a test.
SamplerOptions = options_model(library.SamplerOptions)

# Sampler name (as ``samplers.build`` takes it) -> the options it accepts.
SAMPLER_OPTIONS: dict[str, type[Options]] = {
    name: options_model(entry.options) for name, entry in library.REGISTRY.items()
}


class SamplerChoice(Options):
    """A ``sampler`` by name and its ``sampler_options``, checked together.

    ``sampler_options`` stays a plain dict of the keys that were given (so
    ``samplers.build(sampler, sampler_options)`` keeps each sampler's defaults), with
    values checked and converted by the sampler's options class.
    """

    # The sampler names this group allows; None: every one in SAMPLER_OPTIONS.
    samplers: ClassVar[tuple[str, ...] | None] = None

    sampler: str = "greedy"
    sampler_options: dict[str, Any] = {}

    @field_validator("sampler")
    @classmethod
    def _known_sampler(cls, value: str) -> str:
        allowed = cls.samplers or tuple(SAMPLER_OPTIONS)
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value

    @field_validator("sampler_options")
    @classmethod
    def _options_of_the_sampler(
        cls, value: dict[str, Any], info: ValidationInfo
    ) -> dict[str, Any]:
        sampler = info.data.get("sampler")
        if sampler is None:  # the sampler itself is wrong: reported already
            return value
        try:
            typed = SAMPLER_OPTIONS[sampler].model_validate(value)
        except InvalidOptionsError as exc:
            # The values follow: the outer message shows all of sampler_options.
            problems = describe(exc.errors, inputs=False)
            raise ValueError(f"for sampler {sampler}, {problems}") from None
        return typed.model_dump(exclude_unset=True)
