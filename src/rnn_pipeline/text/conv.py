"""Reader for the ``.conv`` dialogue format.

A line ``E`` opens a conversation and each ``M <utterance>`` line is its next turn.
Files may mix CRLF and LF line endings and contain blank lines.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from rnn_pipeline.text.errors import CorpusError

logger = logging.getLogger(__name__)

REPLACEMENT_CHAR = "\ufffd"


@dataclass
class ParseReport:
    """Counts of what the parser read and dropped, with the first line of each drop."""

    conversations: int = 0
    turns: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)

    def drop(self, reason: str, line_no: int) -> None:
        """Count a dropped line for ``reason``, remembering where it first happened."""
        self.dropped[reason] = self.dropped.get(reason, 0) + 1
        self.first_line.setdefault(reason, line_no)

    def log_drops(self, source: str) -> None:
        """Warn once per reason: how many lines were dropped and the first one."""
        for reason, count in self.dropped.items():
            logger.warning(
                "%s: dropped %d %s line(s), first at line %d",
                source,
                count,
                reason,
                self.first_line[reason],
            )

    def as_dict(self) -> dict:
        """Return the report as plain JSON-friendly data."""
        return {
            "conversations": self.conversations,
            "turns": self.turns,
            "dropped_lines": dict(self.dropped),
            "first_dropped_line": dict(self.first_line),
        }


def parse_conv(
    text: str, source: str = "<text>"
) -> tuple[list[list[str]], ParseReport]:
    """Parse ``.conv`` text into conversations, each a list of utterances.

    Lines that cannot be used are counted in the report rather than failing the run:
    ``M`` with no text (``empty_utterance``), lines that are neither ``E`` nor ``M``
    (``unknown_line``) and lines that were not valid UTF-8 when read
    (``invalid_utf8``, seen as U+FFFD).

    Args:
        text: The whole file, already decoded (undecodable bytes replaced).
        source: File name used in error messages.

    Returns:
        The conversations that have at least one turn, and the parse report.

    Raises:
        CorpusError: If an ``M`` line comes before any ``E`` line, or if no
            conversation with a turn is found.
    """
    conversations: list[list[str]] = []
    report = ParseReport()
    current: list[str] | None = None
    # Split on LF only: str.splitlines would also break on U+0085 and U+2028, which
    # occur inside real (mis-encoded) utterances. CR of CRLF goes with the strip.
    for line_no, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        tag = line[0]
        if tag == "E" and len(line) == 1:
            if current:
                conversations.append(current)
            current = []
        elif tag == "M" and (len(line) == 1 or line[1] in " \t"):
            utterance = line[1:].strip()
            if current is None:
                raise CorpusError(
                    f"{source}, line {line_no}: expected a line 'E' opening a "
                    f"conversation before the first 'M' line, got {line[:40]!r}"
                )
            if not utterance:
                report.drop("empty_utterance", line_no)
            elif REPLACEMENT_CHAR in utterance:
                report.drop("invalid_utf8", line_no)
            else:
                current.append(utterance)
        else:
            report.drop("unknown_line", line_no)
    if current:
        conversations.append(current)
    report.conversations = len(conversations)
    report.turns = sum(len(c) for c in conversations)
    if not conversations:
        raise CorpusError(
            f"{source}: expected conversations ('E' lines followed by "
            f"'M <utterance>' lines), found none; dropped lines: {report.dropped}"
        )
    report.log_drops(source)
    return conversations, report


def format_conv(conversations: list[list[str]]) -> str:
    """Write conversations in the ``.conv`` format (the inverse of ``parse_conv``)."""
    lines: list[str] = []
    for conversation in conversations:
        lines.append("E")
        lines.extend(f"M {utterance}" for utterance in conversation)
    return "\n".join(lines) + "\n"
