"""Versioned datasets that load the version their run saved, and never a torn one.

Kedro's versioned datasets load the newest version on disk. That is another run's
output when runs overlap, or a half-written file when a run was killed while saving,
and a run would then evaluate a model it did not train. These subclasses of the
kedro-datasets classes change two things, declared in the catalog:

- every save writes a ``<file>.complete`` marker beside the file once it is whole;
- a load takes the version this dataset saved, if it saved one; otherwise the newest
  version with a marker (or, where no version has a marker because all were written
  before markers existed, Kedro's newest).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from kedro.io.core import VersionNotFoundError, generate_timestamp
from kedro_datasets.json import JSONDataset
from kedro_datasets.pandas import ParquetDataset

COMPLETE_SUFFIX = ".complete"


class CompleteVersionsMixin:
    """Marks saved versions complete and loads this run's, else the newest complete.

    Mixed into a kedro-datasets ``AbstractVersionedDataset`` subclass. The save
    version is fixed for the instance (the catalog gives every dataset of a run the
    same one), so "the version this run saved" is known before it exists.
    """

    def resolve_save_version(self) -> str | None:
        """The version a save writes: the catalog's, else one fixed per instance
        (Kedro would draw a new one after each cache clear)."""
        if not self._version:
            return None
        if self._version.save:
            return self._version.save
        if getattr(self, "_own_save_version", None) is None:
            self._own_save_version = generate_timestamp()
        return self._own_save_version

    def save(self, data: Any) -> None:
        """Save as the base class does, then mark the version complete."""
        super().save(data)
        version = self.resolve_save_version()
        if version is not None:
            self._fs.touch(self._marker(version))

    def resolve_load_version(self) -> str | None:
        """The version to load: pinned, this run's, or the newest complete one."""
        if not self._version:
            return None
        if self._version.load:
            return self._version.load
        saved = self.resolve_save_version()
        if self._exists_function(str(self._get_versioned_path(saved))):
            return saved  # this dataset saved it during this run
        return self.newest_complete_version()

    def newest_complete_version(self) -> str:
        """The newest version whose save finished (has a completion marker).

        Raises:
            VersionNotFoundError: If there is no version at all.
        """
        versions = self.list_versions(full_path=False)
        if not versions:
            raise VersionNotFoundError(f"Did not find any versions for {self}")
        complete = [v for v in versions if self.is_complete(v)]
        return complete[0] if complete else versions[0]

    def is_complete(self, version: str) -> bool:
        """Whether ``version`` has its completion marker."""
        return self._exists_function(self._marker(version))

    @property
    def filepath(self) -> str:
        """The dataset's path; its versions are folders under it."""
        return str(self._filepath)

    def saved_path(self) -> PurePosixPath:
        """The file of the version this dataset saves (or has saved)."""
        return self._get_versioned_path(self.resolve_save_version())

    def _marker(self, version: str) -> str:
        return f"{self._get_versioned_path(version)}{COMPLETE_SUFFIX}"


class VersionedJSONDataset(CompleteVersionsMixin, JSONDataset):
    """``json.JSONDataset`` that loads its run's version or the newest complete."""


class VersionedParquetDataset(CompleteVersionsMixin, ParquetDataset):
    """``pandas.ParquetDataset`` that loads its run's version or the newest
    complete."""
