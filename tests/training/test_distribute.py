import keras
import numpy as np
import pytest

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.training.batching import make_seq2seq_dataset, pad_ids
from rnn_pipeline.training.distribute import make_strategy
from rnn_pipeline.training.fit import FitOptions, compile_model


def test_mirrored_training_learns_like_single_device_training():
    rng = np.random.default_rng(0)
    sequences = [list(rng.integers(4, 10, rng.integers(2, 6))) for _ in range(128)]
    dataset = make_seq2seq_dataset(
        pad_ids(sequences, 6),
        pad_ids([s + [2] for s in sequences], 7),
        np.zeros(128, int),
        32,
    )
    losses = {}
    for name in ("none", "mirrored"):
        keras.utils.set_random_seed(3)
        strategy = make_strategy(name)
        with strategy.scope():
            model = Seq2Seq(10, 10, embedding_dim=4, units=8, num_layers=1, dropout=0.0)
            compile_model(model, FitOptions(learning_rate=1e-2))
        history = model.fit(dataset, epochs=3, verbose=0, shuffle=False).history
        losses[name] = history["loss"]
    assert losses["mirrored"][-1] < losses["mirrored"][0]
    np.testing.assert_allclose(losses["mirrored"], losses["none"], rtol=1e-3)


def test_unknown_strategy_is_rejected():
    with pytest.raises(ValueError, match="got .horovod."):
        make_strategy("horovod")


def test_a_malformed_tf_config_says_what_shape_is_expected(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", '{"cluster": ["127.0.0.1:1"]')
    with pytest.raises(ValueError, match=r"TF_CONFIG must be JSON like .* got '\{"):
        make_strategy("multi_worker")
