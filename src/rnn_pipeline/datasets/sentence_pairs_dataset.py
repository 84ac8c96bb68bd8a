"""Sentence pairs in the Anki/Tatoeba TSV format; the embedded default is the
synthetic date-format task."""

from __future__ import annotations

from typing import Any

from kedro.io import DatasetError

from rnn_pipeline.datasets.raw_text_dataset import RawTextDataset
from rnn_pipeline.text.dates import date_pairs
from rnn_pipeline.text.tsv import format_tsv_pairs


class SentencePairsDataset(RawTextDataset):
    """A ``source<TAB>target[<TAB>...]`` file, or a generated default.

    ``fallback: {task: dates, size: 20000, seed: 0}`` generates human-written dates
    with their ISO 8601 form, the same for a given seed on every machine.
    """

    expected_format = "a TSV file of 'source<TAB>target' lines"
    log_label = "Sentence pairs"

    def __init__(self, filepath: str, fallback: dict[str, Any] | None = None, **kw):
        if fallback is not None and fallback.get("task") != "dates":
            raise DatasetError(
                f"fallback task must be 'dates', got {fallback.get('task')!r}"
            )
        super().__init__(filepath, fallback, **kw)

    def _default(self) -> tuple[str, str]:
        size = int(self._fallback.get("size", 20_000))
        seed = int(self._fallback.get("seed", 0))
        source = f"generated date formats (embedded default, {size} pairs, seed {seed})"
        return source, format_tsv_pairs(date_pairs(size, seed))
