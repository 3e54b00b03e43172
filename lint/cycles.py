"""``python -m lint.cycles [PACKAGE ...]``: fail, naming the cycle, when modules of PACKAGE import each other in a
circle, or when the top-level packages do.

Imports inside functions count (grimp reads them as it reads the others): a cycle hidden in a deferred import is
still a cycle. The top-level packages are those of ``[tool.importlinter] root_packages`` in pyproject.toml, so
the check follows the contracts. Exit status 0 when there is none, 1 naming each cycle found.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import grimp

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def root_packages(pyproject: Path = PYPROJECT) -> list[str]:
    """The project's top-level packages, as the import contracts name them."""
    with pyproject.open("rb") as file:
        return list(tomllib.load(file)["tool"]["importlinter"]["root_packages"])


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of ``graph`` (iterative: no recursion limit on a long chain);
    only those that are a cycle (two or more nodes, or one that imports itself), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component))
    return sorted(found)


def a_circle(graph: Mapping[str, Iterable[str]], component: Sequence[str]) -> list[str]:
    """One closed path through ``component`` (first node back to itself), to name the cycle readably."""
    members = set(component)
    start = component[0]
    # breadth-first from start's successors back to start, inside the component
    previous: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph.get(node, ())):
                if nxt not in members:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start] if node != start else [start, start]
                if nxt not in seen:
                    seen.add(nxt)
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start, start]


def module_graph(graph: grimp.ImportGraph, package: str) -> dict[str, set[str]]:
    """Which modules of ``package`` each of its modules imports (anywhere in the module, functions too)."""
    modules = {name for name in graph.modules if name == package or name.startswith(package + ".")}
    return {name: graph.find_modules_directly_imported_by(name) & modules for name in modules}


def package_graph(graph: grimp.ImportGraph, packages: Sequence[str]) -> dict[str, set[str]]:
    """Which top-level packages each top-level package imports."""
    edges: dict[str, set[str]] = {package: set() for package in packages}
    for importer in packages:
        for imported in packages:
            if importer != imported and graph.direct_import_exists(importer=importer, imported=imported,
                                                                   as_packages=True):
                edges[importer].add(imported)
    return edges


def where(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    """'app/x.py:12' where ``importer`` imports ``imported`` (the first such line)."""
    details = graph.get_import_details(importer=importer, imported=imported)
    if not details:
        return importer
    first = min(details, key=lambda detail: detail["line_number"])
    return f"{importer.replace('.', '/')}.py:{first['line_number']}"


def describe_cycles(graph: grimp.ImportGraph, packages: Sequence[str], top_level: Sequence[str] = ()) -> list[str]:
    """One line per cycle: among the modules of each of ``packages``, then among the ``top_level`` packages."""
    lines = []
    for package in packages:
        modules = module_graph(graph, package)
        for component in strongly_connected(modules):
            circle = a_circle(modules, component)
            steps = ", ".join(where(graph, a, b) for a, b in zip(circle, circle[1:]))
            others = sorted(set(component) - set(circle))
            also = f"; the same knot holds {', '.join(others)}" if others else ""
            lines.append(f"import cycle in {package}: {' → '.join(circle)} ({steps}){also}")
    tops = package_graph(graph, top_level)
    for component in strongly_connected(tops):
        lines.append(f"import cycle between packages: {' → '.join(a_circle(tops, component))}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    packages = list(argv if argv is not None else sys.argv[1:]) or ["app"]
    sys.path.insert(0, str(PYPROJECT.parent))
    graph = grimp.build_graph(*root_packages(), include_external_packages=False)
    cycles = describe_cycles(graph, packages, root_packages())
    for line in cycles:
        print(line, file=sys.stderr)
    if not cycles:
        print(f"no import cycle in {', '.join(packages)} nor between {', '.join(root_packages())}")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
