"""The chapter's time series t*sin(t)/3 + 2*sin(5t): a recurrent network predicts the
next value at every step of 20-step windows, then generates a creative sequence."""

from rnn_pipeline.pipelines.time_series.pipeline import create_pipeline

__all__ = ["create_pipeline"]
