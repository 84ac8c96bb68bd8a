"""The translation pipeline: the chatbot's seq2seq template on sentence pairs."""

from kedro.pipeline import Node, Pipeline

from rnn_pipeline.pipelines import seq2seq
from rnn_pipeline.pipelines.translation import nodes


def create_pipeline(**kwargs) -> Pipeline:
    """ingest TSV -> clean -> split -> vocab -> vectorize -> bucket -> train ->
    evaluate, under the ``translation`` namespace."""
    ingest = Pipeline(
        [
            Node(
                nodes.parse_sentence_pairs,
                "raw_pairs",
                ["sentence_pairs", "ingest_report"],
                name="parse_sentence_pairs_node",
            ),
            Node(
                nodes.clean_sentence_pairs,
                ["sentence_pairs", "params:cleaning_options"],
                ["pairs", "cleaning_report"],
                name="clean_sentence_pairs_node",
            ),
        ]
    )
    return Pipeline(ingest + seq2seq.create_pipeline(), namespace="translation")
