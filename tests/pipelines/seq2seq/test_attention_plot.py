"""The attention map node labels each matrix column with one source token."""

import pandas as pd

from rnn_pipeline.models.seq2seq import Seq2Seq
from rnn_pipeline.pipelines.seq2seq import nodes
from rnn_pipeline.pipelines.seq2seq.options import EvaluationOptions, VocabOptions
from rnn_pipeline.text.specials import UNK_TOKEN


def test_an_unknown_source_character_is_one_tick_label_over_one_column():
    train = pd.DataFrame({"source": ["你好"], "target": ["你好啊"]}, dtype="string")
    vocabulary = nodes.build_vocabulary(train, VocabOptions())
    test = pd.DataFrame({"source": ["你X好"], "target": ["好"]}, dtype="string")
    ids = nodes.vectorize_pairs(test, vocabulary)
    size = len(vocabulary.source)  # shared vocabulary
    model = Seq2Seq(
        size,
        size,
        embedding_dim=4,
        units=8,
        num_layers=1,
    )
    figure = nodes.plot_attention_maps(
        model,
        ids,
        vocabulary,
        EvaluationOptions(attention_examples=1, max_reply_length=5),
    )
    heatmap = next(ax for ax in figure.axes if ax.get_xlabel() == "source")
    labels = [t.get_text() for t in heatmap.get_xticklabels()]
    assert labels == ["你", UNK_TOKEN, "好"]
    rows, columns = heatmap.images[0].get_array().shape
    assert columns == len(labels)
    assert rows == len(heatmap.get_yticklabels())
