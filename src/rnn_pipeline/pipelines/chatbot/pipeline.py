"""The chatbot pipeline: ingest and clean dialogues, then the seq2seq template."""

from kedro.pipeline import Node, Pipeline

from rnn_pipeline.pipelines import seq2seq
from rnn_pipeline.pipelines.chatbot import nodes


def create_pipeline(**kwargs) -> Pipeline:
    """ingest -> clean -> split -> vocab -> vectorize -> bucket -> train -> evaluate."""
    ingest = Pipeline(
        [
            Node(
                nodes.parse_conversations,
                "raw_corpus",
                ["conversations", "ingest_report"],
                name="parse_conversations_node",
            ),
            Node(
                nodes.pair_conversations,
                [
                    "conversations",
                    "params:pairing_options",
                    "params:cleaning_options",
                ],
                ["pairs", "cleaning_report"],
                name="pair_conversations_node",
            ),
        ]
    )
    return Pipeline(ingest + seq2seq.create_pipeline(), namespace="chatbot")
