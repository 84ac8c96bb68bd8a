import numpy as np
import pytest

from rnn_pipeline.text.buckets import assign_buckets, bucket_name, validate_buckets

SEED_BUCKETS = [(10, 15), (20, 25), (40, 50), (80, 100)]


def test_each_pair_goes_to_the_smallest_bucket_that_fits():
    sources = np.array([1, 10, 11, 5, 80, 81])
    targets = np.array([1, 15, 3, 30, 100, 5])
    assert assign_buckets(sources, targets, SEED_BUCKETS).tolist() == [
        0,
        0,
        1,
        2,
        3,
        -1,
    ]


def test_buckets_must_grow():
    assert validate_buckets([[16, 11], [40, 11]]) == [(16, 11), (40, 11)]
    for buckets in ([(10, 15), (20, 12)], [(10, 15), (10, 15)]):
        with pytest.raises(ValueError, match="bucket sizes must grow"):
            validate_buckets(buckets)


def test_fixed_length_targets_still_get_the_smallest_bucket():
    buckets = [(16, 11), (40, 11)]
    assert assign_buckets(np.array([5, 17]), np.array([11, 11]), buckets).tolist() == [
        0,
        1,
    ]


def test_buckets_must_be_pairs_of_positive_ints():
    with pytest.raises(ValueError, match="pair of positive ints, got"):
        validate_buckets([(10, 15, 3)])
    with pytest.raises(ValueError, match="at least one bucket"):
        validate_buckets([])


def test_bucket_names_are_metric_friendly():
    assert bucket_name((10, 15)) == "10x15"
