"""Length buckets: each pair goes to the smallest bucket that fits it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def validate_buckets(buckets: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """Check that buckets are (source, target) sizes that grow.

    Each bucket must be at least as large as the previous one in both sizes and
    larger in one (targets of fixed length, like ISO dates, keep one size).

    Raises:
        ValueError: If a bucket is not a pair of positive ints or sizes do not grow.
    """
    checked: list[tuple[int, int]] = []
    for bucket in buckets:
        if len(bucket) != 2 or not all(
            isinstance(size, int) and size > 0 for size in bucket
        ):
            raise ValueError(
                f"each bucket must be a pair of positive ints, got {bucket!r}"
            )
        checked.append((bucket[0], bucket[1]))
    if not checked:
        raise ValueError("at least one bucket is needed, got none")
    for (s0, t0), (s1, t1) in zip(checked, checked[1:], strict=False):
        if s1 < s0 or t1 < t0 or (s1, t1) == (s0, t0):
            raise ValueError(f"bucket sizes must grow, got {checked!r}")
    return checked


def assign_buckets(
    source_lengths: np.ndarray,
    target_lengths: np.ndarray,
    buckets: Sequence[tuple[int, int]],
) -> np.ndarray:
    """Index of the smallest bucket that holds each pair, or -1 if none does.

    Because bucket sizes grow in both dimensions, the answer is the larger of the two
    per-dimension searches, which keeps this vectorised.
    """
    source_sizes = np.array([s for s, _ in buckets])
    target_sizes = np.array([t for _, t in buckets])
    by_source = np.searchsorted(source_sizes, np.asarray(source_lengths), side="left")
    by_target = np.searchsorted(target_sizes, np.asarray(target_lengths), side="left")
    index = np.maximum(by_source, by_target)
    return np.where(index < len(buckets), index, -1)


def bucket_name(bucket: tuple[int, int]) -> str:
    """A stable metric-friendly name such as ``10x15``."""
    return f"{bucket[0]}x{bucket[1]}"


def choose_buckets(
    source_lengths: Sequence[int] | np.ndarray,
    target_lengths: Sequence[int] | np.ndarray,
    percentiles: Sequence[float] = (50, 80, 95, 99),
    round_to: int = 5,
) -> list[tuple[int, int]]:
    """Buckets at length percentiles of a corpus: one per percentile, its source
    and target sizes the percentiles of ``source_lengths`` and ``target_lengths``
    rounded up to a multiple of ``round_to``; equal sizes merge into one bucket.

    Pairs longer than the last bucket (about ``100 - percentiles[-1]`` percent in
    each dimension) are left to the caller to drop and count.

    Raises:
        ValueError: If there are no lengths, or the percentiles do not grow within
            (0, 100].
    """
    if len(source_lengths) == 0 or len(source_lengths) != len(target_lengths):
        raise ValueError(
            "expected the source and target lengths of the same pairs (at least one), "
            f"got {len(source_lengths)} and {len(target_lengths)}"
        )
    if round_to < 1:
        raise ValueError(f"round_to must be a positive int, got {round_to!r}")
    validate_percentiles(percentiles)
    sizes = [
        np.ceil(np.percentile(lengths, percentiles) / round_to).astype(int) * round_to
        for lengths in (source_lengths, target_lengths)
    ]
    buckets: list[tuple[int, int]] = []
    for source, target in zip(*sizes, strict=True):
        bucket = (max(int(source), round_to), max(int(target), round_to))
        if not buckets or bucket != buckets[-1]:
            buckets.append(bucket)
    return validate_buckets(buckets)


def validate_percentiles(percentiles: Sequence[float]) -> list[float]:
    """Check that percentiles grow strictly within (0, 100].

    Raises:
        ValueError: If they are empty, out of range or do not grow.
    """
    checked = [float(p) for p in percentiles]
    if (
        not checked
        or not all(0 < p <= 100 for p in checked)
        or any(b <= a for a, b in zip(checked, checked[1:], strict=False))
    ):
        raise ValueError(
            f"percentiles must grow strictly within (0, 100], got {list(percentiles)!r}"
        )
    return checked
