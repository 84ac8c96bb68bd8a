"""Chatbot-specific nodes: reading dialogues and pairing their turns."""

from __future__ import annotations

import logging

import pandas as pd

from rnn_pipeline.pipelines.chatbot.options import PairingOptions
from rnn_pipeline.pipelines.seq2seq.options import CleaningOptions
from rnn_pipeline.text.cleaning import (
    clean_pairs,
    pair_turns,
    require_pairs_to_split,
)
from rnn_pipeline.text.conv import parse_conv

logger = logging.getLogger(__name__)


def parse_conversations(raw_corpus: dict) -> tuple[pd.DataFrame, dict]:
    """Parse the ``.conv`` corpus into one row per turn.

    Returns:
        Turns (``conversation``, ``turn``, ``text``) and the parse report (where the
        corpus came from, counts, dropped lines).
    """
    conversations, report = parse_conv(raw_corpus["text"], raw_corpus["source"])
    ids, turns, texts = [], [], []
    for conversation_id, conversation in enumerate(conversations):
        ids.extend([conversation_id] * len(conversation))
        turns.extend(range(len(conversation)))
        texts.extend(conversation)
    logger.info(
        "Read %d conversations, %d turns from %s",
        report.conversations,
        report.turns,
        raw_corpus["source"],
    )
    frame = pd.DataFrame({"conversation": ids, "turn": turns, "text": texts})
    frame["text"] = frame["text"].astype("string")
    frame.attrs["source"] = raw_corpus["source"]  # kept by parquet, for later errors
    return frame, {"source": raw_corpus["source"], **report.as_dict()}


def pair_conversations(
    conversations: pd.DataFrame,
    pairing_options: PairingOptions,
    cleaning_options: CleaningOptions,
) -> tuple[pd.DataFrame, dict]:
    """Pair turns (``consecutive`` or ``two_turn``) and clean the pairs (pairs too
    long for the model are dropped later, by bucketing).

    Returns:
        Clean ``source``/``target`` pairs and a report of what was dropped and why.
    """
    rules = cleaning_options.rules(pairing_options.pairing)
    turns = conversations.sort_values(["conversation", "turn"], kind="stable")
    pairs = pair_turns(
        turns["conversation"].to_numpy(), turns["text"].tolist(), rules.pairing
    )
    source = conversations.attrs.get("source", "the corpus")
    clean, dropped = clean_pairs(pairs, rules, source)
    require_pairs_to_split(clean, len(pairs), dropped, source)
    report = {
        "pairing": rules.pairing,
        "pairs_before_cleaning": len(pairs),
        "pairs_kept": len(clean),
        "dropped": dropped,
    }
    logger.info(
        "Cleaning kept %d of %d pairs; dropped %s", len(clean), len(pairs), dropped
    )
    return clean, report
