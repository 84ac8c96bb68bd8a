"""The char-RNN template pipeline, instantiated per corpus through namespaces."""

from kedro.pipeline import Node, Pipeline

from rnn_pipeline.pipelines.char_rnn import nodes
from rnn_pipeline.pipelines.tracking import training_report_nodes


def create_pipeline(namespace: str | None = None, **kwargs) -> Pipeline:
    """ingest -> clean -> split -> vocab -> encode -> windows -> train -> evaluate
    -> sample, from ``raw_text``; under ``namespace`` (poetry, shakespeare, code)."""
    template = Pipeline(
        [
            Node(
                nodes.ingest_text,
                "raw_text",
                ["corpus", "ingest_report"],
                name="ingest_text_node",
            ),
            Node(
                nodes.clean_corpus,
                ["corpus", "params:cleaning_options"],
                ["clean_corpus", "cleaning_report"],
                name="clean_corpus_node",
            ),
            Node(
                nodes.split_text,
                ["clean_corpus", "params:split_options"],
                ["train_text", "validation_text"],
                name="split_text_node",
            ),
            Node(
                nodes.build_char_vocabulary,
                ["train_text", "params:vocab_options"],
                "vocab",
                name="build_char_vocabulary_node",
            ),
            Node(
                nodes.encode_text,
                ["train_text", "vocab"],
                "train_ids",
                name="encode_train_node",
            ),
            Node(
                nodes.encode_text,
                ["validation_text", "vocab"],
                "validation_ids",
                name="encode_validation_node",
            ),
            Node(
                nodes.make_windows,
                ["train_ids", "validation_ids", "params:window_options"],
                ["train_windows", "validation_windows", "windows_report"],
                name="make_windows_node",
            ),
            Node(
                nodes.train_char_rnn,
                [
                    "train_windows",
                    "validation_windows",
                    "windows_report",
                    "vocab",
                    "params:model_options",
                    "params:training_options",
                ],
                ["model", "train_history"],
                name="train_char_rnn_node",
            ),
            *training_report_nodes(nodes.plot_training, track=nodes.track_training),
            Node(
                nodes.evaluate_char_rnn,
                ["model", "validation_windows"],
                ["validation_metrics", "evaluation_report"],
                name="evaluate_char_rnn_node",
            ),
            Node(
                nodes.sample_texts,
                ["model", "vocab", "params:sampling_options"],
                "samples_report",
                name="sample_texts_node",
            ),
        ]
    )
    if namespace is None:
        return template
    return Pipeline(template, namespace=namespace)
