"""Project settings (Kedro defaults except where noted)."""

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}

from rnn_pipeline.hooks import (  # noqa: E402
    DistributeHook,
    MlflowArtifactHook,
    MlflowStoreHook,
)
from rnn_pipeline.interruption import InterruptionHook  # noqa: E402
from rnn_pipeline.pipelines.parameters import ValidateParametersHook  # noqa: E402
from rnn_pipeline.run_lock import PipelineLockHook  # noqa: E402

HOOKS = (
    PipelineLockHook(),
    MlflowStoreHook(),
    DistributeHook(),
    MlflowArtifactHook(),
    InterruptionHook(),
    # Registered last, so it runs first: parameters are checked before anything
    # else happens.
    ValidateParametersHook(),
)
