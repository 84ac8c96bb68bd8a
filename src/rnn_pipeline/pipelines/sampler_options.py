"""The options each sampler takes, declared once: ``SAMPLER_OPTIONS``.

A group that picks a sampler (``evaluation_options``, ``sampling_options``)
subclasses ``SamplerChoice``: its ``sampler`` must be a name in ``SAMPLER_OPTIONS``
(or in the group's ``samplers`` subset) and its ``sampler_options`` are validated
by that sampler's options class, so ``{k: 0}`` or a key the sampler does not take
fails when the run starts, not after training.

To add a sampler: write its options class here (a ``SamplerOptions`` subclass) and
add ``"name": ThatOptions`` to ``SAMPLER_OPTIONS``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator

from rnn_pipeline.pipelines.options import InvalidOptionsError, Options, describe


class SamplerOptions(Options):
    """What every sampler takes (``samplers.Sampler``)."""

    temperature: float = Field(1.0, gt=0)
    seed: int | None = None


class BeamOptions(SamplerOptions):
    num_beams: int = Field(5, ge=1)
    length_penalty: float = Field(0.6, ge=0)


class MmiOptions(SamplerOptions):
    """Beam search reranked by mutual information (``samplers.MmiSampler``); its
    language model comes from the pipeline, not from YAML."""

    num_beams: int = Field(10, ge=1)
    length_penalty: float = Field(1.0, ge=0)
    mmi_weight: float = Field(0.5, ge=0)
    no_repeat_ngram: int = Field(2, ge=0)
    # Drop candidates doubling a character the reply model finds unlikely there
    # (p < this: 们们 ~0, 不不错 0.0006; 谢谢 0.92, 看看 0.20); 0: off.
    doubled_min_probability: float = Field(0.0, ge=0, lt=1)
    # beam: rerank the beam; sample: rerank num_beams nucleus samples (top_p).
    candidates: Literal["beam", "sample"] = "beam"
    top_p: float = Field(0.9, gt=0, le=1)
    top_k: int = Field(50, ge=0)  # the largest nucleus of sample; 0: no limit


class TopKOptions(SamplerOptions):
    k: int = Field(5, ge=1)


class TopPOptions(SamplerOptions):
    p: float = Field(0.9, gt=0, le=1)
    top_k: int = Field(0, ge=0)  # the largest nucleus; 0: the whole vocabulary


# Sampler name (as ``samplers.get`` takes it) -> the options it accepts.
SAMPLER_OPTIONS: dict[str, type[SamplerOptions]] = {
    "greedy": SamplerOptions,
    "beam": BeamOptions,
    "mmi": MmiOptions,
    "temperature": SamplerOptions,
    "top_k": TopKOptions,
    "top_p": TopPOptions,
}


class SamplerChoice(Options):
    """A ``sampler`` by name and its ``sampler_options``, checked together.

    ``sampler_options`` stays a plain dict of the keys that were given (so
    ``samplers.get(sampler, **sampler_options)`` keeps each sampler's defaults), with
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
