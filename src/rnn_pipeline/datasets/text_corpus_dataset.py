"""A read-only plain-text corpus with a standard-library default when it is absent."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

from rnn_pipeline.text.corpora import PYDOC_TOPICS, python_docs_text

logger = logging.getLogger(__name__)

FALLBACKS = ("pydoc_topics",)


class TextCorpusDataset(AbstractDataset[None, dict]):
    """Loads a UTF-8 text file as ``{"source": ..., "text": ...}``.

    When the file does not exist and ``fallback`` is ``pydoc_topics``, the Python
    documentation topics of the standard library are used (no download). The log and
    the ``source`` field say which text was read. Raw data: never written.

    Args:
        filepath: Where the user's corpus lives (``data/01_raw/embeddings.txt``).
        fallback: ``pydoc_topics``, or ``None`` to require the file.
        metadata: Free-form metadata (kedro-viz layers).
    """

    def __init__(
        self,
        filepath: str,
        fallback: str | None = "pydoc_topics",
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if fallback not in (*FALLBACKS, None):
            raise DatasetError(
                f"fallback must be one of {FALLBACKS} or null, got {fallback!r}"
            )
        self._filepath = Path(filepath)
        self._fallback = fallback
        self.metadata = metadata

    def load(self) -> dict:
        if self._filepath.is_file():
            text = self._filepath.read_bytes().decode("utf-8", errors="replace")
            logger.info("Embeddings corpus: %s", self._filepath)
            return {"source": str(self._filepath), "text": text}
        if self._fallback is None:
            raise DatasetError(f"no corpus at {self._filepath}: put a UTF-8 text there")
        source = f"{PYDOC_TOPICS} (standard-library default)"
        logger.warning(
            "Embeddings corpus: %s not found, using %s. Put your own text at %s to "
            "use it.",
            self._filepath,
            source,
            self._filepath,
        )
        return {"source": source, "text": python_docs_text()}

    def save(self, data: None) -> None:
        raise DatasetError(f"{self._filepath} is raw input and is never written")

    def _exists(self) -> bool:
        return self._filepath.is_file() or self._fallback is not None

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "fallback": self._fallback}
