"""A half-written version is never read: the completion markers of hooks.py."""

import json

import pytest
from kedro.io import DatasetError, Version
from kedro_datasets.json import JSONDataset

from rnn_pipeline.hooks import mark_complete, skip_incomplete_versions


def dataset(folder, save=None):
    return JSONDataset(filepath=str(folder / "vocab.json"), version=Version(None, save))


def crash_while_saving(folder, version):
    """What a run killed mid-save leaves: a newer version with a truncated file."""
    path = folder / "vocab.json" / version / "vocab.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"tokens": ["<pad>", "<go', encoding="utf-8")


def test_the_newest_complete_version_is_read_not_a_half_written_one(tmp_path):
    first = dataset(tmp_path, "2026-01-01T00.00.00.000Z")
    first.save({"tokens": ["a"]})
    mark_complete(first)
    crash_while_saving(tmp_path, "2026-01-02T00.00.00.000Z")

    with pytest.raises(DatasetError):  # Kedro alone reads the broken newest file
        dataset(tmp_path).load()
    guarded = dataset(tmp_path)
    skip_incomplete_versions(guarded)
    assert guarded.load() == {"tokens": ["a"]}


def test_versions_saved_before_markers_keep_kedros_rule(tmp_path):
    old = dataset(tmp_path, "2026-01-01T00.00.00.000Z")
    old.save({"tokens": ["a"]})
    newer = dataset(tmp_path, "2026-01-02T00.00.00.000Z")
    newer.save({"tokens": ["b"]})
    guarded = dataset(tmp_path)
    skip_incomplete_versions(guarded)
    assert guarded.load() == {"tokens": ["b"]}


def test_the_marker_names_the_saved_file(tmp_path):
    saved = dataset(tmp_path, "2026-01-01T00.00.00.000Z")
    saved.save({"x": 1})
    mark_complete(saved)
    version = tmp_path / "vocab.json" / "2026-01-01T00.00.00.000Z"
    assert sorted(p.name for p in version.iterdir()) == [
        "vocab.json",
        "vocab.json.complete",
    ]
    assert json.loads((version / "vocab.json").read_text()) == {"x": 1}
