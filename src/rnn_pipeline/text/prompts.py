"""Checking what a user types before it reaches a model."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rnn_pipeline.text.cleaning import (
    CleaningRules,
    is_chinese_only,
    normalize_utterance,
)
from rnn_pipeline.text.vocab import Vocabulary


@dataclass(frozen=True)
class PreparedPrompt:
    """A prompt ready for the model, or the reason it cannot be answered.

    Attributes:
        text: The normalised prompt.
        ids: Token ids to feed the model; ``None`` when it cannot be answered.
        message: What to tell the user (a refusal, or a notice about unknown
            characters); ``None`` when there is nothing to say.
    """

    text: str
    ids: list[int] | None
    message: str | None = None


def _has_known_content(text: str, vocabulary: Vocabulary) -> bool:
    """Whether a letter, digit or ideograph of ``text`` is in the vocabulary.

    Spaces and punctuation alone give a model nothing to read: "你好 世界" with
    only the space known is as unreadable as text with nothing known.
    """
    return any(
        char in vocabulary and unicodedata.category(char)[0] not in "PZSC"
        for char in set(text)
    )


def prepare_prompt(
    text: str, vocabulary: Vocabulary, rules: CleaningRules, max_length: int
) -> PreparedPrompt:
    """Normalise a prompt like the training data and check it can be answered.

    Never raises on a string: every problem becomes a message.
    """
    text = normalize_utterance(str(text), rules)
    if not text:
        return PreparedPrompt(text, None, "Please type a message.")
    if len(text) > max_length:
        return PreparedPrompt(
            text,
            None,
            f"That message has {len(text)} characters; the model reads at most "
            f"{max_length}. Please shorten it.",
        )
    if rules.chinese_only and not is_chinese_only(text, rules.latin_words):
        allowed = " (and Latin names or numbers)" if rules.latin_words else ""
        return PreparedPrompt(
            text,
            None,
            "This model was trained on Chinese only: please write in Chinese "
            f"characters and Chinese punctuation{allowed}.",
        )
    unknown = vocabulary.unknown(text)
    if not _has_known_content(text, vocabulary):
        return PreparedPrompt(
            text, None, "None of these characters was seen in training; try others."
        )
    message = None
    if unknown:
        message = (
            f"Characters not seen in training are read as unknown: {''.join(unknown)}"
        )
    return PreparedPrompt(text, vocabulary.encode(text), message)
