"""How decoded replies read, each figure beside the human answers' own.

A doubled character (们们, 不不) is the commonest slip of a character-level decoder;
some are words (谢谢, 妈妈), which is why the figure is read beside the human
answers' rate, not against zero. Perplexity under a character language model of the
corpus's utterances says how much the replies look like the corpus: generic replies
score well on it, so it is read beside diversity and relevance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_DOUBLED = re.compile(r"(.)\1")


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
