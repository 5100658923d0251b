"""The house: which app may import which, and no module importing itself back.

Dependencies point one way, as docs/architecture.md draws them:
api -> (reports, credentials, sandbox, discussions) -> progress -> curriculum
-> competences -> sso -> accounts, with `ediplomacy.lib` below them all. A
lower app never imports a higher one, not even inside a function; where it
must hear from one, it offers a hook (a signal, or a registry such as the
digests of `progress.nudges.content`).
And no module reaches itself again through its imports, lazily or not: a
cycle is a knot two modules can only be changed together.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first.
LAYERS = [
    "ediplomacy.lib",
    "accounts",
    "sso",
    "competences",
    "curriculum",
    "progress",
    "reports",
    "credentials",
    "sandbox",
    "discussions",
    "api",
]
PACKAGES = [*LAYERS, "ediplomacy"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in {name.split(".")[0] for name in PACKAGES}:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every project module `path` imports, at the top or inside a function."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text())
    # Imports for type annotations only are not run: `accounts.access` names
    # the progress models it returns without importing them.
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # `from progress import services` imports the module progress.services.
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != here:
                found.add(name)
    return found


def layer_of(module: str) -> int | None:
    for rank, layer in reversed(list(enumerate(LAYERS))):
        if module == layer or module.startswith(layer + "."):
            return rank
    return None  # project configuration (settings, urls, celery): above every app


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(path, set(found)) for name, path in found.items()}


def test_no_app_imports_an_app_above_it(graph):
    upward = [
        f"{module} imports {imported}"
        for module, imported_set in sorted(graph.items())
        for imported in sorted(imported_set)
        if layer_of(module) is not None
        and (layer_of(imported) is None or layer_of(imported) > layer_of(module))
    ]

    assert upward == []


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    path, on_path, seen = [], set(), set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in seen:
                seen.add(nxt)
                found = visit(nxt)
                if found:
                    return found
        on_path.discard(path.pop())
        return None

    return visit(start)


def _package_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without the edges from a package to its own submodules: an
    `__init__` that gathers its package's names is not a cycle."""
    return {
        module: {i for i in imported if not i.startswith(module + ".")}
        for module, imported in graph.items()
    }


def test_no_module_imports_itself_back(graph):
    edges = _package_edges(graph)
    cycles = {tuple(c) for m in sorted(edges) if (c := _cycle_from(m, edges))}

    assert sorted(cycles) == []


def test_the_checks_find_what_they_look_for():
    # The control: a cycle and an upward import are both seen.
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycle_from("d", edges) == ["a", "b", "c", "a"]
    assert _cycle_from("a", {"a": {"b"}, "b": set()}) is None
    assert layer_of("progress.nudges.planner") > layer_of("accounts.access")
    assert layer_of("ediplomacy.settings") is None
