"""The plumbing depends on the library and neutral helpers, never on the pipelines:
settings.py is where the two meet."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src/rnn_pipeline"


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize(
    "path",
    [*sorted((SRC / "plumbing").glob("*.py")), SRC / "yaml_values.py"],
    ids=lambda path: path.relative_to(SRC).as_posix(),
)
def test_the_plumbing_never_imports_the_pipelines(path):
    pipelines = {
        name
        for name in imported_modules(path)
        if name == "rnn_pipeline.pipelines"
        or name.startswith("rnn_pipeline.pipelines.")
    }
    assert pipelines == set()
