"""Character vocabularies with the reserved ids written into the saved form."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from rnn_pipeline.text import specials
from rnn_pipeline.text.errors import CorpusError

FORMAT = "rnn_pipeline.vocabulary/1"


class Vocabulary:
    """A character vocabulary: the special tokens first, then characters.

    Args:
        tokens: Every token in id order; the first ones must be
            ``specials.SPECIAL_TOKENS`` (PAD=0, GO=1, EOS=2, UNK=3).
    """

    def __init__(self, tokens: Sequence[str]) -> None:
        head = tuple(tokens[: len(specials.SPECIAL_TOKENS)])
        if head != specials.SPECIAL_TOKENS:
            raise CorpusError(
                f"a vocabulary must start with {specials.SPECIAL_TOKENS}, got {head}"
            )
        if len(set(tokens)) != len(tokens):
            raise CorpusError("a vocabulary must not repeat a token")
        self.tokens = list(tokens)
        self._ids = {token: i for i, token in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and self.tokens == other.tokens

    def __contains__(self, char: str) -> bool:
        return char in self._ids and self._ids[char] >= len(specials.SPECIAL_TOKENS)

    def encode(self, text: str) -> list[int]:
        """Map each character to its id; unknown characters become UNK."""
        get = self._ids.get
        return [get(char, specials.UNK) for char in text]

    def decode(self, ids: Iterable[int]) -> str:
        """Turn ids back into text, stopping at EOS and skipping PAD and GO."""
        chars = []
        for i in ids:
            i = int(i)
            if i == specials.EOS:
                break
            if i in (specials.PAD, specials.GO):
                continue
            chars.append(self.tokens[i] if 0 <= i < len(self.tokens) else "")
        return "".join(chars)

    def unknown(self, text: str) -> list[str]:
        """The characters of ``text`` that are not in the vocabulary, in order."""
        return [char for char in dict.fromkeys(text) if char not in self]

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form, with the special ids spelled out."""
        return {
            "format": FORMAT,
            "special_tokens": {
                token: i for i, token in enumerate(specials.SPECIAL_TOKENS)
            },
            "tokens": list(self.tokens),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vocabulary:
        """Load the form written by ``to_dict``, checking the special ids."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            got = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise CorpusError(
                f"expected a vocabulary of format {FORMAT!r}, got {got!r}"
            )
        expected = {token: i for i, token in enumerate(specials.SPECIAL_TOKENS)}
        if data.get("special_tokens") != expected:
            raise CorpusError(
                f"vocabulary special tokens must be {expected}, "
                f"got {data.get('special_tokens')}"
            )
        return cls(data["tokens"])


def build_vocab(
    texts: Iterable[str], min_count: int = 1, max_size: int | None = None
) -> Vocabulary:
    """Count characters and keep the frequent ones.

    Args:
        texts: The texts to count (the training split only).
        min_count: Characters seen fewer times are left out (they map to UNK).
        max_size: Largest vocabulary, special tokens included; ``None`` for no limit.

    Returns:
        A vocabulary ordered by descending count, ties broken by character.
    """
    if min_count < 1:
        raise ValueError(f"min_count must be >= 1, got {min_count}")
    n_special = len(specials.SPECIAL_TOKENS)
    if max_size is not None and max_size <= n_special:
        raise ValueError(f"max_size must be > {n_special}, got {max_size}")
    # One pass over one joined string is several times faster than per-text updates.
    counts: Counter[str] = Counter("".join(texts))
    for token in specials.SPECIAL_TOKENS:
        counts.pop(token, None)
    ranked = sorted(
        (char for char, n in counts.items() if n >= min_count),
        key=lambda char: (-counts[char], char),
    )
    if max_size is not None:
        ranked = ranked[: max_size - n_special]
    return Vocabulary([*specials.SPECIAL_TOKENS, *ranked])


class PairVocabulary:
    """Source and target vocabularies of a seq2seq task, possibly one shared."""

    def __init__(self, source: Vocabulary, target: Vocabulary | None = None) -> None:
        self.source = source
        self.target = target if target is not None else source
        self.shared = target is None or target == source

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form; a shared vocabulary is written once."""
        data: dict[str, Any] = {"shared": self.shared, "source": self.source.to_dict()}
        if not self.shared:
            data["target"] = self.target.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PairVocabulary:
        """Load the form written by ``to_dict``."""
        if not isinstance(data, dict) or "source" not in data:
            keys = list(data)[:5] if isinstance(data, dict) else []
            raise CorpusError(
                "expected a seq2seq vocabulary with a 'source' entry, "
                f"got {type(data).__name__} with keys {keys}"
            )
        source = Vocabulary.from_dict(data["source"])
        if data.get("shared", False):
            return cls(source)
        return cls(source, Vocabulary.from_dict(data["target"]))


def vocabulary_from_dict(data: dict[str, Any]) -> Vocabulary | PairVocabulary:
    """A saved vocabulary: a seq2seq ``PairVocabulary`` (it has a ``source`` entry)
    or a single ``Vocabulary``."""
    if isinstance(data, dict) and "source" in data:
        return PairVocabulary.from_dict(data)
    return Vocabulary.from_dict(data)
