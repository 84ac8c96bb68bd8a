"""The sequence classifier pipeline, run under the ``sequence_classifier`` namespace."""

from kedro.pipeline import Node, Pipeline

from rnn_pipeline.pipelines.sequence_classifier import nodes
from rnn_pipeline.pipelines.tracking import training_report_nodes


def create_pipeline(**kwargs) -> Pipeline:
    """split -> train -> evaluate, with training curves and a confusion matrix."""
    return Pipeline(
        [
            Node(
                nodes.split_digits,
                ["raw_digits", "params:split_options"],
                ["train_digits", "test_digits"],
                name="split_digits_node",
            ),
            Node(
                nodes.train_classifier,
                ["train_digits", "params:model_options", "params:training_options"],
                ["model", "train_history"],
                name="train_classifier_node",
            ),
            *training_report_nodes(nodes.plot_training),
            Node(
                nodes.evaluate_classifier,
                ["model", "test_digits"],
                ["test_metrics", "evaluation_report"],
                name="evaluate_classifier_node",
            ),
            Node(
                nodes.plot_confusion,
                "evaluation_report",
                "confusion_matrix_plot",
                name="plot_confusion_node",
            ),
        ],
        namespace="sequence_classifier",
    )
