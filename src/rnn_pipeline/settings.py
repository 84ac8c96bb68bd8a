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

HOOKS = (
    MlflowStoreHook(),
    DistributeHook(),
    MlflowArtifactHook(),
)
