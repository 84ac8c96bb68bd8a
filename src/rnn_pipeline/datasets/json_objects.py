"""Versioned JSON datasets that load and save library objects, not dicts.

Nodes receive a ``PairVocabulary`` (or a char-RNN ``Vocabulary``), a
``ResponderConfig`` and ``NgramLanguageModel`` count models ready to use; the file
format stays each class's ``to_dict``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnn_pipeline.chat import ResponderConfig
from rnn_pipeline.datasets.versioned import VersionedJSONDataset
from rnn_pipeline.text.ngram import NgramLanguageModel
from rnn_pipeline.text.vocab import PairVocabulary, Vocabulary, vocabulary_from_dict

if TYPE_CHECKING:
    from rnn_pipeline.pipelines.seq2seq.options import BucketOptions


class VocabularyDataset(VersionedJSONDataset):
    """A vocabulary as JSON: ``PairVocabulary`` for seq2seq pipelines, ``Vocabulary``
    for char-RNN ones (told apart by the file's form)."""

    def load(self) -> PairVocabulary | Vocabulary:
        return vocabulary_from_dict(super().load())

    def save(self, data: PairVocabulary | Vocabulary) -> None:
        super().save(data.to_dict())


class BucketChoiceDataset(VersionedJSONDataset):
    """The buckets a seq2seq run chose (``BucketOptions`` with sizes, never
    ``auto``), as JSON: what bucketing, training, evaluation and the answer
    settings read."""

    def load(self) -> BucketOptions:
        # Imported here: loading the datasets must not load the pipelines.
        from rnn_pipeline.pipelines.seq2seq.options import BucketOptions

        return BucketOptions.model_validate(super().load())

    def save(self, data: BucketOptions) -> None:
        super().save(data.model_dump(mode="json"))


class ResponderConfigDataset(VersionedJSONDataset):
    """How a trained seq2seq model answers (``ResponderConfig``), as JSON."""

    def load(self) -> ResponderConfig:
        return ResponderConfig.from_dict(super().load())

    def save(self, data: ResponderConfig) -> None:
        super().save(data.to_dict())


class NgramModelDataset(VersionedJSONDataset):
    """One count model (``NgramLanguageModel``) as JSON."""

    def load(self) -> NgramLanguageModel:
        return NgramLanguageModel.from_dict(super().load())

    def save(self, data: NgramLanguageModel) -> None:
        super().save(data.to_dict())


class NgramModelsDataset(VersionedJSONDataset):
    """Count models of one text by order (``{order: NgramLanguageModel}``), as one
    JSON file."""

    def load(self) -> dict[int, NgramLanguageModel]:
        saved = super().load()
        return {int(k): NgramLanguageModel.from_dict(v) for k, v in saved.items()}

    def save(self, data: dict[int, NgramLanguageModel]) -> None:
        super().save({str(order): model.to_dict() for order, model in data.items()})
