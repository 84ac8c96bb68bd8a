"""Kedro datasets of this project (the only code here besides pipelines that knows
Kedro)."""

from rnn_pipeline.datasets.conv_corpus_dataset import ConvCorpusDataset
from rnn_pipeline.datasets.digits_dataset import DigitsDataset
from rnn_pipeline.datasets.text_corpus_dataset import TextCorpusDataset

__all__ = ["ConvCorpusDataset", "DigitsDataset", "TextCorpusDataset"]
