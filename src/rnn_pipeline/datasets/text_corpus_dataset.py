"""A read-only plain-text corpus, with an optional embedded default."""

from __future__ import annotations

import sysconfig
from pathlib import Path
from typing import Any

from kedro.io import DatasetError

from rnn_pipeline.datasets.raw_text_dataset import RawTextDataset
from rnn_pipeline.text.corpora import PYDOC_TOPICS, python_docs_text


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


def pydoc_topics_text() -> tuple[str, str]:
    """The Python documentation topics shipped with the standard library (English)."""
    return f"{PYDOC_TOPICS} (standard-library default)", python_docs_text()


# Embedded defaults, by the name a catalog entry gives as `fallback`.
FALLBACKS = {"python_stdlib": python_stdlib_text, "pydoc_topics": pydoc_topics_text}


class TextCorpusDataset(RawTextDataset):
    """A plain UTF-8 text corpus (``{"source": ..., "text": ...}``), read-only.

    When the file is absent, ``fallback`` supplies real text present on every Python
    install: ``python_stdlib`` (the standard library's sources, for char-RNN "code")
    or ``pydoc_topics`` (the English documentation topics, for word vectors); without
    a fallback the load fails with a message naming the file to create.

    Args:
        filepath: Where the user's corpus lives (``data/01_raw/poetry.txt``).
        fallback: ``python_stdlib``, ``pydoc_topics`` or ``None`` (file required).
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
                f"fallback must be one of {sorted(FALLBACKS)} or null, got {fallback!r}"
            )
        super().__init__(filepath, fallback, metadata)
        self._description = description
        self.expected_format = f"the corpus ({description})"

    def _default(self) -> tuple[str, str]:
        source, text = FALLBACKS[self._fallback]()
        return f"{source} (embedded default)", text

    def _describe(self) -> dict[str, Any]:
        return {**super()._describe(), "description": self._description}
