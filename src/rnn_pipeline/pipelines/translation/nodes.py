"""Translation-specific nodes: reading and cleaning sentence pairs."""

from __future__ import annotations

import logging

import pandas as pd

from rnn_pipeline.pipelines.seq2seq.options import CleaningOptions
from rnn_pipeline.text.cleaning import clean_pairs, require_pairs_to_split
from rnn_pipeline.text.tsv import parse_tsv_pairs

logger = logging.getLogger(__name__)


def parse_sentence_pairs(raw_pairs: dict) -> tuple[pd.DataFrame, dict]:
    """Parse Anki/Tatoeba TSV into ``source``/``target`` pairs and a parse report."""
    pairs, report = parse_tsv_pairs(raw_pairs["text"], raw_pairs["source"])
    logger.info("Read %d sentence pairs from %s", len(pairs), raw_pairs["source"])
    dropped = report.as_dict()
    pairs.attrs["source"] = raw_pairs["source"]  # kept by parquet, for later errors
    return pairs, {
        "source": raw_pairs["source"],
        "pairs": len(pairs),
        "dropped_lines": dropped["dropped_lines"],
        "first_dropped_line": dropped["first_dropped_line"],
    }


def clean_sentence_pairs(
    sentence_pairs: pd.DataFrame, cleaning_options: CleaningOptions
) -> tuple[pd.DataFrame, dict]:
    """Normalise, filter and dedupe sentence pairs (pairs too long for the model
    are dropped later, by bucketing)."""
    rules = cleaning_options.rules()
    source = sentence_pairs.attrs.get("source", "the corpus")
    clean, dropped = clean_pairs(sentence_pairs, rules, source)
    require_pairs_to_split(clean, len(sentence_pairs), dropped, source)
    logger.info(
        "Cleaning kept %d of %d pairs; dropped %s",
        len(clean),
        len(sentence_pairs),
        dropped,
    )
    return clean, {
        "pairs_before_cleaning": len(sentence_pairs),
        "pairs_kept": len(clean),
        "dropped": dropped,
    }
