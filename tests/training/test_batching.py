import numpy as np
import pytest

from rnn_pipeline.text.specials import GO, PAD
from rnn_pipeline.training.batching import (
    length_keys,
    make_seq2seq_dataset,
    pad_ids,
    seq2seq_batches,
    teacher_forcing_inputs,
)


def corpus(n=200, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 30, n)
    sources = pad_ids([list(rng.integers(4, 50, k)) for k in lengths], 40)
    targets = pad_ids([[*rng.integers(4, 50, k), 2] for k in lengths], 41)
    buckets = (lengths > 10).astype(int) + (lengths > 20).astype(int)
    return sources, targets, buckets


def test_pad_ids_and_teacher_forcing_inputs():
    targets = pad_ids([[5, 6, 2], [7, 2]])
    assert targets.tolist() == [[5, 6, 2], [7, 2, PAD]]
    assert teacher_forcing_inputs(targets).tolist() == [[GO, 5, 6], [GO, 7, PAD]]


def test_every_pair_is_batched_once_per_epoch_one_bucket_per_batch():
    sources, targets, buckets = corpus()
    dataset = make_seq2seq_dataset(sources, targets, buckets, 16, shuffle=True)
    seen = 0
    first_tokens = []
    for (source, decoder), target in dataset:
        source, decoder, target = map(np.asarray, (source, decoder, target))
        lengths = (target != PAD).sum(1)
        assert (
            len(set(((lengths - 1 > 10).astype(int) + (lengths - 1 > 20)).tolist()))
            == 1
        )
        assert (decoder[:, 0] == GO).all()
        assert target.shape[1] == lengths.max()  # trimmed to the longest pair
        seen += len(target)
        first_tokens.extend(target[:, 0].tolist())
    assert seen == len(sources)
    assert sorted(first_tokens) == sorted(targets[:, 0].tolist())
    assert dataset.cardinality().numpy() > 0


def padding(dataset):
    pad = total = 0
    for (source, _), target in dataset:
        for array in (np.asarray(source), np.asarray(target)):
            pad += (array == PAD).sum()
            total += array.size
    return pad / total


def test_length_pools_keep_padding_low_and_random_order_does_not():
    sources, targets, buckets = corpus(2000)
    pooled = make_seq2seq_dataset(sources, targets, buckets, 32, shuffle=True)
    random = make_seq2seq_dataset(
        sources, targets, buckets, 32, shuffle=True, length_pool=0
    )
    assert padding(pooled) < 0.05
    assert padding(random) > 0.15


def test_batch_size_must_be_positive():
    sources, targets, buckets = corpus(10)
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        make_seq2seq_dataset(sources, targets, buckets, 0)
    with pytest.raises(ValueError, match="length_pool must be >= 0, got -1"):
        make_seq2seq_dataset(sources, targets, buckets, 8, length_pool=-1)


def test_length_keys_order_bucket_target_then_source_in_a_snake():
    lengths = [(2, 1), (5, 1), (3, 2), (6, 2), (1, 3), (4, 3), (1, 1)]  # (src, tgt)
    sources = pad_ids([[5] * s for s, _ in lengths], 6)
    targets = pad_ids([[6] * t for _, t in lengths], 3)
    buckets = np.array([0, 0, 0, 0, 0, 0, 1])
    order = np.argsort(length_keys(sources, targets, buckets), kind="stable")
    # target 1: sources down (odd), target 2: up, target 3: down; then bucket 1
    assert [lengths[i] for i in order] == [
        (5, 1),
        (2, 1),
        (3, 2),
        (6, 2),
        (4, 3),
        (1, 3),
        (1, 1),
    ]
    span = (targets.shape[1] + 1) * (sources.shape[1] + 1)
    assert (length_keys(sources, targets, buckets) // span).tolist() == buckets.tolist()


def test_batches_straddling_two_target_lengths_keep_source_lengths_close():
    # 48 pairs per target length, source lengths 1..24: batches of 32 straddle.
    pairs = [(s, t) for t in range(1, 11) for s in list(range(1, 25)) * 2]
    sources = pad_ids([[5] * s for s, _ in pairs], 24)
    targets = pad_ids([[6] * t + [2] for _, t in pairs], 11)
    buckets = np.zeros(len(pairs), int)
    source_pad = tokens = 0
    for (source, _), _ in make_seq2seq_dataset(
        sources, targets, buckets, 32, length_pool=15
    ):
        source_pad += (np.asarray(source) == PAD).sum()
        tokens += np.asarray(source).size
    # Sorting sources upwards within every target length gives 41% source PAD here.
    assert source_pad / tokens < 0.34


def test_numpy_batches_reshuffle_every_epoch_repeat_with_the_seed_and_feed_tf():
    sources, targets, buckets = corpus(300)
    epoch = seq2seq_batches(sources, targets, buckets, 16, shuffle=True, seed=1)
    first = [target.tolist() for _, target in epoch()]
    second = [target.tolist() for _, target in epoch()]
    assert first != second  # a new order every epoch
    again = seq2seq_batches(sources, targets, buckets, 16, shuffle=True, seed=1)
    assert [target.tolist() for _, target in again()] == first
    dataset = make_seq2seq_dataset(sources, targets, buckets, 16, shuffle=True, seed=1)
    assert [np.asarray(t).tolist() for _, t in dataset] == first
    assert len(first) == dataset.cardinality().numpy()
