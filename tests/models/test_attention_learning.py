"""Attention proven on a task the encoder's final state cannot carry.

Copying 30-40 random symbols needs about 140 bits from the source at every step; a
decoder that sees only the encoder's final states has to squeeze them all into it,
while a decoder with attention can read position t of the source at output step t.
"""

import keras
import numpy as np
import pytest

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.text.specials import EOS, PAD
from rnn_pipeline.training.batching import make_seq2seq_dataset, pad_ids
from rnn_pipeline.training.fit import FitOptions, compile_model

SYMBOLS = 12  # ids 4..15
MIN_LEN, MAX_LEN = 30, 40


def copy_task(n: int, rng: np.random.Generator):
    sources, targets = [], []
    for _ in range(n):
        sequence = list(
            rng.integers(4, 4 + SYMBOLS, rng.integers(MIN_LEN, MAX_LEN + 1))
        )
        sources.append(sequence)
        targets.append(sequence + [EOS])
    return pad_ids(sources, MAX_LEN), pad_ids(targets, MAX_LEN + 1)


class StopAt(keras.callbacks.Callback):
    """Stops once the validation token accuracy reaches ``goal``."""

    def __init__(self, goal: float) -> None:
        super().__init__()
        self.goal = goal

    def on_epoch_end(self, epoch, logs=None):
        if (logs or {}).get("val_token_accuracy", 0.0) >= self.goal:
            self.model.stop_training = True


def train(attention: str, epochs: int, data, stop_at: float | None = None):
    keras.utils.set_random_seed(0)
    (train_s, train_t), (test_s, test_t) = data
    vocabulary = 4 + SYMBOLS
    model = Seq2Seq(
        vocabulary,
        vocabulary,
        embedding_dim=32,
        units=64,
        num_layers=1,
        attention=attention,
        dropout=0.0,
    )
    compile_model(model, FitOptions(learning_rate=1e-2))
    buckets = np.zeros(len(train_s), int)
    history = model.fit(
        make_seq2seq_dataset(train_s, train_t, buckets, 32, shuffle=True),
        validation_data=make_seq2seq_dataset(
            test_s, test_t, np.zeros(len(test_s), int), 128
        ),
        epochs=epochs,
        verbose=0,
        shuffle=False,
        callbacks=[StopAt(stop_at)] if stop_at else [],
    )
    # Teacher-forced token accuracy on held-out sequences: each step is judged on
    # its own, so a single slip does not shift every later position.
    accuracy = history.history["val_token_accuracy"][-1]
    return model, accuracy, len(history.history["loss"])


@pytest.mark.slow
def test_attention_copies_long_sequences_and_looks_at_the_right_place():
    rng = np.random.default_rng(0)
    data = (copy_task(2000, rng), copy_task(200, rng))
    model, accuracy, epochs = train("luong", 20, data, stop_at=0.993)
    assert accuracy >= 0.99, f"token accuracy {accuracy:.3f} with attention"

    # Output step t of a copy should attend to source position t.
    test_s, test_t = data[1]
    decoder_tokens = np.concatenate(
        [np.ones((len(test_t), 1), "int32"), test_t[:, :-1]], axis=1
    )
    decoder_tokens[test_t == PAD] = PAD
    weights = np.asarray(model.attention_weights(test_s, decoder_tokens))
    lengths = (test_s != PAD).sum(axis=1)
    on_diagonal = total = 0
    for row, length in enumerate(lengths):
        steps = np.arange(length)  # the EOS step has no source position to copy
        on_diagonal += int((weights[row, steps].argmax(axis=-1) == steps).sum())
        total += int(length)
    assert on_diagonal / total >= 0.9, f"diagonal share {on_diagonal / total:.3f}"

    # The same model without attention, trained as long, does clearly worse.
    _, without, _ = train("none", epochs, data)
    assert without < accuracy - 0.3, (
        f"without attention {without:.3f}, with attention {accuracy:.3f}"
    )
