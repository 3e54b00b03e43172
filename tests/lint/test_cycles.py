"""The import-cycle check of ``make lint``: it finds a cycle, even one hidden in an import inside a function,
and names it; the project itself has none."""
from __future__ import annotations

import sys

import grimp

from lint.cycles import a_circle, describe_cycles, main, strongly_connected


def test_components_are_the_cycles_and_only_them():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert strongly_connected(graph) == [["a", "b", "c"], ["e"]]
    assert a_circle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_a_cycle_through_an_import_inside_a_function_is_named_with_its_lines(tmp_path, monkeypatch):
    package = tmp_path / "harbour"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "berths.py").write_text("from harbour.pilots import board\n")
    (package / "pilots.py").write_text("def board():\n    from harbour.berths import board as again\n")
    (package / "tugs.py").write_text("import harbour.pilots\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("harbour")
    [line] = describe_cycles(graph, ["harbour"])
    assert "harbour.berths → harbour.pilots → harbour.berths" in line
    assert "harbour/berths.py:1" in line and "harbour/pilots.py:2" in line
    assert "tugs" not in line
    sys.modules.pop("harbour", None)


def test_the_use_cases_have_no_import_cycle(capsys):
    assert main(["app"]) == 0, capsys.readouterr().err
