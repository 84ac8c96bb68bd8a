"""A read-only ``.conv`` corpus with an embedded default when the file is absent."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

from rnn_pipeline.text.chatterbot import chatterbot_conversations
from rnn_pipeline.text.conv import format_conv

logger = logging.getLogger(__name__)


class ConvCorpusDataset(AbstractDataset[None, dict]):
    """Loads a ``.conv`` file as ``{"source": ..., "text": ...}``.

    Bytes that are not UTF-8 are replaced (U+FFFD), so the parser can count the lines
    they spoil instead of the whole load failing. When the file does not exist and a
    ``fallback`` language is given, the Chinese (or other) part of the installed
    ``chatterbot-corpus`` package is used, written in the same ``.conv`` form. The
    corpus is raw data: this dataset never writes.

    Args:
        filepath: Where the user's corpus lives (``data/01_raw/chat.conv``).
        fallback: ``chatterbot-corpus`` language used when the file is absent, or
            ``None`` to require the file.
        metadata: Free-form metadata (kedro-viz layers).
    """

    def __init__(
        self,
        filepath: str,
        fallback: str | None = "chinese",
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._filepath = Path(filepath)
        self._fallback = fallback
        self.metadata = metadata

    def load(self) -> dict:
        if self._filepath.is_file():
            text = self._filepath.read_bytes().decode("utf-8", errors="replace")
            logger.info("Chat corpus: %s", self._filepath)
            return {"source": str(self._filepath), "text": text}
        if self._fallback is None:
            raise DatasetError(
                f"no corpus at {self._filepath}: put a .conv file there "
                "('E' opens a conversation, 'M <utterance>' is each turn)"
            )
        conversations = chatterbot_conversations(self._fallback)
        source = f"chatterbot-corpus/{self._fallback} (embedded default)"
        logger.warning(
            "Chat corpus: %s not found, using the embedded default %s "
            "(%d conversations). Put your own .conv file at %s to use it.",
            self._filepath,
            source,
            len(conversations),
            self._filepath,
        )
        return {"source": source, "text": format_conv(conversations)}

    def save(self, data: None) -> None:
        raise DatasetError(f"{self._filepath} is raw input and is never written")

    def _exists(self) -> bool:
        return self._filepath.is_file() or self._fallback is not None

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "fallback": self._fallback}
