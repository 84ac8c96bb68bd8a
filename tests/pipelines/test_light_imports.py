"""Loading the char-RNN and textbook pipelines, and running their data nodes, imports
no TensorFlow, Keras or matplotlib: every ``kedro run`` loads the pipelines, and a
data-only run (or one that stops on bad parameters) should not wait for them."""

import json
import subprocess
import sys

HEAVY = ("tensorflow", "keras", "matplotlib")

# Loads the pipelines as ``kedro run`` does, the char-RNN one under each namespace.
LOAD_PIPELINES = """
import importlib

for name in ("char_rnn", "embeddings", "sequence_classifier", "time_series"):
    module = importlib.import_module(f"rnn_pipeline.pipelines.{name}.pipeline")
    assert module.create_pipeline().nodes, name
for name in ("poetry", "shakespeare", "code"):
    importlib.import_module(f"rnn_pipeline.pipelines.{name}").create_pipeline()
"""

# The nodes before training, on tiny inputs.
RUN_DATA_NODES = """
from rnn_pipeline.digits import load_digits_frame
from rnn_pipeline.pipelines.char_rnn import nodes as char_rnn
from rnn_pipeline.pipelines.char_rnn.options import (
    CleaningOptions, SplitOptions, VocabOptions,
)
from rnn_pipeline.pipelines.embeddings import nodes as embeddings
from rnn_pipeline.pipelines.embeddings.options import PairOptions
from rnn_pipeline.pipelines.embeddings.options import VocabOptions as WordOptions
from rnn_pipeline.pipelines.sequence_classifier import nodes as classifier
from rnn_pipeline.pipelines.sequence_classifier.options import (
    SplitOptions as DigitSplit,
)
from rnn_pipeline.pipelines.time_series import nodes as time_series
from rnn_pipeline.pipelines.time_series.options import DataOptions

text, _ = char_rnn.ingest_text({"source": "memory", "text": "abc\\n" * 500})
text, _ = char_rnn.clean_corpus(text, CleaningOptions())
train, _ = char_rnn.split_text(text, SplitOptions(block_chars=100))
char_rnn.encode_text(train, char_rnn.build_char_vocabulary(train, VocabOptions()))

corpus = {"source": "memory", "text": "the cat saw the dog. " * 50}
vocab, _ = embeddings.build_vocabulary(corpus, WordOptions(min_count=1))
ids = embeddings.encode_corpus(corpus, vocab)
assert len(embeddings.make_skipgram_pairs(ids, vocab, PairOptions(subsample=0)))

classifier.split_digits(load_digits_frame(), DigitSplit())
time_series.sample_series_windows(
    DataOptions(train_windows=5, validation_windows=5, test_windows=5)
)
"""


def heavy_modules_after(script: str) -> list[str]:
    """Which of ``HEAVY`` a fresh interpreter has imported after ``script`` (this
    test process has imported them already)."""
    report = (
        "import json, sys\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script + "\n" + report],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_loading_the_pipelines_imports_no_tensorflow_keras_or_matplotlib():
    assert heavy_modules_after(LOAD_PIPELINES) == []


def test_the_data_nodes_run_without_tensorflow_keras_or_matplotlib():
    assert heavy_modules_after(LOAD_PIPELINES + RUN_DATA_NODES) == []
