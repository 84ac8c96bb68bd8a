import pytest

from rnn_pipeline.pipelines.chatbot import nodes
from rnn_pipeline.pipelines.chatbot.options import PairingOptions
from rnn_pipeline.pipelines.seq2seq.options import CleaningOptions
from rnn_pipeline.text.errors import CorpusError

CONSECUTIVE = PairingOptions()


def test_parse_conversations_gives_one_row_per_turn_and_a_report(sample_conv):
    turns, report = nodes.parse_conversations(
        {"source": "chat.conv", "text": sample_conv}
    )
    assert len(turns) == 7
    assert turns.groupby("conversation").size().tolist() == [3, 2, 2]
    assert report["source"] == "chat.conv" and report["conversations"] == 3


def test_pair_conversations_cleans_and_reports(sample_conv):
    turns, _ = nodes.parse_conversations({"source": "chat.conv", "text": sample_conv})
    pairs, report = nodes.pair_conversations(turns, CONSECUTIVE, CleaningOptions())
    assert ("你叫什么名字？", "我叫小明") in set(
        zip(pairs.source, pairs.target, strict=True)
    )
    assert ("今天天气怎么样", "今天，天气很好") in set(
        zip(pairs.source, pairs.target, strict=True)
    )
    assert report["pairs_before_cleaning"] == 4 and report["pairs_kept"] == 4
    two_turn, _ = nodes.pair_conversations(
        turns, PairingOptions(pairing="two_turn"), CleaningOptions()
    )
    assert len(two_turn) == 2


def test_a_corpus_that_cleans_to_nothing_fails_instead_of_training_on_nothing():
    turns, _ = nodes.parse_conversations(
        {"source": "en.conv", "text": "E\nM hello\nM hi there\n"}
    )
    with pytest.raises(CorpusError, match="no pair is left"):
        nodes.pair_conversations(turns, CONSECUTIVE, CleaningOptions())


def test_malformed_corpus_names_the_line():
    with pytest.raises(CorpusError, match="bad.conv, line 1"):
        nodes.parse_conversations({"source": "bad.conv", "text": "M 你好\n"})
