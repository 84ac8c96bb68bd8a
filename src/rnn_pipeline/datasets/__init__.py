"""Kedro datasets of this project (the only code here besides pipelines that knows
Kedro)."""

from rnn_pipeline.datasets.conv_corpus_dataset import ConvCorpusDataset
from rnn_pipeline.datasets.digits_dataset import DigitsDataset
from rnn_pipeline.datasets.mlflow_pyfunc_dataset import Seq2SeqPyfuncDataset
from rnn_pipeline.datasets.raw_text_dataset import RawTextDataset
from rnn_pipeline.datasets.sentence_pairs_dataset import SentencePairsDataset
from rnn_pipeline.datasets.text_corpus_dataset import TextCorpusDataset

__all__ = [
    "ConvCorpusDataset",
    "DigitsDataset",
    "RawTextDataset",
    "SentencePairsDataset",
    "Seq2SeqPyfuncDataset",
    "TextCorpusDataset",
]
