"""The seq2seq template pipeline (un-namespaced; instantiated by chatbot)."""

from kedro.pipeline import Node, Pipeline

from rnn_pipeline.pipelines.seq2seq import evaluation_nodes as evaluation
from rnn_pipeline.pipelines.seq2seq import nodes
from rnn_pipeline.pipelines.seq2seq import quality_nodes as quality
from rnn_pipeline.pipelines.seq2seq import responder_nodes as responder
from rnn_pipeline.pipelines.tracking import training_report_nodes


def create_pipeline(**kwargs) -> Pipeline:
    """split -> vocab -> vectorize -> bucket -> train -> evaluate, from ``pairs``.

    The buckets every node after vectorizing reads are ``bucket_choice``: the
    parameters' own, or those chosen from the training split for ``buckets: auto``.
    """
    return Pipeline(
        [
            Node(
                nodes.split_pairs,
                ["pairs", "params:split_options"],
                ["train_pairs", "test_pairs"],
                name="split_pairs_node",
            ),
            Node(
                nodes.build_vocabulary,
                ["train_pairs", "params:vocab_options"],
                "vocab",
                name="build_vocabulary_node",
            ),
            Node(
                nodes.vectorize_pairs,
                ["train_pairs", "vocab"],
                "train_ids",
                name="vectorize_train_node",
            ),
            Node(
                nodes.vectorize_pairs,
                ["test_pairs", "vocab"],
                "test_ids",
                name="vectorize_test_node",
            ),
            Node(
                nodes.choose_bucket_sizes,
                ["train_ids", "params:bucket_options"],
                "bucket_choice",
                name="choose_bucket_sizes_node",
            ),
            Node(
                nodes.bucket_pairs,
                ["train_ids", "test_ids", "bucket_choice"],
                ["train_buckets", "test_buckets", "bucket_report"],
                name="bucket_pairs_node",
            ),
            Node(
                nodes.split_validation,
                ["train_buckets", "params:training_options"],
                ["fit_buckets", "validation_buckets"],
                name="split_validation_node",
            ),
            Node(
                nodes.train_seq2seq,
                [
                    "fit_buckets",
                    "validation_buckets",
                    "vocab",
                    "params:model_options",
                    "params:training_options",
                    "bucket_choice",
                ],
                ["model", "train_history"],
                name="train_seq2seq_node",
            ),
            *training_report_nodes(nodes.plot_training),
            Node(
                evaluation.evaluate_seq2seq,
                [
                    "model",
                    "test_buckets",
                    "params:evaluation_options",
                    "bucket_choice",
                ],
                ["test_metrics", "evaluation_report"],
                name="evaluate_seq2seq_node",
            ),
            Node(
                evaluation.fit_reply_count_models,
                ["train_buckets", "vocab", "params:evaluation_options"],
                "reply_count_models",
                name="fit_reply_count_models_node",
            ),
            Node(
                evaluation.pick_reply_language_model,
                ["reply_count_models", "params:evaluation_options"],
                "reply_language_model",
                name="pick_reply_language_model_node",
            ),
            Node(
                evaluation.fit_validation_count_model,
                ["fit_buckets", "vocab", "params:evaluation_options"],
                "validation_count_model",
                name="fit_validation_count_model_node",
            ),
            Node(
                evaluation.fit_utterance_count_model,
                ["train_buckets", "vocab", "params:evaluation_options"],
                "utterance_count_model",
                name="fit_utterance_count_model_node",
            ),
            Node(
                evaluation.compare_with_baselines,
                [
                    "test_buckets",
                    "reply_count_models",
                    "evaluation_report",
                    "bucket_choice",
                ],
                ["baseline_metrics", "baseline_report"],
                name="compare_with_baselines_node",
            ),
            Node(
                evaluation.choose_interpolation_weight,
                ["model", "validation_buckets", "validation_count_model"],
                "interpolation_weight_report",
                name="choose_interpolation_weight_node",
            ),
            Node(
                evaluation.evaluate_interpolation,
                [
                    "model",
                    "test_buckets",
                    "reply_count_models",
                    "interpolation_weight_report",
                    "baseline_report",
                ],
                ["interpolation_metrics", "interpolation_report"],
                name="evaluate_interpolation_node",
            ),
            Node(
                quality.evaluate_relevance,
                [
                    "model",
                    "test_buckets",
                    "train_buckets",
                    "reply_count_models",
                    "interpolation_weight_report",
                    "vocab",
                    "params:evaluation_options",
                ],
                ["relevance_metrics", "relevance_report"],
                name="evaluate_relevance_node",
            ),
            Node(
                nodes.plot_test_loss,
                "evaluation_report",
                "test_loss_plot",
                name="plot_test_loss_node",
            ),
            Node(
                quality.decode_test_set,
                [
                    "model",
                    "test_buckets",
                    "vocab",
                    "params:evaluation_options",
                    "reply_language_model",
                    "bucket_choice",
                ],
                "test_outputs",
                name="decode_test_set_node",
            ),
            Node(
                quality.score_test_outputs,
                ["test_outputs", "params:evaluation_options"],
                ["test_scores_metrics", "test_scores_report"],
                name="score_test_outputs_node",
            ),
            Node(
                quality.evaluate_fluency,
                ["test_outputs", "utterance_count_model", "vocab"],
                ["fluency_metrics", "fluency_report"],
                name="evaluate_fluency_node",
            ),
            Node(
                nodes.plot_attention_maps,
                [
                    "model",
                    "test_buckets",
                    "vocab",
                    "params:evaluation_options",
                    "bucket_choice",
                ],
                "attention_plot",
                name="plot_attention_maps_node",
            ),
            Node(
                responder.configure_responder,
                [
                    "params:evaluation_options",
                    "params:cleaning_options",
                    "bucket_choice",
                ],
                "responder_config",
                name="configure_responder_node",
            ),
            Node(
                responder.package_for_serving,
                ["model", "vocab", "responder_config", "reply_language_model"],
                "serving_model",
                name="package_for_serving_node",
            ),
            Node(
                responder.reply_to_prompts,
                [
                    "model",
                    "vocab",
                    "responder_config",
                    "params:evaluation_options",
                    "reply_language_model",
                ],
                "replies",
                name="reply_to_prompts_node",
            ),
        ]
    )
