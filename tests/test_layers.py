"""The apps depend one way: each imports only the packages below it (docs/architecture.md).

    config
    moderation   (its audit rows point at rooms and at messages)
    messaging    (messages, the room list's read model, the consumer)
    rooms        (rooms, memberships, access, membership services)
    accounts
    realtime     (events on commit, frames, presence, rate limits, layers, origin)
    core         (errors, the exception handler, the admin base)

The check reads every module's imports with `ast`, at module level and inside
functions alike; imports under `if TYPE_CHECKING:` are left out, as they never
run (rooms.models names messaging's Message for a type only).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS = ["config", "moderation", "messaging", "rooms", "accounts", "realtime", "core"]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_packages(tree: ast.AST) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _dependencies() -> dict[str, dict[str, list[str]]]:
    """`{package: {imported package: [module paths]}}` over the layered packages."""
    graph: dict[str, dict[str, list[str]]] = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for imported in _imported_packages(tree) & set(LAYERS) - {package}:
                graph.setdefault(package, {}).setdefault(imported, []).append(str(path.relative_to(ROOT)))
    return graph


def test_the_import_graph_is_read():
    graph = _dependencies()
    assert "rooms" in graph["messaging"]
    assert "messaging" in graph["moderation"]


@pytest.mark.parametrize("package", LAYERS)
def test_a_package_imports_only_the_layers_below_it(package):
    below = set(LAYERS[LAYERS.index(package) + 1 :])
    upward = {
        imported: modules
        for imported, modules in _dependencies().get(package, {}).items()
        if imported not in below
    }
    assert upward == {}, f"{package} imports from layers at or above it: {upward}"
