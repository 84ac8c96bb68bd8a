"""Read-only raw text with an embedded default when the user's file is absent."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

from rnn_pipeline.text.decoding import decode_corpus
from rnn_pipeline.text.errors import CorpusError

logger = logging.getLogger(__name__)


class MissingCorpusError(DatasetError):
    """The corpus file is absent and there is no embedded default."""


class CorpusFileError(DatasetError, CorpusError):
    """Something is at the corpus path, but not a readable file in the expected
    encoding (a folder, a dangling link, UTF-16, GBK, binary data)."""


class RawTextDataset(AbstractDataset[None, dict]):
    """Loads a raw text file as ``{"source": ..., "text": ...}``; never writes.

    A few lines that are not UTF-8 are kept as U+FFFD, so parsers can count the lines
    they spoil; a file in another encoding is an error naming it
    (``text.decoding.decode_corpus``). Anything at the path that is not a readable
    file (a folder, a dangling link) is an error too: the default is used only when
    nothing is there. Subclasses provide the embedded
    default used when the file does not exist (``_default``), and describe the
    expected format for the error raised when there is neither.

    Args:
        filepath: Where the user's corpus lives (under ``data/01_raw``).
        fallback: Name of the embedded default, or ``None`` to require the file.
        metadata: Free-form metadata (kedro-viz layers).
    """

    #: What a file must look like, for the error when it is missing.
    expected_format = "a UTF-8 text file"
    #: How the log names the corpus read (``<label>: <file>``).
    log_label = "Corpus"

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
        if os.path.lexists(self._filepath):
            try:
                text = decode_corpus(self._read_bytes(), str(self._filepath))
            except CorpusError as exc:
                raise CorpusFileError(str(exc)) from None
            logger.info("%s: %s", self.log_label, self._filepath)
            return {"source": str(self._filepath), "text": text}
        if self._fallback is None:
            raise MissingCorpusError(
                f"no corpus at {self._filepath}: put {self.expected_format} there"
            )
        source, text = self._default()
        logger.warning(
            "%s: %s not found, using the embedded default %s. "
            "Put your own file at %s to use it.",
            self.log_label,
            self._filepath,
            source,
            self._filepath,
        )
        return {"source": source, "text": text}

    def _read_bytes(self) -> bytes:
        """The bytes of the file at the path; something else there is an error.

        The embedded default stands in only when nothing is at the path: a folder,
        a dangling link or an unreadable file there is a mistake to name, not a
        reason to train on other data.
        """
        path = self._filepath
        if path.is_symlink() and not path.exists():
            problem = f"a link to {os.readlink(path)}, which does not exist"
        elif path.is_dir():
            problem = "a folder"
        elif not path.is_file():
            problem = "not a regular file"
        else:
            try:
                return path.read_bytes()
            except OSError as exc:
                problem = f"not readable ({exc.strerror or exc})"
        raise CorpusError(
            f"{path} is {problem}; expected {self.expected_format} there, or "
            f"nothing at that path to use the embedded default"
        )

    def _default(self) -> tuple[str, str]:
        """The embedded default corpus: ``(description, text)``."""
        raise DatasetError(f"{type(self).__name__} has no embedded default")

    def corpus_name(self) -> str:
        """The corpus file's name as a run name gives it: the file the path points
        to (a link's target), or ``default corpus`` when the embedded one is used."""
        if not os.path.lexists(self._filepath) and self._fallback is not None:
            return "default corpus"
        return self._filepath.resolve().name

    def save(self, data: None) -> None:
        raise DatasetError(f"{self._filepath} is raw input and is never written")

    def _exists(self) -> bool:
        return os.path.lexists(self._filepath) or self._fallback is not None

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "fallback": self._fallback}
