"""Scoring decoded outputs against references: BLEU, chrF, exact match, characters."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import sacrebleu


def character_accuracy(hypothesis: str, reference: str) -> float:
    """Share of positions where the two strings agree, over the longer length."""
    length = max(len(hypothesis), len(reference))
    if length == 0:
        return 1.0
    hits = sum(h == r for h, r in zip(hypothesis, reference, strict=False))
    return hits / length


AUTO = "auto"
# CJK Unified Ideographs (with extension A) and the compatibility block.
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def bleu_tokenizer_for(references: Sequence[str]) -> str:
    """sacrebleu's tokenizer for the references' script: ``zh`` when they hold
    Chinese characters (sacrebleu's ``zh`` splits them one by one and keeps other
    words whole), ``13a`` (its default, for words) otherwise."""
    return "zh" if any(_IDEOGRAPH.search(text) for text in references) else "13a"


def score_outputs(
    hypotheses: Sequence[str], references: Sequence[str], bleu_tokenize: str = AUTO
) -> dict[str, float]:
    """Corpus BLEU and chrF (sacrebleu), exact match and mean character accuracy.

    Args:
        hypotheses: Model outputs.
        references: One reference per output.
        bleu_tokenize: sacrebleu tokenizer (``13a``, ``zh``, ``char``, ...), or
            ``auto`` for the references' script (``bleu_tokenizer_for``).

    Raises:
        ValueError: If the two lists differ in length or are empty.
    """
    if len(hypotheses) != len(references) or not references:
        raise ValueError(
            "expected as many outputs as references (at least one), got "
            f"{len(hypotheses)} outputs and {len(references)} references"
        )
    hypotheses, references = list(hypotheses), list(references)
    if bleu_tokenize == AUTO:
        bleu_tokenize = bleu_tokenizer_for(references)
    bleu = sacrebleu.corpus_bleu(hypotheses, [references], tokenize=bleu_tokenize)
    chrf = sacrebleu.corpus_chrf(hypotheses, [references])
    exact = sum(h == r for h, r in zip(hypotheses, references, strict=True))
    characters = sum(
        character_accuracy(h, r) for h, r in zip(hypotheses, references, strict=True)
    )
    return {
        "bleu": float(bleu.score),
        "chrf": float(chrf.score),
        "exact_match": exact / len(references),
        "character_accuracy": characters / len(references),
    }


def diversity(texts: Sequence[str]) -> dict[str, float]:
    """How varied a set of replies is.

    ``top_reply_share`` is the share of the most common reply; ``distinct_1`` and
    ``distinct_2`` are the unique characters and unique character bigrams (within a
    reply) over all of them (Li et al. 2016). A chatbot that answers "我是" to
    everything has a top share near 1 and distinct-n near 0.

    Raises:
        ValueError: If ``texts`` is empty.
    """
    if not texts:
        raise ValueError("diversity needs at least one reply, got none")
    unigrams = [c for text in texts for c in text]
    bigrams = [text[i : i + 2] for text in texts for i in range(len(text) - 1)]
    top = Counter(texts).most_common(1)[0]
    return {
        "top_reply_share": top[1] / len(texts),
        "distinct_1": len(set(unigrams)) / len(unigrams) if unigrams else 0.0,
        "distinct_2": len(set(bigrams)) / len(bigrams) if bigrams else 0.0,
    }
