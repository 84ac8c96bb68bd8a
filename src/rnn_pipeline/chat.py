"""Answering prompts with a trained seq2seq model (no Kedro here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import keras

from rnn_pipeline import samplers
from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator
from rnn_pipeline.text.cleaning import CleaningRules
from rnn_pipeline.text.prompts import prepare_prompt
from rnn_pipeline.text.vocab import PairVocabulary
from rnn_pipeline.training.batching import pad_ids


@dataclass(frozen=True)
class Reply:
    """The model's answer to one prompt, or why there is none."""

    prompt: str
    reply: str | None
    message: str | None = None


class Responder:
    """Turns prompts into replies: normalise, check, encode, decode, detokenise.

    Args:
        model: A trained ``Seq2Seq``.
        vocabulary: The vocabulary it was trained with.
        rules: The cleaning rules of its training data (prompts get the same).
        max_source_length: Longest prompt accepted (the largest bucket's source).
        max_reply_length: Most characters of a reply.
        sampler: Sampler name; ``sampler_options`` are its arguments.
        language_model: The reply language model the ``mmi`` sampler reranks with.
    """

    def __init__(
        self,
        model: keras.Model,
        vocabulary: PairVocabulary,
        rules: CleaningRules,
        max_source_length: int,
        max_reply_length: int = 30,
        sampler: str = "greedy",
        sampler_options: dict | None = None,
        language_model=None,
    ) -> None:
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
        self.rules = rules
        self.max_source_length = max_source_length
        options = dict(sampler_options or {})
        if sampler == "mmi":
            options["language_model"] = language_model
        self.generator = Seq2SeqGenerator(
            model, samplers.get(sampler, **options), max_reply_length
        )

    def reply(self, prompts: Sequence[str]) -> list[Reply]:
        """Answer a batch of prompts; prompts that cannot be answered get a message."""
        prepared = [
            prepare_prompt(
                p, self.vocabulary.source, self.rules, self.max_source_length
            )
            for p in prompts
        ]
        answerable = [p for p in prepared if p.ids is not None]
        decoded: list[str] = []
        if answerable:
            tokens = self.generator(pad_ids([p.ids for p in answerable]))
            decoded = [self.vocabulary.target.decode(row) for row in tokens]
        answers = iter(decoded)
        return [
            Reply(p.text, next(answers) if p.ids is not None else None, p.message)
            for p in prepared
        ]
