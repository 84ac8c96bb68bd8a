"""Decoding a corpus file's bytes as UTF-8, naming the real cause when it is not.

A file saved as UTF-16 or GBK, or one that is not text at all, would otherwise decode
to replacement characters and end far downstream in a misleading message ("found no
conversations", "loosen the cleaning options"). ``decode_corpus`` says what the file
is and what to do instead.
"""

from __future__ import annotations

import codecs
import logging

from rnn_pipeline.text.errors import CorpusError

logger = logging.getLogger(__name__)

REPLACEMENT_CHAR = "\ufffd"
# Byte-order marks of encodings that are not UTF-8 (UTF-32 first: its LE mark starts
# with UTF-16's).
FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
#: Share of undecodable lines above which the file is refused rather than read.
MAX_BAD_LINE_SHARE = 0.5
#: Share above which a warning names it (the lines themselves are dropped later).
WARN_BAD_LINE_SHARE = 0.01


def decode_corpus(data: bytes, source: str) -> str:
    """Decode ``data`` as UTF-8 (an optional UTF-8 byte-order mark is dropped).

    A few undecodable lines are kept as U+FFFD so that parsers count and drop them;
    a warning gives their share once it passes 1%.

    Args:
        data: The file's bytes.
        source: The file, named in messages.

    Returns:
        The decoded text.

    Raises:
        CorpusError: If the file is UTF-16/UTF-32, GBK/GB18030, or if more than half
            of its non-blank lines are not UTF-8; the message says to save it as UTF-8.
    """
    for bom, encoding in FOREIGN_BOMS:
        if data.startswith(bom):
            raise CorpusError(
                f"{source}: this file is {encoding} (it starts with a {encoding} "
                f"byte-order mark); expected UTF-8: save it as UTF-8"
            )
    text = data.decode("utf-8-sig", errors="replace")
    if REPLACEMENT_CHAR not in text:
        return text
    lines = [line for line in text.split("\n") if line.strip()]
    bad = sum(REPLACEMENT_CHAR in line for line in lines)
    share = bad / max(len(lines), 1)
    if share > WARN_BAD_LINE_SHARE:
        guess = _other_encoding(data)
        if guess is not None:
            raise CorpusError(
                f"{source}: this file is not UTF-8 ({bad} of {len(lines)} lines are "
                f"not) but reads as {guess}; save it as UTF-8 (e.g. iconv -f "
                f"{guess.split('/')[0]} -t UTF-8)"
            )
    if share > MAX_BAD_LINE_SHARE:
        raise CorpusError(
            f"{source}: expected UTF-8 text, but {bad} of {len(lines)} lines "
            f"({share:.0%}) are not valid UTF-8: is it text? Save it as UTF-8"
        )
    if share > WARN_BAD_LINE_SHARE:
        logger.warning(
            "%s: %d of %d lines (%.1f%%) are not valid UTF-8 and will be dropped",
            source,
            bad,
            len(lines),
            100 * share,
        )
    return text


def _other_encoding(data: bytes) -> str | None:
    """The legacy encoding ``data`` decodes in without error, if any.

    Only UTF-16 without a mark (every other byte NUL in ASCII text) and the Chinese
    GBK/GB18030 are tried: random bytes fail both.
    """
    sample = data[:65536]
    if 0 in sample:  # NUL bytes: never in UTF-8 text, half of UTF-16's ASCII
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                decoded = sample[: len(sample) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                continue
            readable = sum(c.isprintable() or c.isspace() for c in decoded)
            if readable >= 0.95 * len(decoded):
                return "UTF-16"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "GBK/GB18030"
