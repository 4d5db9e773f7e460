"""The apps form layers: each imports only those below it, even inside a function (imports under
``if TYPE_CHECKING:`` are fine). A lower layer that must start work above it sends a Celery task
by name. This test reads the source tree, so that a new import in the wrong direction fails CI."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Top to bottom; apps on one line are beside each other and do not import each other.
LAYERS = [
    ["chorus"],
    ["edi"],  # feeds the API's deposit flows (cpro.flux)
    ["cpro"],  # lists the help centre's request categories (rechercher/categorieSollicitation)
    ["compliance", "helpcentre", "portalpro"],
    ["tracking"],
    ["notifications"],
    ["invoices"],
    ["entities", "suppliers"],
    ["accounts"],
    ["common"],
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}
MAX_FUNCTION_LOCAL_IMPORTS = 25


def _project_imports() -> list[tuple[str, str, int, bool]]:
    """(importing app, imported app, line, inside a function) of every project import."""
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        app = relative.parts[0]
        if app not in RANK or "migrations" in relative.parts:
            continue
        tree = ast.parse(path.read_text())
        skipped: set[int] = set()
        in_function: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped |= {id(n) for n in ast.walk(node)}
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                in_function |= {id(n) for n in ast.walk(node) if n is not node}
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                targets = [app] if node.level else [(node.module or "").split(".")[0]]
            else:
                continue
            for target in targets:
                if target in RANK:
                    found.append((f"{relative}:{node.lineno}", app, target, id(node) in in_function))
    return found


def test_each_app_imports_only_the_layers_below_it():
    wrong = [
        f"{where} {app} → {target}"
        for where, app, target, _local in _project_imports()
        if target != app and RANK[target] <= RANK[app]
    ]
    assert wrong == []


def test_imports_are_not_hidden_inside_functions():
    local = [where for where, _app, _target, inside in _project_imports() if inside]
    assert len(local) <= MAX_FUNCTION_LOCAL_IMPORTS, local
