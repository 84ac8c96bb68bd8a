import numpy as np
import pytest

from rnn_pipeline.text.specials import GO, PAD
from rnn_pipeline.training.batching import (
    make_seq2seq_dataset,
    pad_ids,
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
