"""Versioned datasets load the version their run saved, and never a half-written
one (issue 14 item 1, issue 13 item 5): dataset classes, no patched instances."""

import json

import pytest
from kedro.io import DatasetError, Version
from kedro_datasets.json import JSONDataset

from rnn_pipeline.datasets import VersionedJSONDataset

OLD, NEW, NEWER = (f"2026-01-0{day}T00.00.00.000Z" for day in (1, 2, 3))


def dataset(folder, save=None, kind=VersionedJSONDataset):
    return kind(filepath=str(folder / "vocab.json"), version=Version(None, save))


def crash_while_saving(folder, version):
    """What a run killed mid-save leaves: a newer version with a truncated file."""
    path = folder / "vocab.json" / version / "vocab.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"tokens": ["<pad>", "<go', encoding="utf-8")


def plant_complete(folder, version, data):
    """Another run's finished version, newer than this run's."""
    path = folder / "vocab.json" / version / "vocab.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    (path.parent / "vocab.json.complete").touch()


def test_the_newest_complete_version_is_read_not_a_half_written_one(tmp_path):
    dataset(tmp_path, OLD).save({"tokens": ["a"]})
    crash_while_saving(tmp_path, NEW)
    with pytest.raises(DatasetError):  # Kedro's own class reads the broken file
        dataset(tmp_path, kind=JSONDataset).load()
    assert dataset(tmp_path).load() == {"tokens": ["a"]}


def test_a_run_loads_the_version_it_saved_not_a_newer_one_on_disk(tmp_path):
    this_run = dataset(tmp_path, OLD)
    this_run.save({"tokens": ["mine"]})
    plant_complete(tmp_path, NEWER, {"tokens": ["another run's"]})
    assert this_run.load() == {"tokens": ["mine"]}
    # A reader that saved nothing (kedro chat) takes the newest complete one.
    assert dataset(tmp_path, NEW).load() == {"tokens": ["another run's"]}


def test_two_overlapping_runs_each_load_their_own(tmp_path):
    first, second = dataset(tmp_path, OLD), dataset(tmp_path, NEW)
    first.save({"run": 1})
    second.save({"run": 2})
    assert first.load() == {"run": 1}
    assert second.load() == {"run": 2}


def test_a_dataset_without_a_given_save_version_keeps_one(tmp_path):
    unpinned = dataset(tmp_path)
    unpinned.save({"x": 1})
    plant_complete(tmp_path, "2999-01-01T00.00.00.000Z", {"x": 2})
    assert unpinned.load() == {"x": 1}


def test_versions_saved_before_markers_keep_kedros_rule(tmp_path):
    for version, tokens in ((OLD, ["a"]), (NEW, ["b"])):
        dataset(tmp_path, version, kind=JSONDataset).save({"tokens": tokens})
    assert dataset(tmp_path, NEWER).load() == {"tokens": ["b"]}


def test_the_marker_names_the_saved_file(tmp_path):
    saved = dataset(tmp_path, OLD)
    saved.save({"x": 1})
    version = tmp_path / "vocab.json" / OLD
    assert sorted(p.name for p in version.iterdir()) == [
        "vocab.json",
        "vocab.json.complete",
    ]
    assert json.loads((version / "vocab.json").read_text()) == {"x": 1}
    assert str(saved.saved_path()) == str(version / "vocab.json")
