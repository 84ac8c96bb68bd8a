"""Plain-text corpora: line-ending normalisation, line filters, contiguous splits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnn_pipeline.text.errors import CorpusError


@dataclass(frozen=True)
class TextCleaningRules:
    """What cleaning keeps of a plain-text corpus.

    Attributes:
        strip_trailing_spaces: Remove spaces and tabs at the end of every line.
        drop_blank_lines: Remove lines that are empty (after stripping).
        min_line_chars: Drop lines shorter than this (0 keeps all).
        max_line_chars: Drop lines longer than this (``None`` keeps all).
        max_chars: Keep only the first lines up to this many characters in total
            (``None`` keeps all); bounds training time on large corpora.
    """

    strip_trailing_spaces: bool = True
    drop_blank_lines: bool = False
    min_line_chars: int = 0
    max_line_chars: int | None = None
    max_chars: int | None = None


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(text: str, rules: TextCleaningRules) -> tuple[str, dict[str, int]]:
    """Normalise line endings and apply the line filters of ``rules``.

    Returns:
        The cleaned text (LF line endings, ending with a newline unless empty) and
        counts: ``lines_in``, ``lines_kept``, one ``dropped_<reason>`` per filter,
        ``chars_in`` and ``chars_kept``.
    """
    lines = normalize_newlines(text).split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline does not open another line
    dropped = {"blank": 0, "too_short": 0, "too_long": 0, "over_max_chars": 0}
    kept: list[str] = []
    total = 0
    full = False
    for line in lines:
        if rules.strip_trailing_spaces:
            line = line.rstrip(" \t")
        if rules.drop_blank_lines and not line.strip():
            dropped["blank"] += 1
        elif len(line) < rules.min_line_chars:
            dropped["too_short"] += 1
        elif rules.max_line_chars is not None and len(line) > rules.max_line_chars:
            dropped["too_long"] += 1
        elif full or (
            rules.max_chars is not None and total + len(line) + 1 > rules.max_chars
        ):
            full = True  # a contiguous prefix: nothing after the first overflow
            dropped["over_max_chars"] += 1
        else:
            kept.append(line)
            total += len(line) + 1
    cleaned = "".join(line + "\n" for line in kept)
    report = {
        "lines_in": len(lines),
        "lines_kept": len(kept),
        **{f"dropped_{reason}": n for reason, n in dropped.items()},
        "chars_in": len(text),
        "chars_kept": len(cleaned),
    }
    return cleaned, report


def split_contiguous(
    text: str, validation_fraction: float, block_chars: int
) -> tuple[str, str]:
    """Split ``text`` into train and validation parts made of contiguous blocks.

    The text is cut into blocks of about ``block_chars`` characters; evenly spaced
    blocks (about ``validation_fraction`` of them, at least one) form the validation
    part, so it samples the whole corpus while each block keeps its running text.
    The same input always gives the same split.

    Raises:
        ValueError: If the fraction is not in (0, 1) or ``block_chars`` < 1.
        CorpusError: If the text has fewer than two characters.
    """
    if not 0.0 < validation_fraction < 1.0:
        raise ValueError(
            f"validation_fraction must be in (0, 1), got {validation_fraction}"
        )
    if block_chars < 1:
        raise ValueError(f"block_chars must be >= 1, got {block_chars}")
    if len(text) < 2:
        raise CorpusError(
            f"need at least 2 characters to split, got {len(text)}: "
            "is the cleaned corpus empty?"
        )
    n_blocks = max(2, -(-len(text) // block_chars))
    edges = np.linspace(0, len(text), n_blocks + 1).round().astype(int)
    n_validation = min(max(1, round(n_blocks * validation_fraction)), n_blocks - 1)
    # Evenly spaced validation blocks, centred in their stretch of the corpus.
    step = n_blocks / n_validation
    chosen = {int(step * i + step / 2) for i in range(n_validation)}
    blocks = [text[edges[i] : edges[i + 1]] for i in range(n_blocks)]
    train = "".join(b for i, b in enumerate(blocks) if i not in chosen)
    validation = "".join(b for i, b in enumerate(blocks) if i in chosen)
    return train, validation
