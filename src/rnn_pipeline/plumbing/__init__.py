"""The Kedro and MLflow plumbing of a run: the hooks settings.py registers and what
they need.

One module per concern: ``parameters`` (every parameter group checked before the
first node), ``run_lock`` (one run per pipeline at a time), ``hooks`` (the
distribution strategy, what to do next), ``mlflow_tracking`` (the project's store,
one experiment per pipeline, run names, logged files), ``tracking_guard`` (a
failing tracking store costs no node its outputs), ``interruption`` (SIGTERM and
SIGINT end the MLflow run as KILLED).

The plumbing depends on the library (``text``, ``training``, ``datasets``, ...) and
neutral helpers (``yaml_values``), never on ``rnn_pipeline.pipelines``: settings.py
wires the two together.
"""
