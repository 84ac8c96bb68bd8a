"""A read-only plain-text corpus, with an optional embedded default."""

from __future__ import annotations

import logging
import sysconfig
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

logger = logging.getLogger(__name__)

FALLBACKS = ("python_stdlib",)


def python_stdlib_text() -> tuple[str, str]:
    """The top-level ``*.py`` files of the running Python's standard library.

    Real text present wherever the project installs (the classic char-RNN "code"
    corpus), read in file-name order so the corpus is the same on every run.

    Returns:
        A description of the source and the concatenated sources.
    """
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(stdlib.glob("*.py"))
    if not files:
        raise DatasetError(f"no Python sources found in the standard library {stdlib}")
    text = "".join(
        path.read_bytes().decode("utf-8", errors="replace") for path in files
    )
    return f"python standard library {stdlib} ({len(files)} files)", text


class TextCorpusDataset(AbstractDataset[None, dict]):
    """Loads a UTF-8 text file as ``{"source": ..., "text": ...}``.

    Undecodable bytes become U+FFFD instead of failing the load. When the file is
    absent, ``fallback`` (``python_stdlib``) supplies an embedded corpus; without a
    fallback the load fails with a message naming the file to create. The corpus is
    raw data: this dataset never writes.

    Args:
        filepath: Where the user's corpus lives (``data/01_raw/poetry.txt``).
        fallback: ``python_stdlib`` or ``None`` to require the file.
        description: What the file should hold, for the missing-file message.
        metadata: Free-form metadata (kedro-viz layers).
    """

    def __init__(
        self,
        filepath: str,
        fallback: str | None = None,
        description: str = "plain UTF-8 text",
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if fallback is not None and fallback not in FALLBACKS:
            raise DatasetError(
                f"fallback must be one of {FALLBACKS} or null, got {fallback!r}"
            )
        self._filepath = Path(filepath)
        self._fallback = fallback
        self._description = description
        self.metadata = metadata

    def load(self) -> dict:
        if self._filepath.is_file():
            text = self._filepath.read_bytes().decode("utf-8", errors="replace")
            logger.info("Text corpus: %s (%d characters)", self._filepath, len(text))
            return {"source": str(self._filepath), "text": text}
        if self._fallback is None:
            raise DatasetError(
                f"no corpus at {self._filepath}: put the corpus there "
                f"({self._description}), relative to the project root"
            )
        source, text = python_stdlib_text()
        source = f"{source} (embedded default)"
        logger.warning(
            "Text corpus: %s not found, using the embedded default %s. "
            "Put your own text at %s to use it.",
            self._filepath,
            source,
            self._filepath,
        )
        return {"source": source, "text": text}

    def save(self, data: None) -> None:
        raise DatasetError(f"{self._filepath} is raw input and is never written")

    def _exists(self) -> bool:
        return self._filepath.is_file() or self._fallback is not None

    def _describe(self) -> dict[str, Any]:
        return {
            "filepath": str(self._filepath),
            "fallback": self._fallback,
            "description": self._description,
        }
