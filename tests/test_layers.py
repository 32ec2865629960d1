"""The package's import structure: sub-packages by stage, imports going one way, no cycles.

Levels, lowest first; a module may import modules of its own level or lower, never higher
(lazy imports inside functions count too):
    base      errors, resources, functions, evaluate, randomness, timed_array
              (no SymPy at import time)
    lang      text -> checked models (Lark, SymPy)
    compile   models -> generated, compiled, cached kernels
    facades   neuron, synapse, library, assemble: model texts with their plans and kernels
    sim       populations, projections, monitors, networks (NumPy arrays)
    tools     rates, plot, cli and the package's public names
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "eqneuro"
BASE = {"eqneuro.errors", "eqneuro.resources", "eqneuro.functions", "eqneuro.evaluate",
        "eqneuro.randomness", "eqneuro.timed_array"}
FACADES = {"eqneuro.neuron", "eqneuro.synapse", "eqneuro.library", "eqneuro.assemble"}
LEVELS = ("base", "lang", "compile", "facades", "sim", "tools")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def level(module: str) -> str:
    if module in BASE:
        return "base"
    if module in FACADES:
        return "facades"
    parts = module.split(".")
    if len(parts) > 2 and parts[1] in ("lang", "compile", "sim"):
        return parts[1]
    if module in ("eqneuro.lang", "eqneuro.compile", "eqneuro.sim"):
        return parts[1]
    return "tools"


def imports_of(path: Path) -> set[str]:
    """Every eqneuro module that `path` imports, at any depth of its code."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("eqneuro"):
                continue
            for alias in node.names:        # `from . import syntax` imports a module
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _exists(candidate) else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("eqneuro")}
    return {m for m in found if _exists(m)} - {module}


def _exists(module: str) -> bool:
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def test_every_module_has_a_level_and_sub_packages_exist():
    modules = graph()
    for stage in ("lang", "compile", "sim"):
        assert any(level(m) == stage for m in modules), stage
    assert "eqneuro.lang.parser" in modules and "eqneuro.sim.network" in modules


@pytest.mark.parametrize("module", sorted(graph()))
def test_imports_go_one_way(module):
    upward = [target for target in graph()[module]
              if LEVELS.index(level(target)) > LEVELS.index(level(module))
              and target != "eqneuro"]
    assert not upward, f"{module} ({level(module)}) imports {upward} from a higher level"


def test_no_import_cycles():
    modules = graph()
    # a package's __init__ importing its own modules is not a cycle of modules
    edges = {m: {t for t in targets if not m.startswith(t + ".") and t != "eqneuro"}
             for m, targets in modules.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_the_checker_sees_lazy_and_relative_imports(tmp_path):
    text = "def f():\n    from ..compile import build\n    from . import syntax as ast\n"
    path = PACKAGE / "lang" / "_probe_layers.py"
    path.write_text(text)
    try:
        assert {"eqneuro.compile.build", "eqneuro.lang.syntax"} <= imports_of(path)
    finally:
        path.unlink()
