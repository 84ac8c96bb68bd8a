"""Reader for sentence-pair files in the Anki/Tatoeba TSV format.

Each line is ``source<TAB>target`` optionally followed by more fields (Tatoeba adds an
attribution); a UTF-8 byte-order mark at the start is ignored.
"""

from __future__ import annotations

import pandas as pd

from rnn_pipeline.text.conv import REPLACEMENT_CHAR, ParseReport
from rnn_pipeline.text.errors import CorpusError


def parse_tsv_pairs(
    text: str, source: str = "<text>", min_fields: int = 2
) -> tuple[pd.DataFrame, ParseReport]:
    """Parse TSV sentence pairs into a ``source``/``target`` frame.

    Lines with fewer than ``min_fields`` tab-separated fields (``wrong_field_count``),
    an empty side (``empty_field``) or undecodable bytes (``invalid_utf8``) are
    counted in the report with their first line number, not fatal.

    Raises:
        CorpusError: If no line holds a pair.
    """
    report = ParseReport()
    sources: list[str] = []
    targets: list[str] = []
    text = text.removeprefix("\ufeff")
    for line_no, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < min_fields:
            report.drop("wrong_field_count", line_no)
        elif not fields[0].strip() or not fields[1].strip():
            report.drop("empty_field", line_no)
        elif REPLACEMENT_CHAR in fields[0] or REPLACEMENT_CHAR in fields[1]:
            report.drop("invalid_utf8", line_no)
        else:
            sources.append(fields[0].strip())
            targets.append(fields[1].strip())
    report.conversations = report.turns = len(sources)
    if not sources:
        raise CorpusError(
            f"{source}: expected lines 'source<TAB>target', found none; "
            f"dropped lines: {report.dropped}"
        )
    report.log_drops(source)
    frame = pd.DataFrame({"source": sources, "target": targets}, dtype="string")
    return frame, report


def format_tsv_pairs(pairs: list[tuple[str, str]]) -> str:
    """Write pairs as TSV (the inverse of ``parse_tsv_pairs``)."""
    return "".join(f"{source}\t{target}\n" for source, target in pairs)
