"""Project settings (Kedro defaults except where noted)."""

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}

from rnn_pipeline.hooks import (  # noqa: E402
    CompleteVersionsHook,
    DistributeHook,
    MlflowArtifactHook,
    MlflowStoreHook,
)
from rnn_pipeline.pipelines.parameters import ValidateParametersHook  # noqa: E402

HOOKS = (
    MlflowStoreHook(),
    DistributeHook(),
    MlflowArtifactHook(),
    CompleteVersionsHook(),
    # Registered after DistributeHook, so it runs first: parameters are checked
    # before anything else happens.
    ValidateParametersHook(),
)
