import keras
import numpy as np
import pytest

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.training.arrays import make_array_dataset
from rnn_pipeline.training.batching import make_seq2seq_dataset, pad_ids
from rnn_pipeline.training.fit import FitOptions
from rnn_pipeline.training.trainer import Trainer, TrainerOptions


def copy_data():
    rng = np.random.default_rng(0)
    seqs = [list(rng.integers(4, 10, rng.integers(2, 6))) for _ in range(64)]
    sources = pad_ids(seqs, 6)
    targets = pad_ids([s + [2] for s in seqs], 7)
    return sources, targets, np.zeros(64, int)


def build():
    return Seq2Seq(10, 10, embedding_dim=4, units=8, num_layers=1, dropout=0.0)


def options(tmp_path, **values) -> TrainerOptions:
    fit = FitOptions(epochs=2, learning_rate=1e-2, verbose=0)
    return TrainerOptions(fit=fit, checkpoint_dir=tmp_path, key={"units": 8}, **values)


def test_the_trainer_trains_with_the_token_loss_and_returns_float32(tmp_path):
    data = copy_data()
    trainer = Trainer(options(tmp_path, precision="mixed_bfloat16"))
    model, history = trainer.fit(
        build,
        make_seq2seq_dataset(*data, 16, shuffle=True),
        make_seq2seq_dataset(*data, 16),
        key_data=data,
    )
    assert model.dtype_policy.compute_dtype == "float32"
    assert {"loss", "val_token_loss", "learning_rate", "epochs_done"} <= set(history)
    assert history["loss"][-1] < history["loss"][0]
    assert keras.config.dtype_policy().name == "float32"  # the policy is restored


def test_the_same_seed_gives_the_same_model(tmp_path):
    data = copy_data()
    weights = []
    for run in range(2):
        trainer = Trainer(options(tmp_path / str(run), seed=7))
        model, _ = trainer.fit(build, make_seq2seq_dataset(*data, 16), key_data=data)
        weights.append(model.get_weights())
    for first, second in zip(*weights, strict=True):
        np.testing.assert_array_equal(first, second)


def test_the_checkpoint_folder_is_named_by_the_key_options_and_data(tmp_path):
    trainer = Trainer(options(tmp_path))
    data = copy_data()
    folder = trainer.checkpoint_dir(*data)
    assert folder.parent == tmp_path
    assert folder == trainer.checkpoint_dir(*copy_data())
    assert folder != trainer.checkpoint_dir(data[0][:10])
    other = Trainer(TrainerOptions(checkpoint_dir=tmp_path, key={"units": 9}))
    assert folder != other.checkpoint_dir(*data)


def test_a_loss_of_the_pipelines_own_is_compiled_with_its_metrics(tmp_path):
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = (x.sum(1) > 0).astype("int32")

    def build_dense():
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])

    model, history = Trainer(options(tmp_path)).fit(
        build_dense,
        make_array_dataset(x, y, 8),
        None,
        key_data=(x,),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    assert set(history) >= {"loss", "accuracy", "learning_rate"}
    assert "token_loss" not in history


def test_multi_worker_needs_sharded_data(tmp_path, monkeypatch):
    trainer = Trainer(options(tmp_path))
    monkeypatch.setattr(
        "rnn_pipeline.training.distribute.is_multi_worker", lambda strategy: True
    )
    with pytest.raises(ValueError, match="multi_worker needs sharded data"):
        trainer.fit(build, None)
