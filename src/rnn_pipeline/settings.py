"""Project settings (Kedro defaults except where noted)."""

from rnn_pipeline import quiet

# Kedro imports this module for every command: the first thing, before MLflow or
# TensorFlow, keep their third-party start-up noise out of the log.
quiet.install()

from rnn_pipeline.plumbing.mlflow_tracking import project_path_resolver  # noqa: E402

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # An environment's parameter file (conf/local, conf/real_corpus) changes only
    # the keys it names; the rest of each group comes from conf/base.
    "merge_strategy": {"parameters": "soft"},
    # ``${project_path:}``: mlflow.yml names the project's store from any folder.
    "custom_resolvers": {"project_path": project_path_resolver},
}

from rnn_pipeline.pipelines.namespaces import validate_parameters  # noqa: E402
from rnn_pipeline.plumbing.hooks import (  # noqa: E402
    DistributeHook,
    NextStepsHook,
    saved_path,
)
from rnn_pipeline.plumbing.interruption import InterruptionHook  # noqa: E402
from rnn_pipeline.plumbing.mlflow_tracking import (  # noqa: E402
    MlflowArtifactHook,
    ProjectMlflowHook,
)
from rnn_pipeline.plumbing.parameters import ValidateParametersHook  # noqa: E402
from rnn_pipeline.plumbing.run_lock import PipelineLockHook  # noqa: E402

# kedro-mlflow's hook runs as ProjectMlflowHook (a subclass, registered below): the
# project's store and experiments (plumbing/mlflow_tracking.py), and a failing
# tracking store costs no node its outputs (plumbing/tracking_guard.py).
DISABLE_HOOKS_FOR_PLUGINS = ("kedro_mlflow", "kedro-mlflow")  # its name varies

HOOKS = (
    PipelineLockHook(),
    DistributeHook(),
    MlflowArtifactHook(saved_path),
    InterruptionHook(),
    ProjectMlflowHook(),
    NextStepsHook(),
    # Registered last, so it runs first: parameters are checked before anything
    # else happens. The pipelines know their parameter groups; the hook does not.
    ValidateParametersHook(validate_parameters),
)
