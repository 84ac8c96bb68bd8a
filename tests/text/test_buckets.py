import numpy as np
import pytest

from rnn_pipeline.text.buckets import (
    assign_buckets,
    bucket_name,
    choose_buckets,
    validate_buckets,
)

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


def test_auto_buckets_sit_at_the_length_percentiles_rounded_up_to_fives():
    sources = np.arange(1, 101)  # percentiles 50/80/95/99: 50.5, 80.2, 95.05, 99.01
    targets = np.arange(1, 101) // 2 + 1  # 26.0, 41.0, 48.5, 50.5
    assert choose_buckets(sources, targets) == [
        (55, 30),
        (85, 45),
        (100, 50),
        (100, 55),
    ]
    # Every pair but the longest percent fits the last bucket.
    assert (
        assign_buckets(sources, targets, choose_buckets(sources, targets)) < 0
    ).sum() == 0


def test_auto_buckets_of_equal_sizes_merge_and_are_never_empty():
    # A corpus of one length: every percentile the same, so one bucket; rounding up
    # never gives 0.
    assert choose_buckets([3] * 10, [1] * 10) == [(5, 5)]
    assert choose_buckets([7, 7, 7, 30], [4, 4, 4, 12], [50, 99], round_to=10) == [
        (10, 10),
        (30, 20),
    ]


def test_the_longest_pairs_beyond_the_last_percentile_fit_no_bucket():
    sources = np.array([4] * 99 + [200])
    targets = np.array([6] * 99 + [300])
    buckets = choose_buckets(sources, targets, [50, 90])
    assert buckets == [(5, 10)]
    assert assign_buckets(sources, targets, buckets).tolist() == [0] * 99 + [-1]


@pytest.mark.parametrize(
    ("sources", "percentiles", "match"),
    [
        ([], [50], "at least one"),
        ([1], [80, 50], "grow strictly"),
        ([1], [0, 50], "within"),
        ([1], [50, 101], "within"),
        ([1], [], "grow strictly"),
    ],
)
def test_auto_buckets_reject_no_lengths_and_bad_percentiles(
    sources, percentiles, match
):
    with pytest.raises(ValueError, match=match):
        choose_buckets(sources, sources, percentiles)
