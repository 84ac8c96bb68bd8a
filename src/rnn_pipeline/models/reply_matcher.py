"""Which reply fits which prompt: a dual encoder trained beside the seq2seq loss.

A seq2seq chatbot trained by likelihood alone learns what replies look like long
before it learns which reply fits which prompt: the decoder's own history predicts
the next character far better than the prompt does, so the encoder gets little
gradient. ``ReplyMatcher`` adds a second objective that only the prompt can solve:
within each batch, tell the true reply from the other pairs' replies (in-batch
negatives, the InfoNCE loss of dual-encoder response selection; Henderson et al.
2017, "Efficient Natural Language Response Suggestion for Smart Reply").

The prompt's vector is read from the seq2seq encoder's outputs (masked mean, then a
projection), so the loss trains the encoder the decoder attends over; the reply's
vector is a small bag-of-characters network of its own. With ``prompt_bag`` the
prompt's characters also pass through the reply's bag network and are added to the
prompt's vector: a character shared by prompt and reply then points both vectors the
same way from the first step, so the matcher starts from what counting shared
characters knows and learns the rest (prompt and reply in one vocabulary). Both are
unit vectors and their dot product is the match score, which the MMI reranker can
add to its score.

A ``separate`` matcher reads the prompt by its characters alone, through the same
bag network as the reply, and adds no loss to the seq2seq model's: it shares no
weight with the network, so it is fitted on its own after it (``MatcherFit``, with
early stopping on the validation pairs). Trained beside the network it over-fits at
the network's pace: on lost.conv its ranking peaked after a minute and fell after.
"""

from __future__ import annotations

import keras
from keras import ops

from rnn_pipeline.text.specials import EOS, GO, PAD

# How a matcher reads a prompt or a reply (``ReplyMatcher(encoder=...)``).
ENCODERS = ("bag", "gru")


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class ReplyMatcher(keras.layers.Layer):
    """A dual encoder over (encoder outputs, reply tokens), trained by in-batch
    negatives; passes the decoder's logits through unchanged.

    In training its loss, ``weight`` x the mean cross-entropy of choosing each
    prompt's reply among the batch's (and each reply's prompt among the batch's),
    is added to the model's with ``add_loss``. Another pair with the same reply
    text is not counted as a wrong choice (是的 answers many prompts).

    Args:
        vocabulary_size: Reply vocabulary size.
        embedding_dim: Size of the reply's character embedding.
        units: Size of the match vectors.
        weight: Weight of the matching loss beside the seq2seq loss.
        scale: The dot products of unit vectors are multiplied by this before the
            softmax (an inverse temperature; 20 lets a cosine gap of 0.2 give odds
            of e^4).
        prompt_bag: The prompt's characters also go through the reply's bag
            network, added to the prompt's vector (prompt and reply ids must be of
            one vocabulary).
        separate: The prompt is read by its characters alone (needs
            ``prompt_bag``) and no loss is added in the network's training: the
            matcher is fitted on its own (``MatcherFit``).
        dropout: Dropout on the bag's mean embedding in training.
        encoder: ``bag``: the vector is read from the mean of the characters'
            embeddings; ``gru``: beside that mean, the mean of a GRU's outputs over
            them (the characters' order: 我爱你 and 你爱我 differ).

    Call args:
        logits: The decoder's logits, returned unchanged.
        encoder_outputs: ``(batch, source_len, units)``.
        source_tokens: ``(batch, source_len)`` ids (PAD masked).
        decoder_tokens: ``(batch, target_len)`` GO then the reply (GO, EOS and
            PAD are ignored).
    """

    def __init__(
        self,
        vocabulary_size: int,
        embedding_dim: int,
        units: int,
        weight: float = 1.0,
        scale: float = 20.0,
        prompt_bag: bool = False,
        separate: bool = False,
        dropout: float = 0.0,
        encoder: str = "bag",
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if encoder not in ENCODERS:
            raise ValueError(
                f"expected a matcher encoder among {ENCODERS}, got {encoder!r}"
            )
        self.encoder = encoder
        if separate and not prompt_bag:
            raise ValueError(
                "expected prompt_bag with a separate matcher (it reads the prompt by "
                "its characters alone), got prompt_bag False"
            )
        self.prompt_bag = prompt_bag
        self.separate = separate
        self.dropout = dropout
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.weight = weight
        self.scale = scale
        self.reply_embedding = keras.layers.Embedding(
            vocabulary_size, embedding_dim, name="reply_embedding"
        )
        self.reply_hidden = keras.layers.Dense(
            units, activation="tanh", name="reply_hidden"
        )
        self.reply_projection = keras.layers.Dense(units, name="reply_projection")
        self.bag_dropout = keras.layers.Dropout(dropout, name="bag_dropout")
        self.reply_gru = (
            keras.layers.GRU(embedding_dim, return_sequences=True, name="reply_gru")
            if encoder == "gru"
            else None
        )
        self.prompt_projection = (
            None if separate else keras.layers.Dense(units, name="prompt_projection")
        )

    def build(
        self,
        logits_shape,
        encoder_outputs_shape=None,
        source_tokens_shape=None,
        decoder_tokens_shape=None,
    ) -> None:
        batch = logits_shape[0]
        self.reply_embedding.build((batch, None))
        read = self.embedding_dim
        if self.reply_gru is not None:
            self.reply_gru.build((batch, None, self.embedding_dim))
            read *= 2
        self.reply_hidden.build((batch, read))
        self.reply_projection.build((batch, self.units))
        if self.prompt_projection is not None:
            self.prompt_projection.build((batch, encoder_outputs_shape[-1]))
        self.built = True

    def prompt_vectors(self, encoder_outputs, source_tokens, training=None):
        """``(batch, units)`` unit vectors of the prompts (``encoder_outputs`` is
        not read by a separate matcher: None will do)."""
        if self.separate:
            return _unit(self._bag(source_tokens, training))
        mask = ops.cast(ops.not_equal(source_tokens, PAD), encoder_outputs.dtype)
        summed = ops.sum(encoder_outputs * mask[:, :, None], axis=1)
        mean = summed / ops.maximum(ops.sum(mask, axis=1, keepdims=True), 1)
        vectors = self.prompt_projection(mean)
        if self.prompt_bag:
            vectors = ops.cast(vectors, "float32") + self._bag(source_tokens, training)
        return _unit(vectors)

    def reply_vectors(self, reply_tokens, training=None):
        """``(batch, units)`` unit vectors of replies: ids up to the first EOS, GO
        and PAD ignored (decoder inputs and decoded candidates alike)."""
        return _unit(self._bag(reply_tokens, training))

    def _bag(self, token_ids, training=None):
        """``(batch, units)`` the bag-of-characters network's vectors (float32) of
        ids up to the first EOS, GO and PAD ignored."""
        tokens = ops.convert_to_tensor(token_ids, dtype="int32")
        before_end = ops.equal(ops.cumsum(ops.cast(tokens == EOS, "int32"), axis=1), 0)
        keep = before_end & ops.not_equal(tokens, PAD) & ops.not_equal(tokens, GO)
        embedded = self.reply_embedding(tokens)
        mask = ops.cast(keep, embedded.dtype)[:, :, None]
        count = ops.maximum(ops.sum(mask, axis=1), 1)
        mean = ops.sum(embedded * mask, axis=1) / count
        if self.reply_gru is not None:
            outputs = self.reply_gru(embedded, mask=keep, training=training)
            mask = ops.cast(mask, outputs.dtype)
            read = ops.sum(outputs * mask, axis=1) / ops.cast(count, outputs.dtype)
            mean = ops.concatenate([mean, ops.cast(read, mean.dtype)], axis=-1)
        mean = self.bag_dropout(mean, training=training)
        return ops.cast(self.reply_projection(self.reply_hidden(mean)), "float32")

    def similarity(self, encoder_outputs, source_tokens, reply_tokens):
        """``(batch,)`` the cosine of each prompt and its row's reply."""
        prompts = self.prompt_vectors(encoder_outputs, source_tokens)
        replies = self.reply_vectors(reply_tokens)
        return ops.sum(prompts * replies, axis=-1)

    def call(
        self, logits, encoder_outputs, source_tokens, decoder_tokens, training=None
    ):
        if training and self.weight and not self.separate:
            self.add_loss(
                self.weight
                * self.loss(
                    self.prompt_vectors(encoder_outputs, source_tokens, training),
                    self.reply_vectors(decoder_tokens, training),
                    decoder_tokens,
                )
            )
        return logits

    def loss(self, prompts, replies, decoder_tokens):
        """The in-batch cross-entropy, both ways, averaged."""
        return in_batch_loss(None, self.batch_scores(prompts, replies, decoder_tokens))

    def batch_scores(self, prompts, replies, decoder_tokens):
        """``(batch, batch)`` scaled cosines of every prompt and every reply of a
        batch; another row with the same reply text is masked out (-1e9)."""
        scores = self.scale * ops.matmul(prompts, ops.transpose(replies))
        # Another row with the same reply is no wrong answer: mask it out.
        tokens = ops.convert_to_tensor(decoder_tokens, dtype="int32")
        same = ops.all(ops.equal(tokens[:, None, :], tokens[None, :, :]), axis=-1)
        size = ops.shape(scores)[0]
        other = ops.logical_and(same, ops.logical_not(ops.eye(size) > 0))
        return ops.where(other, ops.full_like(scores, -1e9), scores)

    def compute_output_shape(self, logits_shape, *args):
        return logits_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "embedding_dim": self.embedding_dim,
                "units": self.units,
                "weight": self.weight,
                "scale": self.scale,
                "prompt_bag": self.prompt_bag,
                "separate": self.separate,
                "dropout": self.dropout,
                "encoder": self.encoder,
            }
        )
        return config


def in_batch_loss(_labels, scores):
    """The cross-entropy of choosing each row's own column of ``scores`` (prompts
    by replies of one batch) and each column's own row, averaged; the labels are
    the diagonal (Keras passes its targets first: they are not read)."""
    labels = ops.arange(ops.shape(scores)[0])
    forward = keras.losses.sparse_categorical_crossentropy(
        labels, scores, from_logits=True
    )
    backward = keras.losses.sparse_categorical_crossentropy(
        labels, ops.transpose(scores), from_logits=True
    )
    return 0.5 * (ops.mean(forward) + ops.mean(backward))


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class MatcherFit(keras.Model):
    """A separate ``ReplyMatcher`` fitted on its own: ``(prompt ids, reply ids)``
    batches to the batch's score matrix, trained with ``in_batch_loss``.

    Args:
        matcher_config: The ``get_config`` of the matcher to fit (``separate``).
    """

    def __init__(self, matcher_config: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.matcher_config = dict(matcher_config)
        self.matcher = ReplyMatcher.from_config(
            {**self.matcher_config, "trainable": True}
        )
        self.matcher.build((None, None))  # its weights exist before any call

    def call(self, inputs, training=None):
        prompts, replies = inputs
        return self.matcher.batch_scores(
            self.matcher.prompt_vectors(None, prompts, training),
            self.matcher.reply_vectors(replies, training),
            replies,
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config["matcher_config"] = self.matcher_config
        return config


def _unit(vectors):
    """Rows scaled to length 1, in float32 (bfloat16 dot products are too coarse
    for a softmax over the batch)."""
    vectors = ops.cast(vectors, "float32")
    return vectors / ops.sqrt(
        ops.sum(ops.square(vectors), axis=-1, keepdims=True) + 1e-6
    )
