"""The shape of the code, read from the source: no import cycle, the layers of DESIGN.md
(cqp ← candidates ← evaluations ← jury: an app imports only the apps to its left), and
function-local imports kept to the few that must be, each saying why.

Imports are read with `ast`, function-local ones included: a cycle hidden inside a
function is still a cycle.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["cqp", "candidates", "evaluations", "jury"]
# AppConfig.ready imports, and the heavy PDF libraries (WeasyPrint, pyHanko) loaded only by
# the processes that render, seal or verify a PDF.
MAX_LOCAL_IMPORTS = 7


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def application_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for layer in LAYERS
        for path in sorted((ROOT / layer).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: set[str]) -> list[tuple[str, ast.AST, bool]]:
    """(imported project module, node, whether inside a function) for each import."""
    tree = ast.parse(path.read_text(), filename=str(path))
    local = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node, path.name == "__init__.py")
            # `from package import module` imports the module; `from module import name`
            # imports the module that defines the name.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                found.append((target, node, id(node) in local))
    return found


def import_graph() -> dict[str, set[str]]:
    modules = application_modules()
    known = set(modules)
    return {
        module: {target for target, _node, _local in imports_of(module, path, known)}
        for module, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


# The checker itself ----------------------------------------------------------------------


def test_cycles_finds_a_cycle_and_only_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_are_resolved_to_modules_relative_and_local_ones_included(tmp_path):
    known = {"app", "app.models", "app.views", "app.views.forms", "core", "core.tasks"}
    path = tmp_path / "pages.py"
    path.write_text(
        "import json\n"
        "from . import forms\n"
        "from ..models import Thing\n"
        "def f():\n"
        "    from core.tasks import run  # why\n"
    )
    found = [(target, local) for target, _node, local in imports_of("app.views.pages", path, known)]
    assert found == [("app.views.forms", False), ("app.models", False), ("core.tasks", True)]


# The project -----------------------------------------------------------------------------


def test_no_import_cycle_between_application_modules():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("layer", LAYERS)
def test_an_app_imports_no_app_to_its_right(layer):
    graph = import_graph()
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module.split(".")[0] == layer
        for target in targets
        if layer_of(target) > layer_of(module)
    )
    assert upward == []


def local_imports(path: Path) -> list[ast.AST]:
    """The import statements inside functions, whatever they import."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]


def test_function_local_imports_are_few_and_each_says_why():
    found = {}
    for module, path in application_modules().items():
        lines = path.read_text().splitlines()
        for node in local_imports(path):
            line, above = lines[node.lineno - 1], lines[node.lineno - 2].strip()
            found[f"{module}:{node.lineno}"] = "#" in line or above.startswith("#")
    assert len(found) <= MAX_LOCAL_IMPORTS, sorted(found)
    assert [where for where, says_why in found.items() if not says_why] == []


# The media are read and written through Django's storage API only (cqp.storage): a path or a
# public URL of a stored file works with local files and breaks on an object store.
MEDIA_BY_PATH = re.compile(
    r"\.(?:file|logo)\.(?:path|url)\b|\bMEDIA_ROOT\b|FileSystemStorage|storage\.path\("
)
# Where MEDIA_ROOT and the local storage are configured.
MEDIA_CONFIGURATION = {"cqp/settings.py", "cqp/storage.py"}


def test_media_are_reached_through_the_storage_api_only():
    sources = [
        path
        for folder in [*LAYERS, "pilotage", "templates"]
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts
    ]
    assert len(sources) > 100
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources
        if str(path.relative_to(ROOT)) not in MEDIA_CONFIGURATION
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if MEDIA_BY_PATH.search(line)
    ]
    assert found == []
