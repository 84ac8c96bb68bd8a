"""One worker of the two-process multi-worker test (run as a script).

    python multi_worker_job.py INDEX PORT0,PORT1 CHECKPOINT_DIR OUT_PREFIX EPOCHS

Trains a small chatbot-shaped seq2seq model on a toy copy task with
``distribute: multi_worker`` and writes the final weights (``OUT_PREFIX.npz``) and
the history (``OUT_PREFIX.json``).
"""

from __future__ import annotations

import json
import os
import sys

index, ports, checkpoint_dir, out, epochs = sys.argv[1:6]
os.environ["TF_CONFIG"] = json.dumps(
    {
        "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports.split(",")]},
        "task": {"type": "worker", "index": int(index)},
    }
)

# The strategy comes first: TensorFlow must not have run anything yet.
from rnn_pipeline.training.distribute import make_strategy  # noqa: E402

strategy = make_strategy("multi_worker")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from rnn_pipeline.models import Seq2Seq  # noqa: E402
from rnn_pipeline.training.batching import pad_ids, sharded_seq2seq_data  # noqa: E402
from rnn_pipeline.training.fit import FitOptions, compile_model  # noqa: E402
from rnn_pipeline.training.multi_worker import fit_multi_worker  # noqa: E402

rng = np.random.default_rng(0)
sequences = [list(rng.integers(4, 12, rng.integers(2, 7))) for _ in range(512)]
sources = pad_ids(sequences, 6)
targets = pad_ids([s + [2] for s in sequences], 7)  # copy the source, then EOS
buckets = (np.array([len(s) for s in sequences]) > 3).astype(np.int64)
train = sharded_seq2seq_data(sources[:448], targets[:448], buckets[:448], True, 1)
validation = sharded_seq2seq_data(sources[448:], targets[448:], buckets[448:])

keras.utils.set_random_seed(7)
with strategy.scope():
    model = Seq2Seq(12, 12, embedding_dim=8, units=16, num_layers=2, dropout=0.0)
    options = FitOptions(epochs=int(epochs), learning_rate=1e-2, verbose=0)
    compile_model(model, options)
history = fit_multi_worker(
    model, train, validation, 32, options, checkpoint_dir, strategy
)
np.savez(out + ".npz", *[w.numpy() for w in model.weights])
with open(out + ".json", "w", encoding="utf-8") as handle:
    json.dump({"history": history, "replicas": strategy.num_replicas_in_sync}, handle)
