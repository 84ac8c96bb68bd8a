"""A corrupt newest model falls back to the newest version that loads, with a
warning naming the broken one; when none loads the error names the folder (issue 14
item 6)."""

from __future__ import annotations

import logging

import keras
import pytest
from kedro.io import DataCatalog

from rnn_pipeline.datasets.trained_model import NoLoadableModelError, load_trained

OLD, NEW = "2026-01-01T00.00.00.000Z", "2026-01-02T00.00.00.000Z"


def catalog(root, save_version=None) -> DataCatalog:
    config = {
        "chatbot.model": {
            "type": "rnn_pipeline.datasets.VersionedTensorFlowModelDataset",
            "filepath": str(root / "model.keras"),
            "versioned": True,
            "load_args": {"compile": False},
        },
        "chatbot.vocab": {
            "type": "rnn_pipeline.datasets.VersionedJSONDataset",
            "filepath": str(root / "vocab.json"),
            "versioned": True,
        },
    }
    return DataCatalog.from_config(config, save_version=save_version)


def train(root, version: str, units: int) -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(units)])
    run = catalog(root, version)
    run.save("chatbot.model", model)
    run.save("chatbot.vocab", {"units": units})


def tear(root, version: str) -> None:
    path = root / "model.keras" / version / "model.keras"
    path.write_bytes(path.read_bytes()[:200])


def test_a_corrupt_newest_model_falls_back_with_a_warning_naming_it(tmp_path, caplog):
    train(tmp_path, OLD, 3)
    train(tmp_path, NEW, 5)
    tear(tmp_path, NEW)
    with caplog.at_level(logging.WARNING):
        model, vocab, version = load_trained(catalog(tmp_path), "chatbot")
    assert version == OLD
    assert model.output_shape == (None, 3) and vocab == {"units": 3}
    assert f"model.keras/{NEW} cannot be loaded" in caplog.text


def test_when_no_version_loads_the_error_names_the_folder(tmp_path):
    train(tmp_path, OLD, 3)
    tear(tmp_path, OLD)
    with pytest.raises(NoLoadableModelError) as error:
        load_trained(catalog(tmp_path), "chatbot")
    message = str(error.value)
    assert message.startswith(f"no loadable model in {tmp_path / 'model.keras'}: ")
    assert OLD in message


def test_without_any_model_the_error_names_the_folder(tmp_path):
    with pytest.raises(NoLoadableModelError, match="no saved version"):
        load_trained(catalog(tmp_path), "chatbot")


def test_an_asked_for_version_loads_with_its_own_vocabulary(tmp_path):
    train(tmp_path, OLD, 3)
    train(tmp_path, NEW, 5)
    model, vocab, version = load_trained(catalog(tmp_path), "chatbot", version=OLD)
    assert model.output_shape == (None, 3) and vocab == {"units": 3}
    assert version == OLD


def test_an_asked_for_version_that_is_broken_or_absent_is_not_replaced(tmp_path):
    train(tmp_path, OLD, 3)
    train(tmp_path, NEW, 5)
    tear(tmp_path, NEW)
    with pytest.raises(NoLoadableModelError, match=f"{NEW} "):
        load_trained(catalog(tmp_path), "chatbot", version=NEW)
    with pytest.raises(NoLoadableModelError, match="no complete model version 2001"):
        load_trained(catalog(tmp_path), "chatbot", version="2001-01-01T00.00.00.000Z")
