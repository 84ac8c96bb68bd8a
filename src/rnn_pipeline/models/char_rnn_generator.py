"""Compiled text generation for ``CharRNN`` models with any sampler."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from keras import ops

from rnn_pipeline.backend import compile_function
from rnn_pipeline.models.char_rnn import CharRNN
from rnn_pipeline.samplers import Sampler
from rnn_pipeline.text import specials
from rnn_pipeline.text.vocab import Vocabulary

# Logit added to the special tokens so no sampler ever emits PAD, GO, EOS or UNK.
_BLOCKED = -1e9


class CharRNNGenerator:
    """Continues start strings character by character with ``sampler``.

    The start string is run once through the recurrent layers (``prime``) to build
    the state; then the sampler's loop calls the model's one-step ``next``, carrying
    that state. Both happen in one compiled function: no re-feeding of the prefix and
    no ``model.predict`` per character. Special tokens are never generated.

    Args:
        model: A trained ``CharRNN``.
        sampler: Chooses each next character.
        length: Characters generated per start string.
    """

    def __init__(self, model: CharRNN, sampler: Sampler, length: int) -> None:
        if length < 1:
            raise ValueError(f"length must be >= 1, got {length}")
        self.model = model
        self.sampler = sampler
        self.length = length
        blocked = np.zeros(model.vocabulary_size, "float32")
        blocked[: len(specials.SPECIAL_TOKENS)] = _BLOCKED
        self._blocked = blocked
        self._from_prefix = compile_function(self._generate_from_prefix)
        self._from_last = compile_function(self._generate_from_last)

    def _next(self, tokens, state):
        logits, state = self.model.next(tokens, state)
        return logits + self._blocked, state

    def _generate_from_prefix(self, prefix, last):
        state = self.model.prime(prefix)
        return self.sampler(self._next, last, state, self.length)[0]

    def _generate_from_last(self, last):
        state = self.model.initial_state(ops.shape(last)[0])
        return self.sampler(self._next, last, state, self.length)[0]

    def __call__(self, start_ids: np.ndarray) -> np.ndarray:
        """Continue ``(batch, start_len)`` ids; returns ``(batch, length)`` new ids."""
        start_ids = np.asarray(start_ids, dtype="int32")
        if start_ids.ndim != 2 or start_ids.shape[1] == 0:
            raise ValueError(
                f"expected start ids of shape (batch, length>0), got {start_ids.shape}"
            )
        last = start_ids[:, -1]
        if start_ids.shape[1] == 1:
            tokens = self._from_last(last)
        else:
            tokens = self._from_prefix(start_ids[:, :-1], last)
        return np.asarray(ops.convert_to_numpy(tokens))


@dataclass(frozen=True)
class GeneratedText:
    """One start string, its continuation, and the start characters read as UNK."""

    start: str
    text: str
    unknown: list[str] = field(default_factory=list)


def generate_texts(
    generator: CharRNNGenerator, vocabulary: Vocabulary, starts: Sequence[str]
) -> list[GeneratedText]:
    """Continue each start string; characters outside the vocabulary become UNK.

    Raises:
        ValueError: If a start string is empty (there is nothing to continue).
    """
    results = []
    for start in starts:
        if not start:
            raise ValueError("a start string must hold at least one character")
        ids = generator(np.asarray([vocabulary.encode(start)], dtype="int32"))[0]
        text = "".join(vocabulary.tokens[int(i)] for i in ids)
        results.append(GeneratedText(start, start + text, vocabulary.unknown(start)))
    return results
