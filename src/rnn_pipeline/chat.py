"""Answering prompts with a trained seq2seq model (no Kedro here).

``ResponderConfig`` is how a model answers: the prompt checks of its training data
and the decoding settings. The pipeline builds it once from the run's parameters and
saves it beside the model, so the prompts report, ``kedro chat`` and the served model
answer alike, with the settings of the run that trained the model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rnn_pipeline.text.cleaning import CleaningRules
from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.prompts import prepare_prompt
from rnn_pipeline.text.vocab import PairVocabulary
from rnn_pipeline.training.batching import pad_ids

if TYPE_CHECKING:
    import keras

CONFIG_FORMAT = "rnn_pipeline.responder/1"
NO_ANSWER = (
    "the model ended its answer at once: it is empty "
    "(common for a model trained briefly or on little data)"
)


@dataclass(frozen=True)
class Reply:
    """The model's answer to one prompt, or why there is none."""

    prompt: str
    reply: str | None
    message: str | None = None


@dataclass(frozen=True)
class ResponderConfig:
    """How a trained model answers prompts.

    Attributes:
        rules: The cleaning rules of its training data (prompts get the same).
        max_source_length: Longest prompt accepted (the largest bucket's source).
        max_reply_length: Most characters of a reply.
        sampler: Sampler name; ``sampler_options`` are its arguments.
    """

    rules: CleaningRules
    max_source_length: int
    max_reply_length: int = 30
    sampler: str = "greedy"
    sampler_options: Mapping[str, Any] = field(default_factory=dict)

    def with_decoding(
        self,
        sampler: str | None = None,
        sampler_options: Mapping[str, Any] | None = None,
        max_reply_length: int | None = None,
    ) -> ResponderConfig:
        """The same prompt checks with other decoding settings; the configured
        sampler options belong to the configured sampler only."""
        sampler = sampler or self.sampler
        if sampler_options is None:
            sampler_options = self.sampler_options if sampler == self.sampler else {}
        return dataclasses.replace(
            self,
            sampler=sampler,
            sampler_options=dict(sampler_options),
            max_reply_length=max_reply_length or self.max_reply_length,
        )

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form (JSON)."""
        return {
            "format": CONFIG_FORMAT,
            "rules": dataclasses.asdict(self.rules),
            "max_source_length": self.max_source_length,
            "max_reply_length": self.max_reply_length,
            "sampler": self.sampler,
            "sampler_options": dict(self.sampler_options),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResponderConfig:
        """Load the form written by ``to_dict`` (or by ``package_for_serving`` before
        the format was named: rules may carry the length limits cleaning had then).

        Raises:
            CorpusError: If ``data`` is not such a form.
        """
        keys = ("rules", "max_source_length", "sampler")
        if not isinstance(data, Mapping) or not all(key in data for key in keys):
            got = sorted(data)[:6] if isinstance(data, Mapping) else type(data).__name__
            raise CorpusError(
                f"expected a responder configuration with {', '.join(keys)}, got {got}"
            )
        known = {f.name for f in dataclasses.fields(CleaningRules)}
        return cls(
            rules=CleaningRules(
                **{k: v for k, v in data["rules"].items() if k in known}
            ),
            max_source_length=int(data["max_source_length"]),
            max_reply_length=int(data.get("max_reply_length", 30)),
            sampler=data["sampler"],
            sampler_options=dict(data.get("sampler_options") or {}),
        )


class Responder:
    """Turns prompts into replies: normalise, check, encode, decode, detokenise.

    Args:
        model: A trained ``Seq2Seq``.
        vocabulary: The vocabulary it was trained with.
        config: How it answers (prompt checks and decoding).
        language_model: The reply language model, for a sampler that takes one
            (``mmi`` reranks with it).
    """

    def __init__(
        self,
        model: keras.Model,
        vocabulary: PairVocabulary,
        config: ResponderConfig,
        language_model=None,
    ) -> None:
        from rnn_pipeline import samplers
        from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator

        expected = (len(vocabulary.source), len(vocabulary.target))
        got = (
            getattr(model, "source_vocabulary_size", None),
            getattr(model, "target_vocabulary_size", None),
        )
        if got != expected:
            raise ValueError(
                "the vocabulary does not match the model: vocabulary sizes "
                f"{expected}, model sizes {got}; re-run the pipeline so both come "
                "from one run"
            )
        self.vocabulary = vocabulary
        self.config = config
        sampler = samplers.build(
            config.sampler, config.sampler_options, language_model=language_model
        )
        self.generator = Seq2SeqGenerator(model, sampler, config.max_reply_length)

    def reply(self, prompts: Sequence[str]) -> list[Reply]:
        """Answer a batch of prompts; prompts that cannot be answered get a message."""
        prepared = [
            prepare_prompt(
                p,
                self.vocabulary.source,
                self.config.rules,
                self.config.max_source_length,
            )
            for p in prompts
        ]
        answerable = [p for p in prepared if p.ids is not None]
        decoded: list[str] = []
        if answerable:
            tokens = self.generator(pad_ids([p.ids for p in answerable]))
            decoded = [self.vocabulary.target.decode(row) for row in tokens]
        answers = iter(decoded)
        replies = []
        for p in prepared:
            answer = next(answers) if p.ids is not None else None
            # An empty answer is kept as it is, with a notice saying why it is empty.
            notes = [p.message, NO_ANSWER if answer == "" else None]
            message = "; ".join(n for n in notes if n) or None
            replies.append(Reply(p.text, answer, message))
        return replies
