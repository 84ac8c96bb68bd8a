"""A separate reply matcher, fitted on its own after the network."""

import numpy as np
import pytest

from rnn_pipeline.evaluation import relevance
from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.text.specials import EOS, GO
from rnn_pipeline.training.matcher_fit import (
    MatcherFitOptions,
    fit_matcher,
    fit_separate_matcher,
)
from rnn_pipeline.training.options import FitOptions
from rnn_pipeline.training.trainer import TrainerOptions

VOCABULARY = 40


def translated_pairs(n: int, seed: int):
    """Prompts of 5 letters from 3-20; the reply holds their images under a fixed
    map into 21-39, shuffled: no character is shared, so only a matcher that
    learned the map can tell a prompt's reply from another's."""
    rng = np.random.default_rng(seed)
    image = 21 + np.random.default_rng(99).permutation(18)
    prompts = rng.integers(3, 21, (n, 5)).astype("int32")
    replies = np.stack([rng.permutation(image[p - 3]) for p in prompts])
    decoder = np.concatenate(
        [np.full((n, 1), GO), replies, np.full((n, 1), EOS)], axis=1
    ).astype("int32")
    return prompts, decoder


def network(fit: str = "separate") -> Seq2Seq:
    return Seq2Seq(
        VOCABULARY,
        VOCABULARY,
        16,
        32,
        1,
        cell_type="gru",
        matching_weight=1.0,
        matching_prompt_bag=True,
        matching_fit=fit,
    )


def recall(model: Seq2Seq, prompts, decoder) -> float:
    rows = relevance.draw_candidates([tuple(r) for r in decoder], range(200), 10, 0)
    source = np.repeat(prompts[:200], 10, axis=0)
    scores = model.match(source, decoder[rows.ravel()][:, 1:])
    return relevance.recall_at_1(np.reshape(np.asarray(scores), rows.shape))


@pytest.mark.parametrize("fit", ["separate", "both"])
def test_the_fitted_matcher_learns_which_reply_fits(tmp_path, fit):
    train, validation, test = (
        translated_pairs(n, s) for n, s in ((2000, 0), (200, 1), (300, 2))
    )
    model = network(fit)
    joint = [w.copy() for w in model.get_layer("matcher").get_weights()]
    before = recall(model, *test)
    history = fit_separate_matcher(
        model,
        train,
        validation,
        TrainerOptions(fit=FitOptions(verbose=0), checkpoint_dir=tmp_path),
        MatcherFitOptions(epochs=15, patience=3, minutes=None, batch_size=32),
    )
    after = recall(model, *test)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert before < 0.3  # chance is 0.1
    assert after > 0.8
    if fit == "both":  # the ranker was fitted; the joint matcher left as it was
        fitted = model.get_layer("matcher").get_weights()
        for old, new in zip(joint, fitted, strict=True):
            np.testing.assert_array_equal(old, new)


def test_a_jointly_trained_matcher_is_refused(tmp_path):
    with pytest.raises(ValueError, match="separate reply matcher"):
        fit_separate_matcher(
            network("joint"),
            translated_pairs(10, 0),
            translated_pairs(4, 1),
            TrainerOptions(checkpoint_dir=tmp_path),
            MatcherFitOptions(),
        )


@pytest.mark.parametrize("fit", ["separate", "both"])
def test_a_separate_matcher_needs_the_prompt_bag(fit):
    with pytest.raises(ValueError, match="prompt_bag"):
        Seq2Seq(
            VOCABULARY,
            VOCABULARY,
            matching_weight=1.0,
            matching_fit=fit,
        )


def ordered_pairs(n: int, seed: int):
    """Prompts of two different letters from 3-12; the reply names the first
    letter from 20-29 and the second from 30-39. A prompt and its swap hold the
    same characters: only a matcher that reads their order tells their replies
    apart."""
    rng = np.random.default_rng(seed)
    prompts = np.stack([rng.choice(10, 2, replace=False) for _ in range(n)]) + 3
    replies = np.stack([prompts[:, 0] + 17, prompts[:, 1] + 27], axis=1)
    decoder = np.concatenate(
        [np.full((n, 1), GO), replies, np.full((n, 1), EOS)], axis=1
    ).astype("int32")
    return prompts.astype("int32"), decoder


def swapped_recall(matcher, prompts, decoder) -> float:
    """Share of prompts whose own reply scores above their swap's reply."""
    own = np.asarray(matcher.similarity(None, prompts, decoder[:, 1:]))
    swapped_prompts = prompts[:, ::-1].copy()
    swapped = np.asarray(matcher.similarity(None, swapped_prompts, decoder[:, 1:]))
    return float(np.mean(own > swapped))


@pytest.mark.parametrize("encoder", ["bag", "gru"])
def test_only_the_gru_encoder_reads_the_order_of_the_characters(tmp_path, encoder):
    train, validation, test = (
        ordered_pairs(n, s) for n, s in ((2000, 0), (200, 1), (300, 2))
    )
    config = {
        "vocabulary_size": VOCABULARY,
        "embedding_dim": 16,
        "units": 32,
        "prompt_bag": True,
        "separate": True,
        "encoder": encoder,
    }
    fitted, history = fit_matcher(
        config,
        train,
        validation,
        TrainerOptions(fit=FitOptions(verbose=0), checkpoint_dir=tmp_path),
        MatcherFitOptions(epochs=20, patience=3, minutes=None, batch_size=32),
    )
    assert history["loss"][-1] < history["loss"][0]
    recall = swapped_recall(fitted.matcher, *test)
    if encoder == "bag":  # a prompt and its swap get one vector: no better than ties
        assert recall == 0.0
    else:
        assert recall > 0.9


def test_an_unknown_encoder_is_refused():
    from rnn_pipeline.models.reply_matcher import ReplyMatcher

    with pytest.raises(ValueError, match="expected a matcher encoder among"):
        ReplyMatcher(VOCABULARY, 8, 8, encoder="lstm")
