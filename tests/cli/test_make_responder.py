"""``kedro chat`` answers with the settings saved beside the chosen model, not with
whatever the YAML says today; the command line changes only the decoding."""

import click
import pytest

from rnn_pipeline.chat import ResponderConfig
from rnn_pipeline.cli import converse
from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.text.cleaning import CleaningRules
from rnn_pipeline.text.vocab import PairVocabulary, build_vocab

VOCAB = PairVocabulary(build_vocab(["你好吗我很好"]))
SAVED = ResponderConfig(CleaningRules(latin_words=True), 12, 7, "top_k", {"k": 2})
TODAY = {  # the YAML after the model was trained
    "bucket_options": {"buckets": [[5, 6]]},
    "evaluation_options": {"max_reply_length": 3, "sampler": "greedy"},
}


def loaded(saved_config):
    size = len(VOCAB.source)
    trained = Seq2Seq(size, size, embedding_dim=4, units=8, num_layers=1)

    def load_trained(namespace, env, companions, model=None):
        assert companions == ("responder_config", "reply_language_model")
        extra = {"responder_config": saved_config, "reply_language_model": None}
        return trained, VOCAB, TODAY, extra

    return load_trained


def test_the_saved_configuration_wins_over_todays_yaml(monkeypatch):
    monkeypatch.setattr(converse, "load_trained", loaded(SAVED))
    assert converse.make_responder("chatbot").config == SAVED


def test_command_line_decoding_changes_only_the_decoding(monkeypatch):
    monkeypatch.setattr(converse, "load_trained", loaded(SAVED))
    config = converse.make_responder(
        "chatbot", sampler="beam", sampler_options={"num_beams": 2}
    ).config
    assert (config.sampler, config.sampler_options) == ("beam", {"num_beams": 2})
    assert config.rules == SAVED.rules and config.max_source_length == 12
    with pytest.raises(click.ClickException, match="num_beams"):
        converse.make_responder(
            "chatbot", sampler="beam", sampler_options={"num_beams": 0}
        )


def test_a_model_saved_before_the_configuration_was_kept_uses_todays_yaml(
    monkeypatch,
):
    monkeypatch.setattr(converse, "load_trained", loaded(None))
    config = converse.make_responder("chatbot").config
    assert (config.max_source_length, config.max_reply_length) == (5, 3)
    assert config.sampler == "greedy" and config.rules == CleaningRules()
