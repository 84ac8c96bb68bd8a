"""Read-only raw text with an embedded default when the user's file is absent."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

logger = logging.getLogger(__name__)


class MissingCorpusError(DatasetError):
    """The corpus file is absent and there is no embedded default."""


class RawTextDataset(AbstractDataset[None, dict]):
    """Loads a raw text file as ``{"source": ..., "text": ...}``; never writes.

    Bytes that are not UTF-8 are replaced (U+FFFD), so parsers can count the lines
    they spoil instead of the whole load failing. Subclasses provide the embedded
    default used when the file does not exist (``_default``), and describe the
    expected format for the error raised when there is neither.

    Args:
        filepath: Where the user's corpus lives (under ``data/01_raw``).
        fallback: Name of the embedded default, or ``None`` to require the file.
        metadata: Free-form metadata (kedro-viz layers).
    """

    #: What a file must look like, for the error when it is missing.
    expected_format = "a UTF-8 text file"

    def __init__(
        self,
        filepath: str,
        fallback: Any = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._filepath = Path(filepath)
        self._fallback = fallback
        self.metadata = metadata

    def load(self) -> dict:
        if self._filepath.is_file():
            text = self._filepath.read_bytes().decode("utf-8", errors="replace")
            logger.info("Corpus: %s", self._filepath)
            return {"source": str(self._filepath), "text": text}
        if self._fallback is None:
            raise MissingCorpusError(
                f"no corpus at {self._filepath}: put {self.expected_format} there"
            )
        source, text = self._default()
        logger.warning(
            "Corpus: %s not found, using the embedded default %s. "
            "Put your own file at %s to use it.",
            self._filepath,
            source,
            self._filepath,
        )
        return {"source": source, "text": text}

    def _default(self) -> tuple[str, str]:
        """The embedded default corpus: ``(description, text)``."""
        raise DatasetError(f"{type(self).__name__} has no embedded default")

    def save(self, data: None) -> None:
        raise DatasetError(f"{self._filepath} is raw input and is never written")

    def _exists(self) -> bool:
        return self._filepath.is_file() or self._fallback is not None

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "fallback": self._fallback}
