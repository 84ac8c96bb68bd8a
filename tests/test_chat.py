import keras
import pytest

from rnn_pipeline.chat import Responder
from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.text.cleaning import CleaningRules
from rnn_pipeline.text.vocab import PairVocabulary, build_vocab

VOCAB = PairVocabulary(build_vocab(["你好吗我很好"]))


def model_for(size):
    return Seq2Seq(size, size, embedding_dim=4, units=8, num_layers=1)


def test_a_vocabulary_that_does_not_match_the_model_is_refused():
    with pytest.raises(ValueError, match="does not match the model: vocabulary sizes"):
        Responder(model_for(len(VOCAB.source) + 1), VOCAB, CleaningRules(), 10)


def test_replies_and_refusals_come_back_in_prompt_order():
    keras.utils.set_random_seed(0)
    responder = Responder(model_for(len(VOCAB.source)), VOCAB, CleaningRules(), 10, 5)
    replies = responder.reply(["你好", "", "hello", "你好猫"])
    assert [r.prompt for r in replies] == ["你好", "", "hello", "你好猫"]
    assert replies[0].reply is not None and replies[0].message is None
    assert replies[1].reply is None and replies[2].reply is None
    assert replies[3].reply is not None and "猫" in replies[3].message
    # At most 5 tokens; an untrained model may emit <unk>, one token of 5 letters.
    assert all(
        len(r.reply.replace("<unk>", "?")) <= 5 for r in replies if r.reply is not None
    )
