import pytest

from rnn_pipeline.text.chatterbot import chatterbot_conversations


def test_the_embedded_chinese_corpus_is_installed_and_has_conversations():
    conversations = chatterbot_conversations("chinese")
    assert len(conversations) > 100
    assert all(turns and all("\n" not in t for t in turns) for turns in conversations)


def test_an_unknown_language_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no language folder 'klingon'"):
        chatterbot_conversations("klingon")
