import keras
import numpy as np
import pytest

from rnn_pipeline.chat import NO_ANSWER, Responder, ResponderConfig
from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.text.cleaning import CleaningRules
from rnn_pipeline.text.specials import EOS
from rnn_pipeline.text.vocab import PairVocabulary, build_vocab

VOCAB = PairVocabulary(build_vocab(["你好吗我很好"]))
CONFIG = ResponderConfig(CleaningRules(), max_source_length=10, max_reply_length=5)


def model_for(size):
    return Seq2Seq(size, size, embedding_dim=4, units=8, num_layers=1)


def test_a_vocabulary_that_does_not_match_the_model_is_refused():
    with pytest.raises(ValueError, match="does not match the model: vocabulary sizes"):
        Responder(model_for(len(VOCAB.source) + 1), VOCAB, CONFIG)


def test_replies_and_refusals_come_back_in_prompt_order():
    keras.utils.set_random_seed(0)
    responder = Responder(model_for(len(VOCAB.source)), VOCAB, CONFIG)
    replies = responder.reply(["你好", "", "hello", "你好猫"])
    assert [r.prompt for r in replies] == ["你好", "", "hello", "你好猫"]
    assert replies[0].reply is not None and replies[0].message is None
    assert replies[1].reply is None and replies[2].reply is None
    assert replies[3].reply is not None and "猫" in replies[3].message
    # At most 5 tokens; an untrained model may emit <unk>, one token of 5 letters.
    assert all(
        len(r.reply.replace("<unk>", "?")) <= 5 for r in replies if r.reply is not None
    )


def test_an_empty_answer_comes_with_a_notice_and_a_real_one_without():
    model = model_for(len(VOCAB.source))
    model([np.ones((1, 2), "int32"), np.ones((1, 2), "int32")])  # builds it
    bias = model.get_layer("decoder").projection.bias
    favoured = {"empty": EOS, "answer": VOCAB.target.encode("好")[0]}
    for case, token in favoured.items():
        values = np.zeros(bias.shape, "float32")
        values[token] = 100.0  # the decoder emits this token first, whatever it reads
        bias.assign(values)
        (reply,) = Responder(model, VOCAB, CONFIG).reply(["你好"])
        if case == "empty":
            assert reply.reply == "" and reply.message == NO_ANSWER
        else:
            assert reply.reply.startswith("好") and reply.message is None


def test_the_responder_config_round_trips_and_changes_only_decoding():
    config = ResponderConfig(CleaningRules(latin_words=True), 40, 20, "top_k", {"k": 3})
    assert ResponderConfig.from_dict(config.to_dict()) == config
    beam = config.with_decoding("beam")
    assert (beam.sampler, beam.sampler_options) == ("beam", {})  # not top_k's k
    assert beam.rules == config.rules and beam.max_source_length == 40
    assert config.with_decoding(sampler_options={"k": 7}).sampler_options == {"k": 7}
    assert config.with_decoding(max_reply_length=9).max_reply_length == 9


def test_a_serving_config_saved_before_the_format_was_named_still_loads():
    old = {
        "rules": {"pairing": "consecutive", "min_chars": 2, "max_source_len": 80},
        "max_source_length": 80,
        "max_reply_length": 30,
        "sampler": "greedy",
        "sampler_options": {},
        "language_model": None,
    }
    config = ResponderConfig.from_dict(old)
    assert config.rules == CleaningRules() and config.max_source_length == 80
    with pytest.raises(ValueError, match="expected a responder configuration"):
        ResponderConfig.from_dict({"sampler": "greedy"})
