"""Reading learned word vectors: nearest neighbours and a 2-D map."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def nearest_neighbours(
    vectors: np.ndarray, words: Sequence[str], queries: Sequence[str], k: int = 8
) -> dict[str, list[tuple[str, float]]]:
    """The ``k`` words of highest cosine similarity to each query word.

    Query words outside ``words`` are left out of the result.
    """
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(norms, 1e-12)
    index = {word: i for i, word in enumerate(words)}
    result = {}
    for query in queries:
        if query not in index:
            continue
        similarity = unit @ unit[index[query]]
        similarity[index[query]] = -np.inf
        best = np.argsort(-similarity)[:k]
        result[query] = [(words[i], float(similarity[i])) for i in best]
    return result


def project_2d(vectors: np.ndarray, perplexity: float = 30.0, seed: int = 0):
    """t-SNE (scikit-learn) of the vectors onto a plane, ``(n, 2)``.

    Raises:
        ValueError: With fewer than 3 vectors (t-SNE needs a neighbourhood).
    """
    from sklearn.manifold import TSNE

    if len(vectors) < 3:
        raise ValueError(f"expected at least 3 vectors to project, got {len(vectors)}")
    tsne = TSNE(
        n_components=2,
        perplexity=min(perplexity, len(vectors) - 1),
        init="pca",
        metric="cosine",
        random_state=seed,
    )
    return tsne.fit_transform(np.asarray(vectors, dtype=np.float64))
