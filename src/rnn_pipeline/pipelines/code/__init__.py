"""Source code: the char-RNN template under the ``code`` namespace.

Reads ``data/01_raw/code.txt``, or the Python standard library's own sources when
that file is absent, so it runs on a fresh machine.
"""

from kedro.pipeline import Pipeline

from rnn_pipeline.pipelines import char_rnn


def create_pipeline(**kwargs) -> Pipeline:
    """The char-RNN pipeline over the code corpus."""
    return char_rnn.create_pipeline(namespace="code")
