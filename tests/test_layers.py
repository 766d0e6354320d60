"""The layer rules, checked on the code's own imports (lazy ones inside functions included).

Every import points down the list of :data:`LAYERS`; no module imports one that imports it back;
model/ reaches training/ or eval/ only from inside the CLI's functions; no module takes another
module's ``_private`` name; no module is over 400 lines; the CLI is the only argparse entry point.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOTS = {"newsstance": REPO / "model", "newsstance.training": REPO / "training", "newsstance.eval": REPO / "eval"}
LAYERS = [
    ["newsstance.stance"],
    ["newsstance.encoding"],
    ["newsstance.settings", "newsstance.modeling"],
    ["newsstance.backends"],
    ["newsstance.html"],  # templates and the article page; reads analyses by their attributes
    ["newsstance.articles"],
    ["newsstance.classifier"],
    ["newsstance.batch"],
    ["newsstance.pages"],  # the pages of view and report over files: articles, the corpus (pandas, matplotlib)
    ["newsstance"],  # the package's front door: load(), analyze()
    ["newsstance.eval"],
    ["newsstance.training"],
    ["newsstance.cli"],  # the one command: options, the run-time, measuring, training and bench subcommands
]
"""Bottom first: a module may import its own layer (without cycles) and the layers below it."""
MAX_LINES = 400


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    lazy: bool  # inside a function or class body, not run at import
    names: tuple[str, ...]


def _modules() -> dict[str, Path]:
    found = {}
    for package, root in ROOTS.items():
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


MODULES = _modules()


def _known(name: str) -> str | None:
    """The module that ``name`` (a module or a name inside one) belongs to."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _edges(name: str, path: Path) -> list[Edge]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    target = _known(alias.name)
                    if target:
                        edges.append(Edge(name, target, child.lineno, lazy, ()))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    module = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    module = child.module or ""
                for alias in child.names:
                    target = _known(f"{module}.{alias.name}") or _known(module)
                    if target:
                        edges.append(Edge(name, target, child.lineno, lazy, (alias.name,)))
            visit(child, inner)

    visit(tree, False)
    return [e for e in edges if e.target != name]


EDGES = [e for name, path in MODULES.items() for e in _edges(name, path)]


def _layer(module: str) -> int:
    if module.endswith(".__main__"):  # `python -m` entry points sit with the CLI, on top
        return len(LAYERS) - 1
    best, rank = -1, None
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (prefix != "newsstance" and module.startswith(prefix + "."))
            if matches and len(prefix) > best:
                best, rank = len(prefix), i
    assert rank is not None, f"{module} is in no layer; add it to LAYERS"
    return rank


def _where(edge: Edge) -> str:
    return f"{MODULES[edge.source].relative_to(REPO)}:{edge.line} ({edge.source} -> {edge.target})"


def test_the_walker_sees_the_packages_and_their_lazy_imports():
    assert {"newsstance.classifier", "newsstance.backends.cpu", "newsstance.eval.harness"} <= set(MODULES)
    assert "newsstance.training.trainer" in MODULES and "newsstance.training" in MODULES
    cli = {e.target for e in EDGES if _in_cli(e.source) and e.lazy}
    assert {"newsstance.batch.scoring", "newsstance.eval.harness", "newsstance.training"} <= cli
    assert any(e.source == "newsstance.classifier" and e.target == "newsstance.backends" for e in EDGES)


def _in_cli(module: str) -> bool:
    return module == "newsstance.cli" or module.startswith("newsstance.cli.")


def test_every_import_points_down():
    upward = [_where(e) for e in EDGES if _layer(e.target) > _layer(e.source)]
    assert not upward, "imports that point up a layer:\n" + "\n".join(upward)


def test_no_import_cycles_not_even_through_lazy_imports():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for e in EDGES:
        graph[e.source].add(e.target)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    cycles = []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                walk(nxt, [*stack, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_model_reaches_training_and_eval_only_from_cli_functions():
    into = [
        e
        for e in EDGES
        if _layer(e.source) <= _layer("newsstance.cli")
        and not e.source.startswith(("newsstance.eval", "newsstance.training"))
        and e.target.startswith(("newsstance.eval", "newsstance.training"))
    ]
    wrong = [_where(e) for e in into if not _in_cli(e.source) or not e.lazy]
    assert not wrong, "model/ importing training/ or eval/ outside the CLI's functions:\n" + "\n".join(wrong)
    assert not [_where(e) for e in EDGES if e.source.startswith("newsstance.eval") and "training" in e.target]


def _is_main_block(node: ast.AST) -> bool:
    """``if __name__ == "__main__":``"""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    names = [node.test.left, *node.test.comparators]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in names) and any(
        isinstance(n, ast.Constant) and n.value == "__main__" for n in names
    )


def test_the_cli_is_the_only_argparse_entry_point():
    second = []
    for name, path in MODULES.items():
        if _in_cli(name):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            if getattr(func, "attr", getattr(func, "id", None)) == "ArgumentParser":
                second.append(f"{path.relative_to(REPO)}:{node.lineno} builds an ArgumentParser")
            if _is_main_block(node) and name != "newsstance.__main__":
                second.append(f'{path.relative_to(REPO)}:{node.lineno} has an `if __name__ == "__main__"` block')
    assert not second, "a second entry point outside newsstance.cli (make it a subcommand):\n" + "\n".join(second)
    main = [e for e in EDGES if e.source == "newsstance.__main__"]
    assert [(e.target, e.names) for e in main] == [("newsstance.cli", ("main",))], "__main__ only calls cli.main"


def test_no_module_takes_another_modules_private_name():
    private = [f"{_where(e)}: {n}" for e in EDGES for n in e.names if n.startswith("_") and not n.startswith("__")]
    assert not private, "private names imported across modules:\n" + "\n".join(private)


def test_no_module_is_over_400_lines():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()}
    long = {str(MODULES[n].relative_to(REPO)): size for n, size in sizes.items() if size > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by concern): {long}"


def test_importing_training_does_not_load_the_harness():
    code = "import sys, newsstance.training; print(' '.join(m for m in sys.modules if m.startswith('newsstance')))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "newsstance.training.trainer" in loaded
    assert not loaded & {"newsstance.eval.harness", "newsstance.eval.baselines", "newsstance.eval.probes"}
