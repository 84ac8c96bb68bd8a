"""The newest trained model that loads, with the vocabulary it was trained with.

``kedro chat`` and ``kedro translate`` read the newest model version. If that file is
corrupt (a full disk, a copy cut short), an older good version is better than no
chatbot: ``load_trained`` falls back to it with a warning naming the broken one, and
when no version loads, its error names the folder and each version's fault.
"""

from __future__ import annotations

import logging
from typing import Any

from kedro.io import DatasetError

from rnn_pipeline.text.errors import UserInputError

logger = logging.getLogger(__name__)


class NoLoadableModelError(DatasetError, UserInputError):
    """No version of a trained model (with its vocabulary) can be loaded."""


def load_trained(catalog: Any, namespace: str) -> tuple[Any, Any]:
    """The newest complete, loadable ``<namespace>.model`` and its vocabulary.

    The vocabulary is the one of the same run (the same version), or else the newest
    one saved before the model (a run started from the training node reuses it).

    Args:
        catalog: The project's Kedro catalog.
        namespace: ``chatbot`` or ``translation``.

    Returns:
        The model and the vocabulary (as its dataset loads it).

    Raises:
        NoLoadableModelError: If no version loads; names the folder.
    """
    model_name, vocab_name = f"{namespace}.model", f"{namespace}.vocab"
    folder = _folder(catalog.get(model_name))
    broken: list[str] = []
    for version in _complete_versions(catalog.get(model_name)):
        try:
            model = catalog.load(model_name, version=version)
            vocab_version = _vocab_version(catalog.get(vocab_name), version)
            vocabulary = catalog.load(vocab_name, version=vocab_version)
        except DatasetError as exc:
            reason = _first_line(exc)
            broken.append(f"{version} ({reason})")
            logger.warning(
                "Model %s/%s cannot be loaded (%s); trying the version before it",
                folder,
                version,
                reason,
            )
            continue
        if broken:
            logger.warning("Using the older model %s/%s", folder, version)
        return model, vocabulary
    found = "; ".join(broken) if broken else "no saved version"
    raise NoLoadableModelError(f"no loadable model in {folder}: {found}")


def _complete_versions(dataset: Any) -> list[str]:
    """Versions newest first; those without a completion marker left out when the
    dataset knows markers."""
    try:
        versions = dataset.list_versions(full_path=False)
    except DatasetError:
        return []
    if hasattr(dataset, "is_complete") and any(map(dataset.is_complete, versions)):
        versions = [v for v in versions if dataset.is_complete(v)]
    return versions


def _vocab_version(dataset: Any, model_version: str) -> str | None:
    """The vocabulary saved with the model, else the newest one saved before it."""
    for version in _complete_versions(dataset):
        if version <= model_version:  # timestamps sort as strings
            return version
    return None


def _folder(dataset: Any) -> str:
    return str(getattr(dataset, "filepath", dataset))


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    # Kedro's wrapper puts "Failed while loading data from dataset ..." first.
    useful = [line for line in lines if not line.startswith("Failed while loading")]
    return (useful or lines or [type(exc).__name__])[0][:200]
