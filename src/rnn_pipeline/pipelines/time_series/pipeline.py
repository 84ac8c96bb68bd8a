"""The time-series pipeline, run under the ``time_series`` namespace."""

from kedro.pipeline import Node, Pipeline

from rnn_pipeline.pipelines.time_series import nodes
from rnn_pipeline.pipelines.tracking import training_report_nodes


def create_pipeline(**kwargs) -> Pipeline:
    """windows -> train -> evaluate, predict the chapter's instance, generate."""
    return Pipeline(
        [
            Node(
                nodes.sample_series_windows,
                "params:data_options",
                ["train_windows", "validation_windows", "test_windows"],
                name="sample_series_windows_node",
            ),
            Node(
                nodes.plot_series,
                "params:data_options",
                "series_plot",
                name="plot_series_node",
            ),
            Node(
                nodes.train_forecaster,
                [
                    "train_windows",
                    "validation_windows",
                    "params:model_options",
                    "params:training_options",
                ],
                ["model", "train_history"],
                name="train_forecaster_node",
            ),
            *training_report_nodes(nodes.plot_training),
            Node(
                nodes.evaluate_forecaster,
                ["model", "test_windows"],
                ["test_metrics", "evaluation_report"],
                name="evaluate_forecaster_node",
            ),
            Node(
                nodes.predict_instance,
                ["model", "params:data_options"],
                "instance_prediction",
                name="predict_instance_node",
            ),
            Node(
                nodes.plot_instance_prediction,
                "instance_prediction",
                "prediction_plot",
                name="plot_instance_prediction_node",
            ),
            Node(
                nodes.generate_sequences,
                ["model", "params:data_options", "params:generation_options"],
                "creative_sequences",
                name="generate_sequences_node",
            ),
            Node(
                nodes.plot_creative_sequences,
                "creative_sequences",
                "creative_sequence_plot",
                name="plot_creative_sequences_node",
            ),
        ],
        namespace="time_series",
    )
