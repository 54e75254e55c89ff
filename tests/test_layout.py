"""The package layout: no import cycles among ``geo`` modules, stages import only earlier stages, the runtime
layer loader imports no build code, and setup.cfg packages every subpackage. Imports are read with ``ast``."""

from __future__ import annotations

import ast
import configparser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "geo"

#: Stages in pipeline order: a module may import its own stage and earlier ones only.
STAGES = {"core": 0, "io": 1, "gazetteer": 1, "layers": 2, "spatial": 3, "geocoding": 4, "extract": 5, "maps": 5, "pipeline": 6, "scale": 7, "cli": 8, "__main__": 9}
#: Imports that go against the order, each with its reason.
ALLOWED_BACKWARD = {
    ("geo.layers.build", "geo.spatial.geodesy"): "the offline layer build measures border lengths geodesically",
}


def module_name(path: Path) -> str:
    """Dotted module name of a file under geo/ (a package's __init__ is the package)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The geo modules ``name`` imports anywhere in its file (top level or inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    return {m for m in found if m in modules and m != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_the_import_reader_sees_every_kind_of_import(tmp_path):
    modules = {"geo": Path("geo/__init__.py"), "geo.io": Path("geo/io/__init__.py"), "geo.io.dates": Path("geo/io/dates.py"),
               "geo.io.records": Path("geo/io/records.py"), "geo.cli": Path("geo/cli/__init__.py")}  # fmt: skip
    source = tmp_path / "records.py"
    source.write_text("import geo.io.dates\nfrom geo.io import dates\nfrom . import dates as d\nfrom .. import cli\n"
                      "def f():\n    from geo.io import read_records\n", encoding="utf-8")  # fmt: skip
    assert imports_of("geo.io.records", source, modules) == {"geo.io.dates", "geo.cli", "geo.io"}


def test_no_import_cycles(graph):
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert len(state) == len(graph) > 40


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else "core"


def test_stages_import_only_earlier_stages(graph):
    backward = [(a, b) for a, deps in graph.items() for b in deps if STAGES[stage(b)] > STAGES[stage(a)]]
    assert [edge for edge in backward if edge not in ALLOWED_BACKWARD] == []


def test_the_runtime_layer_loader_imports_no_build_code(graph):
    seen, todo = set(), ["geo.layers", "geo.layers.load"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    assert not seen & {"geo.layers.build", "geo.layers.sovereignty"}


def test_helpers_for_tests_and_benchmarks_are_not_in_the_package():
    assert not (PACKAGE / "synthetic.py").exists() and not (PACKAGE / "page_probes.py").exists()
    assert {p.stem for p in PACKAGE.glob("map_*.py")} == set()


def test_setup_cfg_packages_every_subpackage():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    on_disk = {module_name(p.parent / "__init__.py") for p in PACKAGE.rglob("__init__.py")}
    assert listed == on_disk | {"geo.layers.data"}
    assert "geo.layers.data = layers" in config["options"]["package_dir"]
