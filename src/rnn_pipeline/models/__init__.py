"""Keras layers and models. Written with ``keras.layers``/``keras.ops`` only, so they
run on any Keras 3 backend."""

from rnn_pipeline.models.attention import SequenceAttention
from rnn_pipeline.models.attention_decoder import AttentionDecoder
from rnn_pipeline.models.char_rnn import CharRNN
from rnn_pipeline.models.recurrent import make_recurrent_layer
from rnn_pipeline.models.seq2seq import Seq2Seq
from rnn_pipeline.models.seq2seq_encoder import Seq2SeqEncoder
from rnn_pipeline.models.sequence_classifier import SequenceClassifier
from rnn_pipeline.models.sequence_regressor import SequenceRegressor
from rnn_pipeline.models.skip_gram import SkipGram

__all__ = [
    "AttentionDecoder",
    "CharRNN",
    "Seq2Seq",
    "Seq2SeqEncoder",
    "SequenceAttention",
    "SequenceClassifier",
    "SequenceRegressor",
    "SkipGram",
    "make_recurrent_layer",
]
