"""The embeddings pipeline, run under the ``embeddings`` namespace."""

from kedro.pipeline import Node, Pipeline

from rnn_pipeline.pipelines.embeddings import nodes
from rnn_pipeline.pipelines.tracking import training_report_nodes


def create_pipeline(**kwargs) -> Pipeline:
    """vocab -> encode -> pairs -> train -> neighbours and t-SNE map."""
    return Pipeline(
        [
            Node(
                nodes.build_vocabulary,
                ["raw_corpus", "params:vocab_options"],
                ["vocab", "corpus_report"],
                name="build_vocabulary_node",
            ),
            Node(
                nodes.encode_corpus,
                ["raw_corpus", "vocab"],
                "corpus_ids",
                name="encode_corpus_node",
            ),
            Node(
                nodes.make_skipgram_pairs,
                ["corpus_ids", "vocab", "params:pair_options"],
                "skipgram_pairs",
                name="make_skipgram_pairs_node",
            ),
            Node(
                nodes.train_skipgram,
                [
                    "skipgram_pairs",
                    "vocab",
                    "params:model_options",
                    "params:training_options",
                ],
                ["model", "train_history"],
                name="train_skipgram_node",
            ),
            *training_report_nodes(nodes.plot_training),
            Node(
                nodes.find_neighbours,
                ["model", "vocab", "params:evaluation_options"],
                "neighbours_report",
                name="find_neighbours_node",
            ),
            Node(
                nodes.project_embeddings,
                ["model", "vocab", "params:evaluation_options"],
                "word_map",
                name="project_embeddings_node",
            ),
            Node(
                nodes.plot_embeddings,
                "word_map",
                "tsne_plot",
                name="plot_embeddings_node",
            ),
        ],
        namespace="embeddings",
    )
