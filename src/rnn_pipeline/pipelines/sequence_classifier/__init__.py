"""Images read row by row and classified by a recurrent network (basic RNN, LSTM or
GRU, stacked or not): the chapter's MNIST classifier on scikit-learn's 8 x 8 digits."""

from rnn_pipeline.pipelines.sequence_classifier.pipeline import create_pipeline

__all__ = ["create_pipeline"]
