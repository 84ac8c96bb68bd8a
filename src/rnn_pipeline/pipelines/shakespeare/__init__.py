"""Shakespeare: the char-RNN template under the ``shakespeare`` namespace."""

from kedro.pipeline import Pipeline

from rnn_pipeline.pipelines import char_rnn


def create_pipeline(**kwargs) -> Pipeline:
    """The char-RNN pipeline over ``data/01_raw/shakespeare.txt``."""
    return char_rnn.create_pipeline(namespace="shakespeare")
