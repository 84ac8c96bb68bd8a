"""How decoded replies read, each figure beside the human answers' own.

A doubled character (们们, 不不) is the commonest slip of a character-level decoder;
some are words (谢谢, 妈妈), which is why the figure is read beside the human
answers' rate, not against zero. Two adjacent characters that never occur together
in the training utterances are a slip (如果们, 伤定) or a new name or rare word: on
small corpora people use such pairs often (41% and 61% of the test answers of two TV
series), so this figure too is read beside the human answers' own. Perplexity
under a character language model of the corpus's utterances says how much the replies
look like the corpus: generic replies score well on it, so it is read beside
diversity and relevance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Protocol

_DOUBLED = re.compile(r"(.)\1")


class PairModel(Protocol):
    """What ``unseen_pair_share`` needs of a language model
    (``NgramLanguageModel`` of order 2 or more)."""

    def seen_pair(self, first: int, second: int) -> bool: ...


def has_doubled_character(text: str) -> bool:
    """Whether some character is immediately repeated."""
    return bool(_DOUBLED.search(text))


def surface_figures(texts: Sequence[str]) -> dict[str, float]:
    """``doubled_share`` (replies with an immediately doubled character),
    ``mean_length`` (characters) and ``empty_share``.

    Raises:
        ValueError: If ``texts`` is empty.
    """
    if not texts:
        raise ValueError("fluency needs at least one reply, got none")
    return {
        "doubled_share": sum(map(has_doubled_character, texts)) / len(texts),
        "mean_length": sum(map(len, texts)) / len(texts),
        "empty_share": sum(not t for t in texts) / len(texts),
    }


def has_unseen_pair(ids: Sequence[int], model: PairModel) -> bool:
    """Whether two adjacent tokens of ``ids`` never occur together where ``model``
    was fitted."""
    return any(not model.seen_pair(a, b) for a, b in pairwise(ids))


def unseen_pair_share(sequences: Sequence[Sequence[int]], model: PairModel) -> float:
    """Share of ``sequences`` (token ids without GO, EOS or PAD) holding a pair of
    adjacent tokens that ``model``'s training text never has.

    Raises:
        ValueError: If ``sequences`` is empty.
    """
    if not sequences:
        raise ValueError("fluency needs at least one reply, got none")
    return sum(has_unseen_pair(ids, model) for ids in sequences) / len(sequences)
