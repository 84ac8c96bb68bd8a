"""The seq2seq model with attention, as a functional Keras model."""

from __future__ import annotations

import keras
from keras import ops

from rnn_pipeline.models.attention_decoder import AttentionDecoder
from rnn_pipeline.models.reply_matcher import ReplyMatcher
from rnn_pipeline.models.seq2seq_encoder import Seq2SeqEncoder
from rnn_pipeline.text.specials import PAD


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class Seq2Seq(keras.Model):
    """Encoder-decoder with attention over characters (the classic chatbot design).

    Training is teacher-forced: inputs are ``[source_tokens, decoder_tokens]`` where
    ``decoder_tokens`` is GO followed by the target shifted right, and the output is
    the target logits. Inference uses ``encode`` once and then ``next`` per token; both
    fetch the sub-layers by name.

    Args:
        source_vocabulary_size: Source vocabulary size.
        target_vocabulary_size: Target vocabulary size.
        embedding_dim: Embedding size of both sides.
        units: Hidden size of every recurrent layer.
        num_layers: Layers in the encoder and in the decoder.
        cell_type: ``lstm``, ``gru`` or ``simple_rnn``.
        attention: ``bahdanau``, ``luong`` or ``none`` (no attention, for
            comparison).
        dropout: Dropout between layers, in training only.
        embedding_dropout: Dropout on the embedded tokens of both sides, in training
            only (0 by default; a regulariser for one-layer models on small corpora).
        tie_embeddings: The decoder's output projection is its embedding matrix
            (``AttentionDecoder``).
        matching_weight: Above 0, a ``ReplyMatcher`` (layer ``matcher``) learns
            beside the decoder to tell each prompt's reply from the batch's other
            replies, its loss weighted by this; ``match`` then scores how well a
            reply fits a prompt. 0 (the default): no matcher.
        matching_prompt_bag: The matcher also reads the prompt's characters with
            the reply's bag network (``ReplyMatcher(prompt_bag=True)``); needs one
            vocabulary for prompts and replies.
        matching_fit: ``joint``: the matcher's loss is added to the network's;
            ``separate``: it reads the prompt by its characters alone (needs
            ``matching_prompt_bag``), adds no loss, and is fitted on its own
            after the network (``training.matcher_fit``); ``both``: a joint
            matcher (layer ``matcher``) trains the encoder and a separate one
            (layer ``ranker``), fitted after the network, is what ``match``
            answers with (needs ``matching_prompt_bag``).
        matching_dropout: Dropout on a separate matcher's bag of characters in
            training.

    Raises:
        ValueError: If ``matching_prompt_bag`` is set without a matcher, or with
            vocabularies of different sizes, or a separate matcher without it.
    """

    def __init__(
        self,
        source_vocabulary_size: int,
        target_vocabulary_size: int,
        embedding_dim: int = 128,
        units: int = 256,
        num_layers: int = 3,
        cell_type: str = "lstm",
        attention: str = "luong",
        dropout: float = 0.2,
        embedding_dropout: float = 0.0,
        tie_embeddings: bool = False,
        matching_weight: float = 0.0,
        matching_prompt_bag: bool = False,
        matching_fit: str = "joint",
        matching_dropout: float = 0.0,
        **kwargs,
    ) -> None:
        if matching_prompt_bag and not matching_weight:
            raise ValueError(
                "expected matching_weight > 0 with matching_prompt_bag, got "
                f"{matching_weight}"
            )
        if matching_prompt_bag and source_vocabulary_size != target_vocabulary_size:
            raise ValueError(
                "expected one vocabulary for prompts and replies with "
                f"matching_prompt_bag, got {source_vocabulary_size} source and "
                f"{target_vocabulary_size} target tokens"
            )
        encoder = Seq2SeqEncoder(
            source_vocabulary_size,
            embedding_dim,
            units,
            num_layers,
            cell_type=cell_type,
            dropout=dropout,
            embedding_dropout=embedding_dropout,
            name="encoder",
        )
        decoder = AttentionDecoder(
            target_vocabulary_size,
            embedding_dim,
            units,
            num_layers,
            cell_type=cell_type,
            attention=attention,
            dropout=dropout,
            embedding_dropout=embedding_dropout,
            tie_embeddings=tie_embeddings,
            name="decoder",
        )
        source = keras.Input(shape=(None,), dtype="int32", name="source_tokens")
        decoder_tokens = keras.Input(
            shape=(None,), dtype="int32", name="decoder_tokens"
        )
        encoder_outputs, states = encoder(source)
        logits = decoder(decoder_tokens, encoder_outputs, source, states)
        names = ("matcher", "ranker") if matching_fit == "both" else ("matcher",)
        for name in names if matching_weight else ():
            separate = matching_fit == "separate" or name == "ranker"
            matcher = ReplyMatcher(
                target_vocabulary_size,
                embedding_dim,
                units,
                weight=matching_weight,
                prompt_bag=matching_prompt_bag,
                separate=separate,
                dropout=matching_dropout if separate else 0.0,
                name=name,
            )
            # A separate matcher is fitted on its own: the network's fit leaves it.
            matcher.trainable = not separate
            logits = matcher(logits, encoder_outputs, source, decoder_tokens)
        super().__init__(inputs=[source, decoder_tokens], outputs=logits, **kwargs)
        self.source_vocabulary_size = source_vocabulary_size
        self.target_vocabulary_size = target_vocabulary_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.num_layers = num_layers
        self.cell_type = cell_type
        self.attention = attention
        self.dropout = dropout
        self.embedding_dropout = embedding_dropout
        self.tie_embeddings = tie_embeddings
        self.matching_weight = matching_weight
        self.matching_prompt_bag = matching_prompt_bag
        self.matching_fit = matching_fit
        self.matching_dropout = matching_dropout

    def encode(self, source_tokens) -> dict:
        """Run the encoder and return the decoding state for ``next``."""
        encoder_outputs, states = self.get_layer("encoder")(
            source_tokens, training=False
        )
        return {
            "states": list(states),
            "encoder_outputs": encoder_outputs,
            "source_mask": ops.not_equal(source_tokens, PAD),
        }

    def next(self, tokens, state: dict):
        """One decoding step: ``(tokens, state) -> (logits, state)``."""
        logits, states, _ = self.get_layer("decoder").step(
            tokens, state["states"], state["encoder_outputs"], state["source_mask"]
        )
        return logits, {**state, "states": states}

    @property
    def matches(self) -> bool:
        """Whether the model has a ``matcher`` (``matching_weight`` > 0)."""
        return bool(self.matching_weight)

    @property
    def ranking_matcher(self) -> ReplyMatcher | None:
        """The matcher ``match`` answers with (``ranker`` where there are two),
        or None for a model without one."""
        if not self.matches:
            return None
        return self.get_layer("ranker" if self.matching_fit == "both" else "matcher")

    def match(self, source_tokens, reply_tokens):
        """``(batch,)`` how well each reply fits its row's prompt: the ranking
        matcher's cosine, in [-1, 1]; ``reply_tokens`` are ids up to an optional
        EOS.

        Raises:
            ValueError: If the model was trained without a matcher.
        """
        matcher = self.ranking_matcher
        if matcher is None:
            raise ValueError(
                "expected a model trained with model_options.matching_weight > 0, "
                "got one without a reply matcher"
            )
        if matcher.separate:  # it reads the prompt's characters, not the encoder
            return matcher.similarity(None, source_tokens, reply_tokens)
        encoder_outputs, _ = self.get_layer("encoder")(source_tokens, training=False)
        return matcher.similarity(encoder_outputs, source_tokens, reply_tokens)

    def attention_weights(self, source_tokens, decoder_tokens):
        """Teacher-forced attention weights ``(batch, target_len, source_len)``."""
        encoder_outputs, states = self.get_layer("encoder")(
            source_tokens, training=False
        )
        _, weights = self.get_layer("decoder")(
            decoder_tokens,
            encoder_outputs,
            source_tokens,
            states,
            training=False,
            return_attention=True,
        )
        return weights

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "trainable": self.trainable,
            "source_vocabulary_size": self.source_vocabulary_size,
            "target_vocabulary_size": self.target_vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "units": self.units,
            "num_layers": self.num_layers,
            "cell_type": self.cell_type,
            "attention": self.attention,
            "dropout": self.dropout,
            "embedding_dropout": self.embedding_dropout,
            "tie_embeddings": self.tie_embeddings,
            "matching_weight": self.matching_weight,
            "matching_prompt_bag": self.matching_prompt_bag,
            "matching_fit": self.matching_fit,
            "matching_dropout": self.matching_dropout,
        }

    @classmethod
    def from_config(cls, config: dict) -> Seq2Seq:
        return cls(**config)
