"""Epoch checkpoints that a kill cannot tear.

Keras's ``BackupAndRestore`` overwrites one ``latest.weights.h5`` in place: a run
killed while writing it leaves a truncated file, and every later run fails on it.
``AtomicBackupAndRestore`` writes each epoch into a folder of its own under a
temporary name and renames it when complete, keeps the previous complete epoch, and
on resume sets aside (renames) a checkpoint it cannot read, with one warning naming
it, then resumes from the previous one or starts over.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import keras
import numpy as np

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "training_metadata.json"
EPOCH_PREFIX = "epoch-"
PARTIAL_PREFIX = ".partial-"
UNREADABLE_SUFFIX = ".unreadable"
# Keras's own single-file layout, read once so an older backup still resumes.
LEGACY_WEIGHTS = "latest.weights.h5"
LEGACY_METADATA = "training_metadata.json"


def complete_checkpoints(directory: Path) -> list[Path]:
    """The complete epoch folders in ``directory``, newest epoch first."""
    folders = [
        path
        for path in directory.glob(f"{EPOCH_PREFIX}*")
        if path.is_dir()
        and path.name[len(EPOCH_PREFIX) :].isdigit()
        and (path / METADATA_FILE).is_file()
    ]
    return sorted(folders, key=_epoch_of, reverse=True)


def _epoch_of(folder: Path) -> int:
    return int(folder.name[len(EPOCH_PREFIX) :])


def set_aside(path: Path) -> Path:
    """Rename an unreadable checkpoint out of the way (never delete it)."""
    target = path.with_name(path.name + UNREADABLE_SUFFIX)
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}{UNREADABLE_SUFFIX}-{number}")
    os.replace(path, target)
    return target


class AtomicBackupAndRestore(keras.callbacks.BackupAndRestore):
    """``BackupAndRestore`` whose checkpoints survive a kill at any moment.

    Each completed epoch is written to ``<backup_dir>/.partial-epoch-N`` and renamed
    to ``epoch-N`` only once its weights and metadata are on disk; the ``keep``
    newest complete epochs are kept. On resume the newest readable one is loaded; an
    unreadable one is renamed to ``<name>.unreadable`` with a warning naming it.

    Args:
        backup_dir: Folder of the checkpoints (used by this callback only).
        keep: Complete epoch checkpoints kept (at least 2: the newest and the one
            before, in case the newest turns out unreadable).
        delete_checkpoint: Remove ``backup_dir`` once training completes.
        restore_dir: Folder to resume from, if not ``backup_dir``: the chief's,
            which every worker of a multi-worker run resumes from.
    """

    def __init__(
        self,
        backup_dir: str,
        keep: int = 2,
        delete_checkpoint: bool = True,
        restore_dir: str | None = None,
    ) -> None:
        super().__init__(backup_dir, delete_checkpoint=delete_checkpoint)
        if keep < 2:
            raise ValueError(f"keep must be at least 2, got {keep!r}")
        self.keep = keep
        self.directory = Path(backup_dir)
        self.restore_dir = Path(restore_dir or backup_dir)

    def on_train_begin(self, logs=None) -> None:
        """Restore the newest readable checkpoint, setting unreadable ones aside."""
        if not self.model.built:
            raise ValueError(
                "AtomicBackupAndRestore needs a built model: call it on a batch "
                "before fit()"
            )
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        candidates = complete_checkpoints(self.restore_dir)
        legacy = self.restore_dir / LEGACY_WEIGHTS
        if legacy.is_file():
            candidates.append(legacy)
        if not candidates:
            return
        initial = self._snapshot()
        for candidate in candidates:
            try:
                epoch = self._restore(candidate)
            except Exception as exc:  # h5py/OSError/ValueError/JSON: any bad file
                self._restore_snapshot(initial)
                moved = set_aside(candidate)
                logger.warning(
                    "Checkpoint %s cannot be read (%s); set aside as %s",
                    candidate,
                    _first_line(exc),
                    moved.name,
                )
                continue
            # Keras's fit starts from this attribute (as its own BackupAndRestore).
            self.model._initial_epoch = epoch
            logger.info("Restored the checkpoint of epoch %d from %s", epoch, candidate)
            return
        logger.warning(
            "No readable checkpoint in %s: training starts over", self.restore_dir
        )

    def _restore(self, candidate: Path) -> int:
        """Load weights and optimizer state from ``candidate``; return its epoch."""
        if candidate.is_dir():
            weights, metadata = candidate / WEIGHTS_FILE, candidate / METADATA_FILE
        else:
            weights, metadata = candidate, candidate.with_name(LEGACY_METADATA)
        epoch = int(json.loads(metadata.read_text(encoding="utf-8"))["epoch"])
        self.model.load_weights(str(weights))
        return epoch

    def _snapshot(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        optimizer = self.model.optimizer
        variables = optimizer.variables if optimizer is not None else []
        return self.model.get_weights(), [np.array(v) for v in variables]

    def _restore_snapshot(self, snapshot) -> None:
        """Undo a partial load, so a bad checkpoint never leaves mixed weights."""
        weights, optimizer_values = snapshot
        self.model.set_weights(weights)
        if self.model.optimizer is not None:
            for variable, value in zip(
                self.model.optimizer.variables, optimizer_values, strict=True
            ):
                variable.assign(value)

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        """Write the completed epoch atomically and prune older checkpoints."""
        completed = epoch + 1
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self.directory / f"{PARTIAL_PREFIX}{EPOCH_PREFIX}{completed}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        self.model.save_weights(str(partial / WEIGHTS_FILE))
        (partial / METADATA_FILE).write_text(
            json.dumps({"epoch": completed, "batch": 0}), encoding="utf-8"
        )
        final = self.directory / f"{EPOCH_PREFIX}{completed}"
        shutil.rmtree(final, ignore_errors=True)
        os.replace(partial, final)
        for older in complete_checkpoints(self.directory)[self.keep :]:
            shutil.rmtree(older, ignore_errors=True)
        for legacy in (LEGACY_WEIGHTS, LEGACY_METADATA):
            (self.directory / legacy).unlink(missing_ok=True)

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        """Checkpoints are per epoch only."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
