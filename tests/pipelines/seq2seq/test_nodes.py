import keras
import numpy as np
import pandas as pd
import pytest

from rnn_pipeline.pipelines.options import OptionsError
from rnn_pipeline.pipelines.seq2seq import nodes
from rnn_pipeline.pipelines.seq2seq.options import (
    BucketOptions,
    EvaluationOptions,
    ModelOptions,
    SplitOptions,
    TrainingOptions,
    VocabOptions,
    parse,
)
from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.specials import EOS, UNK
from rnn_pipeline.text.vocab import PairVocabulary

PAIRS = pd.DataFrame(
    {
        "source": ["你好", "你是谁", "再见了"],
        "target": ["你好啊", "我是机器人", "再见"],
    },
    dtype="string",
)
BUCKETS = BucketOptions(buckets=[(3, 4), (5, 8)])


def test_split_pairs_uses_the_fraction_and_seed():
    train, test = nodes.split_pairs(PAIRS, SplitOptions(test_fraction=0.34, seed=0))
    assert len(train) == 2 and len(test) == 1


def test_split_by_conversation_keeps_a_conversations_pairs_together():
    pairs = pd.DataFrame(
        {
            "source": [f"问{i}" for i in range(12)],
            "target": [f"答{i}" for i in range(12)],
            "conversation": [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4],
        }
    )
    options = SplitOptions(test_fraction=0.25, seed=1, by="conversation")
    train, test = nodes.split_pairs(pairs, options)
    assert not set(train["conversation"]) & set(test["conversation"])
    assert len(train) + len(test) == 12


def test_split_by_conversation_without_conversations_is_one_clear_error():
    with pytest.raises(CorpusError, match="needs pairs from a corpus of conv"):
        nodes.split_pairs(PAIRS, SplitOptions(by="conversation"))


def test_options_reject_unknown_keys_naming_the_group():
    with pytest.raises(
        ValueError,
        match=r"invalid split_options: test_fractoin: Extra inputs .* \(got 0.2\)",
    ):
        parse(SplitOptions, {"test_fractoin": 0.2})


def test_vocabulary_shared_and_separate():
    shared = nodes.build_vocabulary(PAIRS, VocabOptions())
    assert isinstance(shared, PairVocabulary)
    assert shared.shared is True and "机" in shared.source
    separate = nodes.build_vocabulary(PAIRS, VocabOptions(shared=False))
    assert "机" not in separate.source
    assert "机" in separate.target


def test_vectorize_appends_eos_and_maps_unknown_characters_to_unk():
    vocabulary = nodes.build_vocabulary(PAIRS.iloc[:1], VocabOptions())
    ids = nodes.vectorize_pairs(PAIRS, vocabulary)
    assert list(ids.columns) == ["source_ids", "target_ids"]
    assert all(t[-1] == EOS for t in ids["target_ids"])
    assert UNK in ids["source_ids"][1]


def test_bucket_pairs_reports_sizes():
    vocabulary = nodes.build_vocabulary(PAIRS, VocabOptions())
    ids = nodes.vectorize_pairs(PAIRS, vocabulary)
    train, test, report = nodes.bucket_pairs(ids, ids.iloc[:1], BUCKETS)
    assert train["bucket"].tolist() == [0, 1, 0]
    assert report["train"] == {"3x4": 2, "5x8": 1}
    assert report["test"] == {"3x4": 1, "5x8": 0}
    assert report["too_long"] == {"train": 0, "test": 0}


def test_bucketing_is_the_length_filter_measured_on_the_ids_with_eos():
    vocabulary = nodes.build_vocabulary(PAIRS, VocabOptions())
    ids = nodes.vectorize_pairs(PAIRS, vocabulary)  # targets 4, 6 and 3 ids with EOS
    # 再见了 -> 再见 fits 3x4; 你好 -> 你好啊 needs 4 target ids: one too many for 3x3.
    buckets = BucketOptions(buckets=[(3, 3)])
    train, test, report = nodes.bucket_pairs(ids, ids.iloc[2:], buckets)
    assert train["target_ids"].tolist() == [ids["target_ids"][2]]
    assert len(test) == 1
    assert report["too_long"] == {"train": 2, "test": 0}
    assert report["train"] == {"3x3": 1}
    with pytest.raises(CorpusError, match="none of the 2 test pairs fits .* 3x3"):
        nodes.bucket_pairs(ids, ids.iloc[:2], buckets)


def test_bucket_options_must_grow():
    with pytest.raises(ValueError, match="bucket sizes must grow"):
        parse(BucketOptions, {"buckets": [[5, 8], [3, 4]]})


def greeting_pairs() -> tuple[pd.DataFrame, PairVocabulary, BucketOptions]:
    """96 seeded pairs of two greetings each, answered by themselves: the bucketed
    training pairs, their vocabulary and the one bucket."""
    rng = np.random.default_rng(0)
    words = ["你好", "再见", "谢谢", "早上好", "晚安", "是的", "不是", "对不起"]
    sources = ["".join(rng.choice(words, 2)) for _ in range(96)]
    pairs = pd.DataFrame({"source": sources, "target": sources}, dtype="string")
    vocabulary = nodes.build_vocabulary(pairs, VocabOptions())
    ids = nodes.vectorize_pairs(pairs, vocabulary)
    buckets = BucketOptions(buckets=[(6, 7)])
    train, _, _ = nodes.bucket_pairs(ids, ids.iloc[:1], buckets)
    return train, vocabulary, buckets


def test_mixed_precision_training_learns_and_hands_on_a_float32_model(tmp_path):
    train, vocabulary, buckets = greeting_pairs()
    training_options = TrainingOptions(
        epochs=8,
        batch_size=16,
        learning_rate=0.01,
        precision="mixed_bfloat16",
        checkpoint_dir=str(tmp_path),
        verbose=0,
    )
    model, history = nodes.train_seq2seq(
        *nodes.split_validation(train, training_options),
        vocabulary,
        ModelOptions(embedding_dim=16, units=32, num_layers=1, dropout=0.0),
        training_options,
        buckets,
    )
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    assert model.dtype_policy.name == "float32"
    assert all(w.dtype == "float32" for w in model.get_weights())
    assert keras.config.dtype_policy().name == "float32"  # the global one is back


def test_an_unknown_precision_names_the_choices():
    with pytest.raises(ValueError, match="precision"):
        parse(TrainingOptions, {"precision": "float8"})


def test_the_validation_split_is_seeded_disjoint_and_of_the_asked_share():
    frame = pd.DataFrame({"row": range(50), "bucket": 0})
    options = TrainingOptions(validation_fraction=0.2, seed=3)
    fit, validation = nodes.split_validation(frame, options)
    assert len(validation) == 10 and len(fit) == 40
    assert sorted([*fit["row"], *validation["row"]]) == list(range(50))
    again = nodes.split_validation(frame, options)[1]
    assert validation["row"].tolist() == again["row"].tolist()
    with pytest.raises(ValueError, match="validation_fraction"):
        parse(TrainingOptions, {"validation_fraction": 1.5})


def test_fixed_buckets_are_the_choice_as_set():
    assert nodes.choose_bucket_sizes(pd.DataFrame(), BUCKETS) is BUCKETS


def test_auto_buckets_are_chosen_from_the_training_lengths_eos_counted():
    vocabulary = nodes.build_vocabulary(PAIRS, VocabOptions())
    ids = nodes.vectorize_pairs(PAIRS, vocabulary)  # targets 4, 6 and 3 ids with EOS
    auto = parse(BucketOptions, {"buckets": "auto", "percentiles": [50, 100]})
    chosen = nodes.choose_bucket_sizes(ids, auto)
    assert chosen.buckets == [(5, 5), (5, 10)]
    assert chosen.reply_length == 10 and chosen.max_source_len == 5
    assert chosen.max_reply_length(EvaluationOptions(max_reply_length=30)) == 10
    _, _, report = nodes.bucket_pairs(ids, ids, chosen)
    assert report["too_long"] == {"train": 0, "test": 0}
    with pytest.raises(CorpusError, match="auto needs training pairs"):
        nodes.choose_bucket_sizes(ids.iloc[:0], auto)


def test_auto_buckets_have_no_sizes_until_chosen():
    auto = parse(BucketOptions, {"buckets": "auto"})
    with pytest.raises(ValueError, match="chosen from the training split"):
        _ = auto.max_source_len
    with pytest.raises(OptionsError, match="percentiles"):
        parse(BucketOptions, {"buckets": "auto", "percentiles": [90, 50]})
    with pytest.raises(OptionsError, match="buckets"):
        parse(BucketOptions, {"buckets": "automatic"})


def test_the_matcher_reads_prompt_characters_with_a_matcher_and_one_vocabulary(
    tmp_path,
):
    with pytest.raises(OptionsError, match="matching_prompt_bag expects"):
        parse(ModelOptions, {"matching_prompt_bag": True})
    options = parse(ModelOptions, {"matching_weight": 1.0, "matching_prompt_bag": True})
    separate = nodes.build_vocabulary(PAIRS, VocabOptions(shared=False))
    assert not separate.shared
    with pytest.raises(ValueError, match="one vocabulary for prompts and replies"):
        nodes.train_seq2seq(
            pd.DataFrame(),
            pd.DataFrame(),
            separate,
            options,
            TrainingOptions(checkpoint_dir=str(tmp_path)),
            BUCKETS,
        )


@pytest.mark.parametrize("fit", ["separate", "both"])
def test_a_separate_matcher_is_fitted_after_the_network_and_logged(tmp_path, fit):
    with pytest.raises(OptionsError, match=f"matching_fit: {fit} expects"):
        parse(ModelOptions, {"matching_weight": 1.0, "matching_fit": fit})
    train, vocabulary, buckets = greeting_pairs()
    options = TrainingOptions(
        epochs=2, batch_size=16, checkpoint_dir=str(tmp_path), verbose=0
    )
    assert options.matcher_fit_options().batch_size == 16  # the network's
    options = options.model_copy(update={"matcher_epochs": 3, "matcher_batch_size": 8})
    assert options.matcher_fit_options().batch_size == 8
    model_options = parse(
        ModelOptions,
        {
            "embedding_dim": 8,
            "units": 16,
            "num_layers": 1,
            "matching_weight": 1.0,
            "matching_prompt_bag": True,
            "matching_fit": fit,
        },
    )
    model, history = nodes.train_seq2seq(
        *nodes.split_validation(train, options),
        vocabulary,
        model_options,
        options,
        buckets,
    )
    assert len(history["loss"]) == 2
    assert 1 <= len(history["matcher_loss"]) <= 3
    assert len(history["val_matcher_loss"]) == len(history["matcher_loss"])
    assert model.ranking_matcher.separate
