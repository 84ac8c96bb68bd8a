"""Decoding the test split: all of it or a seeded sample, with progress lines, and a
report that says how many pairs of how many were decoded."""

import logging

import pandas as pd

from rnn_pipeline.models.seq2seq import Seq2Seq
from rnn_pipeline.pipelines.seq2seq import nodes, quality_nodes
from rnn_pipeline.pipelines.seq2seq.options import EvaluationOptions, VocabOptions

TEXTS = ["你好", "我很好", "再见朋友", "谢谢你", "是的", "不知道", "天气很好", "朋友"]


def decode(caplog, **options):
    pairs = pd.DataFrame(
        {"source": TEXTS, "target": TEXTS[1:] + TEXTS[:1]}, dtype="string"
    )
    vocabulary = nodes.build_vocabulary(pairs, VocabOptions())
    ids = nodes.vectorize_pairs(pairs, vocabulary)
    size = len(vocabulary.source)
    model = Seq2Seq(size, size, embedding_dim=4, units=8, num_layers=1)
    evaluation = EvaluationOptions(max_reply_length=4, batch_size=3, **options)
    with caplog.at_level(logging.INFO):
        outputs = quality_nodes.decode_test_set(model, ids, vocabulary, evaluation)
    return outputs, evaluation


def test_a_seeded_sample_of_decode_pairs_is_decoded_and_reported_of_all(caplog):
    outputs, evaluation = decode(caplog, decode_pairs=3, decode_seed=1)
    assert len(outputs) == 3 and set(outputs["test_pairs"]) == {8}
    # The sample keeps the test order and its references line up with its sources.
    sources = outputs["source"].tolist()
    assert sources == sorted(sources, key=TEXTS.index)
    assert all(
        TEXTS[(TEXTS.index(s) + 1) % 8] == r
        for s, r in zip(outputs["source"], outputs["reference"], strict=True)
    )
    again, _ = decode(caplog, decode_pairs=3, decode_seed=1)
    assert again["source"].tolist() == sources
    messages = [r.getMessage() for r in caplog.records]
    assert "Decoding 3 of 8 test pairs (greedy)" in messages
    assert any(m.startswith("decoding test pairs: 3 done in ") for m in messages)
    _, report = quality_nodes.score_test_outputs(outputs, evaluation)
    assert (report["pairs"], report["test_pairs"]) == (3, 8)


def test_without_decode_pairs_every_test_pair_is_decoded(caplog):
    outputs, evaluation = decode(caplog)
    assert outputs["source"].tolist() == TEXTS
    _, report = quality_nodes.score_test_outputs(outputs, evaluation)
    assert (report["pairs"], report["test_pairs"]) == (8, 8)


def test_outputs_saved_before_the_sample_column_count_as_all_pairs():
    old = pd.DataFrame({"source": ["你好"], "reference": ["好"], "output": ["好"]})
    _, report = quality_nodes.score_test_outputs(old, EvaluationOptions())
    assert (report["pairs"], report["test_pairs"]) == (1, 1)
