"""The newest trained model that loads, with the vocabulary it was trained with.

``kedro chat`` and ``kedro translate`` read the newest model version. If that file is
corrupt (a full disk, a copy cut short), an older good version is better than no
chatbot: ``load_trained`` falls back to it with a warning naming the broken one, and
when no version loads, its error names the folder and each version's fault.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from kedro.io import DatasetError

from rnn_pipeline.text.errors import UserInputError

logger = logging.getLogger(__name__)


class NoLoadableModelError(DatasetError, UserInputError):
    """No version of a trained model (with its vocabulary) can be loaded."""


class Trained(NamedTuple):
    """A trained model, the vocabulary it was trained with and its Kedro version."""

    model: Any
    vocabulary: Any
    version: str


def load_trained(catalog: Any, namespace: str, version: str | None = None) -> Trained:
    """The newest complete, loadable ``<namespace>.model`` and its vocabulary, or
    exactly ``version`` when one is asked for.

    The vocabulary is the one of the same run (the same version), or else the newest
    one saved before the model (a run started from the training node reuses it).

    Args:
        catalog: The project's Kedro catalog.
        namespace: ``chatbot``, ``translation`` or a char-RNN namespace.
        version: A Kedro save version (``2026-11-25T10.00.00.000Z``) to load; then
            no other version is tried.

    Raises:
        NoLoadableModelError: If no version loads, or ``version`` is not there or
            does not load; names the folder.
    """
    model_name = f"{namespace}.model"
    folder = _folder(catalog.get(model_name))
    versions = _complete_versions(catalog.get(model_name))
    if version is not None:
        if version not in versions:
            raise NoLoadableModelError(
                f"no complete model version {version} in {folder} "
                f"(found: {', '.join(versions[:5]) or 'none'})"
            )
        versions = [version]
    broken: list[str] = []
    for candidate in versions:
        try:
            model = catalog.load(model_name, version=candidate)
            vocabulary = load_companion(catalog, f"{namespace}.vocab", candidate)
        except DatasetError as exc:
            reason = _first_line(exc)
            broken.append(f"{candidate} ({reason})")
            logger.warning(
                "Model %s/%s cannot be loaded (%s)%s",
                folder,
                candidate,
                reason,
                "" if version else "; trying the version before it",
            )
            continue
        if broken:
            logger.warning("Using the older model %s/%s", folder, candidate)
        return Trained(model, vocabulary, candidate)
    found = "; ".join(broken) if broken else "no saved version"
    raise NoLoadableModelError(f"no loadable model in {folder}: {found}")


def load_companion(catalog: Any, name: str, model_version: str) -> Any:
    """Dataset ``name`` as saved by the run that saved ``model_version``: the same
    version, else the newest one saved before it, else the newest."""
    return catalog.load(name, version=_version_for(catalog.get(name), model_version))


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


def _version_for(dataset: Any, model_version: str) -> str | None:
    """The version saved with the model, else the newest one saved before it."""
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
