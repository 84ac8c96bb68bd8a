"""The reply matcher: a dual encoder trained beside the seq2seq loss."""

import keras
import numpy as np
import pytest

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.models.reply_matcher import ReplyMatcher
from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator
from rnn_pipeline.samplers import get
from rnn_pipeline.text.specials import EOS, GO, PAD

VOCABULARY = 30


def reversal_pairs(n: int, seed: int = 0):
    """Prompts of 6 random letters; the reply is the prompt's last 4, reversed."""
    rng = np.random.default_rng(seed)
    sources = rng.integers(3, VOCABULARY, (n, 6)).astype("int32")
    targets = np.concatenate([sources[:, ::-1][:, :4], np.full((n, 1), EOS)], 1)
    decoder = np.concatenate([np.full((n, 1), GO), targets[:, :-1]], 1)
    return sources, decoder, targets.astype("int32")


def small_model(matching_weight: float = 1.0, prompt_bag: bool = False) -> Seq2Seq:
    model = Seq2Seq(
        VOCABULARY,
        VOCABULARY,
        32,
        64,
        1,
        cell_type="gru",
        matching_weight=matching_weight,
        matching_prompt_bag=prompt_bag,
    )
    model.compile(
        keras.optimizers.Adam(0.01),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def recall_at_1(model: Seq2Seq, sources, targets, candidates: int = 10) -> float:
    """Share of prompts whose own reply the matcher ranks first of ``candidates``
    (the others are the replies of the next prompts)."""
    n = 100
    rows = [(i + j) % len(sources) for i in range(n) for j in range(candidates)]
    prompts = np.repeat(sources[:n], candidates, axis=0)
    scores = np.asarray(model.match(prompts, targets[rows])).reshape(n, candidates)
    return float(np.mean(scores[:, 0] > scores[:, 1:].max(axis=1)))


def test_the_matcher_learns_which_reply_fits_which_prompt():
    keras.utils.set_random_seed(0)
    sources, decoder, targets = reversal_pairs(2048)
    model = small_model()
    before = recall_at_1(model, sources, targets)
    history = model.fit(
        [sources, decoder], targets, batch_size=64, epochs=3, verbose=0
    ).history
    after = recall_at_1(model, sources, targets)
    assert history["loss"][-1] < history["loss"][0]
    assert before < 0.3 < 0.9 < after


def test_the_matching_loss_is_added_in_training_only():
    keras.utils.set_random_seed(0)
    sources, decoder, targets = reversal_pairs(64)
    plain, matched = small_model(0.0), small_model(1.0)
    matched.set_weights(
        [*plain.get_weights(), *matched.get_weights()[len(plain.get_weights()) :]]
    )
    inputs = [sources, decoder]
    assert matched.evaluate(inputs, targets, verbose=0) == pytest.approx(
        plain.evaluate(inputs, targets, verbose=0), rel=1e-5
    )
    # Untrained: about log(64) for choosing among the batch's 64 replies.
    assert (
        matched.test_on_batch(inputs, targets)
        < matched.train_on_batch(inputs, targets) - 2
    )


def test_identical_replies_are_not_counted_as_wrong_choices():
    matcher = ReplyMatcher(VOCABULARY, 8, 16)
    prompts = keras.ops.convert_to_tensor(np.eye(4, 16, dtype="float32"))
    replies = keras.ops.convert_to_tensor(np.eye(4, 16, k=8, dtype="float32"))
    same = np.tile([[GO, 5, 6]], (4, 1))
    different = np.array([[GO, 5, k] for k in range(6, 10)])
    assert float(matcher.loss(prompts, replies, same)) == pytest.approx(0, abs=1e-5)
    assert float(matcher.loss(prompts, replies, different)) == pytest.approx(
        np.log(4), rel=1e-3
    )


def test_reply_vectors_ignore_go_pad_and_what_follows_the_end():
    matcher = ReplyMatcher(VOCABULARY, 8, 16)
    plain = np.array([[5, 6, 7, PAD, PAD, PAD]])
    decorated = np.array([[GO, 5, 6, 7, EOS, 9]])
    np.testing.assert_allclose(
        matcher.reply_vectors(plain), matcher.reply_vectors(decorated), atol=1e-6
    )


def test_a_matching_model_saves_and_loads(tmp_path):
    sources, _, targets = reversal_pairs(4)
    model = small_model()
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert loaded.matches and not small_model(0.0).matches
    np.testing.assert_allclose(
        loaded.match(sources, targets), model.match(sources, targets), atol=1e-5
    )


def test_match_needs_a_model_trained_with_a_matcher():
    sources, _, targets = reversal_pairs(2)
    with pytest.raises(ValueError, match="matching_weight > 0"):
        small_model(0.0).match(sources, targets)


class NoLanguageModel:
    def log_probs(self, sequences):
        return np.zeros(len(sequences))

    def probability(self, context, token):
        return 1.0

    def unigram_probabilities(self):
        return np.full(VOCABULARY, 1 / VOCABULARY)


@pytest.mark.parametrize("fit", ["joint", "both"])
def test_the_generator_gives_the_reranker_the_matchers_scores(fit):
    sources, _, _ = reversal_pairs(3)
    options = {"language_model": NoLanguageModel(), "num_beams": 4}
    matching = get("mmi", matching_weight=1.0, **options)
    model = small_model() if fit == "joint" else separate_model(fit)
    replies = Seq2SeqGenerator(model, matching, 5, jit_compile=False)(sources)
    assert replies.shape == (3, 5)
    with pytest.raises(ValueError, match="without a reply matcher"):
        Seq2SeqGenerator(small_model(0.0), matching, 5)


def test_reading_the_prompts_characters_starts_from_shared_characters():
    keras.utils.set_random_seed(0)
    sources, _, targets = reversal_pairs(100)  # each reply holds 4 prompt letters
    untrained = recall_at_1(small_model(), sources, targets)
    bag = recall_at_1(small_model(prompt_bag=True), sources, targets)
    assert untrained < 0.3 < 0.8 < bag


def test_a_matcher_reading_the_prompts_characters_saves_and_loads(tmp_path):
    sources, _, targets = reversal_pairs(4)
    model = small_model(prompt_bag=True)
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert loaded.matching_prompt_bag
    np.testing.assert_allclose(
        loaded.match(sources, targets), model.match(sources, targets), atol=1e-5
    )
    with pytest.raises(ValueError, match="one vocabulary"):
        Seq2Seq(
            VOCABULARY, VOCABULARY + 1, matching_weight=1.0, matching_prompt_bag=True
        )


def separate_model(fit: str = "separate") -> Seq2Seq:
    return Seq2Seq(
        VOCABULARY,
        VOCABULARY,
        32,
        64,
        1,
        cell_type="gru",
        matching_weight=1.0,
        matching_prompt_bag=True,
        matching_fit=fit,
    )


def test_a_separate_matcher_adds_no_loss_and_is_left_by_the_networks_fit():
    keras.utils.set_random_seed(0)
    sources, decoder, targets = reversal_pairs(64)
    model = separate_model()
    model.compile(
        keras.optimizers.Adam(0.01),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    matcher = model.get_layer("matcher")
    before = [w.copy() for w in matcher.get_weights()]
    inputs = [sources, decoder]
    joint = small_model(1.0)
    joint(inputs, training=True)
    model(inputs, training=True)
    assert joint.losses and not model.losses  # no matching loss in training
    model.fit(inputs, targets, epochs=2, batch_size=16, verbose=0)
    for old, new in zip(before, matcher.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
    assert not any(w.path.startswith("matcher") for w in model.trainable_weights)


def test_a_separate_matcher_saves_and_loads(tmp_path):
    sources, _, targets = reversal_pairs(4)
    model = separate_model()
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert loaded.get_layer("matcher").separate
    np.testing.assert_allclose(
        loaded.match(sources, targets), model.match(sources, targets), atol=1e-5
    )


def test_both_matchers_train_the_joint_one_and_rank_with_the_other(tmp_path):
    keras.utils.set_random_seed(0)
    sources, decoder, targets = reversal_pairs(64)
    model = separate_model("both")
    model.compile(
        keras.optimizers.Adam(0.01),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    joint, ranker = model.get_layer("matcher"), model.get_layer("ranker")
    assert not joint.separate and ranker.separate
    assert model.ranking_matcher is ranker
    model([sources, decoder], training=True)
    assert len(model.losses) == 1  # the joint matcher's loss only
    joint_before = [w.copy() for w in joint.get_weights()]
    ranker_before = [w.copy() for w in ranker.get_weights()]
    model.fit([sources, decoder], targets, epochs=2, batch_size=16, verbose=0)
    assert any(
        not np.array_equal(old, new)
        for old, new in zip(joint_before, joint.get_weights(), strict=True)
    )
    for old, new in zip(ranker_before, ranker.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
    np.testing.assert_allclose(
        model.match(sources, targets),
        ranker.similarity(None, sources, targets),
        atol=1e-6,
    )
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert loaded.matching_fit == "both" and loaded.ranking_matcher.separate
    np.testing.assert_allclose(
        loaded.match(sources, targets), model.match(sources, targets), atol=1e-5
    )
