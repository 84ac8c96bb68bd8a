"""Project settings (Kedro defaults except where noted)."""

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}

from rnn_pipeline.hooks import (  # noqa: E402
    CompleteVersionsHook,
    DistributeHook,
    saved_path,
)
from rnn_pipeline.mlflow_tracking import (  # noqa: E402
    MlflowArtifactHook,
    MlflowRunNamingHook,
    MlflowStoreHook,
)

HOOKS = (
    MlflowStoreHook(),
    DistributeHook(),
    MlflowRunNamingHook(),
    MlflowArtifactHook(saved_path),
    CompleteVersionsHook(),
)
