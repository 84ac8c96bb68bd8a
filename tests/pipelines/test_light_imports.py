"""Loading the pipelines (seq2seq, char-RNN, textbook), and running their data
nodes, imports no TensorFlow, Keras or matplotlib: every ``kedro run`` loads the
pipelines, and a data-only run (or one that stops on bad parameters) should not wait
for them."""

import json
import subprocess
import sys

HEAVY = ("tensorflow", "keras", "matplotlib")

# Loads the pipelines as ``kedro run`` does, the char-RNN one under each namespace.
LOAD_PIPELINES = """
import importlib

for name in (
    "seq2seq", "char_rnn", "embeddings", "sequence_classifier", "time_series"
):
    module = importlib.import_module(f"rnn_pipeline.pipelines.{name}.pipeline")
    assert module.create_pipeline().nodes, name
for name in ("chatbot", "translation", "poetry", "shakespeare", "code"):
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

from rnn_pipeline.pipelines.chatbot import nodes as chatbot
from rnn_pipeline.pipelines.chatbot.options import PairingOptions
from rnn_pipeline.pipelines.seq2seq import nodes as seq2seq
from rnn_pipeline.pipelines.seq2seq import options as s2s

conv = "E\\nM 你好吗\\nM 我很好谢谢\\nM 再见了朋友\\n" * 30 + "E\\nM 早上好\\nM 晚安\\n"
turns, _ = chatbot.parse_conversations({"source": "memory", "text": conv})
pairs, _ = chatbot.pair_conversations(turns, PairingOptions(), s2s.CleaningOptions())
train, test = seq2seq.split_pairs(pairs, s2s.SplitOptions(test_fraction=0.34))
vocab = seq2seq.build_vocabulary(train, s2s.VocabOptions())
buckets = s2s.BucketOptions()
train_b, test_b, _ = seq2seq.bucket_pairs(
    seq2seq.vectorize_pairs(train, vocab), seq2seq.vectorize_pairs(test, vocab), buckets
)
seq2seq.split_validation(train_b, s2s.TrainingOptions())
evaluation = s2s.EvaluationOptions()
from rnn_pipeline.pipelines.seq2seq import evaluation_nodes, responder_nodes

evaluation_nodes.fit_reply_count_models(train_b, vocab, evaluation)
responder_nodes.configure_responder(evaluation, s2s.CleaningOptions(), buckets)
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
