"""rnn_pipeline: classic recurrent models as Kedro pipelines tracked in MLflow."""

import os

# Keras 3 picks its backend at import; TensorFlow is the project's default. Quiet
# TensorFlow's C++ start-up chatter unless the user asked for it.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Importing the package changes nothing else: the entry points (settings.py, the
# CLI, __main__, the serving app) call ``quiet.install()`` themselves.

__version__ = "0.1.0"
