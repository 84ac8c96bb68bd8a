"""Turning conversations into clean (source, target) pairs.

Every rule is a parameter, and every pair removed is counted under a reason so the
cleaning report says where the data went.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnn_pipeline.text.errors import CorpusError

PAIRING_MODES = ("consecutive", "two_turn")

# ASCII punctuation that Chinese subtitles mix with its full-width forms.
_FULLWIDTH = str.maketrans(
    {
        "?": "？",
        ",": "，",
        "!": "！",
        ":": "：",
        ";": "；",
        "(": "（",
        ")": "）",
    }
)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。！？：；、“”‘’（）《》〈〉【】…—～·「」『』"
_CHINESE_ONLY = re.compile(f"[{_CJK}{_CJK_PUNCT}]+")
# Subtitles write names and numbers in Latin script: "我是Jack", "坐标3".
_LATIN_WORDS = "A-Za-z0-9 '\"%.\\-"
_CHINESE_AND_LATIN = re.compile(f"[{_CJK}{_CJK_PUNCT}{_LATIN_WORDS}]+")
_SPACES = re.compile(r"\s+")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
_ELLIPSIS = re.compile(r"\.{2,}|。{2,}")
_SPACE_AROUND_CJK_PUNCT = re.compile(f" ?([{_CJK_PUNCT}]) ?")


@dataclass(frozen=True)
class CleaningRules:
    """How utterances are normalised and which pairs are kept.

    Attributes:
        pairing: ``consecutive`` pairs every turn with the next one; ``two_turn`` keeps
            only conversations of exactly two turns (the seed's rule).
        fullwidth_punctuation: Map ASCII ``? , ! : ; ( )`` to their CJK forms.
        space_to_comma: A space between two CJK characters (a subtitle pause) becomes
            ``，``.
        chinese_only: Keep only utterances made of CJK characters and Chinese
            punctuation.
        latin_words: With ``chinese_only``, also keep utterances with ASCII
            letters, digits, spaces and quotes (the names and numbers of
            subtitles, a third of a TV corpus); other scripts are still dropped.
        min_chars: Shortest utterance kept, in characters.
        dedupe: Drop repeated (source, target) pairs, keeping the first.
    """

    pairing: str = "consecutive"
    fullwidth_punctuation: bool = True
    space_to_comma: bool = True
    chinese_only: bool = True
    latin_words: bool = False
    min_chars: int = 2
    dedupe: bool = True

    def __post_init__(self) -> None:
        if self.pairing not in PAIRING_MODES:
            raise ValueError(
                f"pairing must be one of {PAIRING_MODES}, got {self.pairing!r}"
            )
        if self.min_chars < 1:
            raise ValueError(f"min_chars must be >= 1, got {self.min_chars}")


def normalize_utterance(text: str, rules: CleaningRules) -> str:
    """Normalise whitespace and punctuation of one utterance."""
    text = _SPACES.sub(" ", text).strip()
    text = _ELLIPSIS.sub("…", text)
    if rules.fullwidth_punctuation:
        text = text.translate(_FULLWIDTH)
    if rules.space_to_comma:
        text = _SPACE_BETWEEN_CJK.sub("，", text)
    # Full-width punctuation carries its own spacing.
    return _SPACE_AROUND_CJK_PUNCT.sub(r"\1", text)


def is_chinese_only(text: str, latin_words: bool = False) -> bool:
    """True when every character is a CJK character or Chinese punctuation (or,
    with ``latin_words``, an ASCII letter, digit, space or quote)."""
    pattern = _CHINESE_AND_LATIN if latin_words else _CHINESE_ONLY
    return pattern.fullmatch(text) is not None


def make_pairs(conversations: list[list[str]], pairing: str) -> pd.DataFrame:
    """Pair turns of conversations into a ``source``/``target`` frame.

    Args:
        conversations: Lists of utterances.
        pairing: ``consecutive`` (turn i -> turn i+1) or ``two_turn``.

    Returns:
        A frame with ``source`` and ``target`` string columns.
    """
    if pairing not in PAIRING_MODES:
        raise ValueError(f"pairing must be one of {PAIRING_MODES}, got {pairing!r}")
    sources: list[str] = []
    targets: list[str] = []
    for turns in conversations:
        if pairing == "two_turn" and len(turns) != 2:
            continue
        sources.extend(turns[:-1])
        targets.extend(turns[1:])
    return pd.DataFrame({"source": sources, "target": targets}, dtype="string")


def pair_turns(
    conversation_ids: Sequence[int], texts: Sequence[str], pairing: str
) -> pd.DataFrame:
    """Like ``make_pairs``, from flat turns sorted by conversation and turn.

    Vectorised: a turn pairs with the next one when both belong to one conversation.
    """
    if pairing not in PAIRING_MODES:
        raise ValueError(f"pairing must be one of {PAIRING_MODES}, got {pairing!r}")
    ids = np.asarray(conversation_ids)
    texts = np.asarray(texts, dtype=object)
    same = ids[:-1] == ids[1:]
    if pairing == "two_turn":
        _, starts, counts = np.unique(ids, return_index=True, return_counts=True)
        keep = np.zeros(len(ids), dtype=bool)
        keep[starts[counts == 2]] = True
        same &= keep[:-1]
    rows = np.flatnonzero(same)
    frame = pd.DataFrame(
        {"source": texts[rows], "target": texts[rows + 1]}, dtype="string"
    )
    # Which conversation each pair comes from: a split by conversation keeps them
    # together (consecutive pairs share an utterance).
    return frame.assign(conversation=ids[rows])


def clean_pairs(
    pairs: pd.DataFrame, rules: CleaningRules, corpus: str = "the corpus"
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Normalise, filter and dedupe pairs. (Pairs too long for the model are dropped
    by bucketing, measured on the token ids it trains on.)

    Runs in linear time: each pair is visited once and duplicates are found through a
    set of seen pairs.

    Args:
        pairs: A frame with ``source`` and ``target`` columns.
        rules: The cleaning rules.
        corpus: The corpus file, named in errors.

    Returns:
        The kept pairs (index reset) and the number dropped for each reason.

    Raises:
        CorpusError: If the columns are missing, nothing is left after cleaning
            (a model trained on nothing would be silently useless), or removing
            duplicates leaves fewer than 2 distinct pairs (nothing to split).
    """
    missing = {"source", "target"} - set(pairs.columns)
    if missing:
        raise CorpusError(
            f"expected columns 'source' and 'target', got {list(pairs.columns)}"
        )
    dropped: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    kept_sources: list[str] = []
    kept_targets: list[str] = []
    kept_rows: list[int] = []
    for row, (source, target) in enumerate(
        zip(pairs["source"].tolist(), pairs["target"].tolist(), strict=True)
    ):
        source = normalize_utterance(source or "", rules)
        target = normalize_utterance(target or "", rules)
        if len(source) < rules.min_chars or len(target) < rules.min_chars:
            dropped["too_short"] += 1
        elif rules.chinese_only and not (
            is_chinese_only(source, rules.latin_words)
            and is_chinese_only(target, rules.latin_words)
        ):
            dropped["not_chinese"] += 1
        elif rules.dedupe and (source, target) in seen:
            dropped["duplicate"] += 1
        else:
            if rules.dedupe:
                seen.add((source, target))
            kept_sources.append(source)
            kept_targets.append(target)
            kept_rows.append(row)
    if len(kept_sources) < 2 and dropped["duplicate"]:
        raise CorpusError(
            f"{corpus}: only {len(kept_sources)} distinct pair(s) left after removing "
            f"{dropped['duplicate']} duplicate(s) of {len(pairs)} pairs; the corpus "
            "repeats the same lines: expected at least 2 different pairs"
        )
    if not kept_sources:
        raise CorpusError(
            f"no pair is left after cleaning {len(pairs)} pairs of {corpus} "
            f"(dropped: {dict(dropped)}); loosen the cleaning options "
            "(chinese_only, min_chars) or check the corpus"
        )
    kept = pd.DataFrame(
        {"source": kept_sources, "target": kept_targets}, dtype="string"
    )
    if "conversation" in pairs.columns:  # kept for a split by conversation
        kept["conversation"] = pairs["conversation"].to_numpy()[kept_rows]
    return kept, dict(dropped)


def require_pairs_to_split(
    kept: pd.DataFrame, pairs_before: int, dropped: dict[str, int], corpus: str
) -> None:
    """Refuse a cleaned corpus of one pair, naming the file and what cleaning dropped
    (the train/test split needs two; ``split_frame`` alone could not say why).

    Raises:
        CorpusError: If ``kept`` has fewer than 2 rows.
    """
    if len(kept) < 2:
        raise CorpusError(
            f"{corpus} cleaned to {len(kept)} of its {pairs_before} pairs (dropped: "
            f"{dropped}): at least 2 are needed to split train/test; add "
            "conversations or loosen the cleaning options (chinese_only, min_chars)"
        )
