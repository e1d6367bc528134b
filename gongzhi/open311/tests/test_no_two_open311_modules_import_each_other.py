"""The Open311 modules import one another one way only: intake queues the background task, the
task and intake both call the actions, and nothing imports back, directly or through others."""

from __future__ import annotations

import itertools

import pytest

grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter, a dev dependency")


def test_intake_imports_the_task_and_the_task_does_not_import_intake() -> None:
    graph = grimp.build_graph("gongzhi", cache_dir=None)
    assert (
        graph.find_shortest_chain(
            importer="gongzhi.open311.tasks", imported="gongzhi.open311.intake"
        )
        is None
    )
    assert graph.direct_import_exists(
        importer="gongzhi.open311.intake", imported="gongzhi.open311.tasks"
    )


def test_no_two_open311_modules_import_each_other() -> None:
    graph = grimp.build_graph("gongzhi", cache_dir=None)
    modules = sorted(
        m
        for m in graph.find_descendants("gongzhi.open311")
        if ".tests" not in m and ".migrations" not in m
    )
    circles = [
        (a, b)
        for a, b in itertools.combinations(modules, 2)
        if graph.find_shortest_chain(importer=a, imported=b)
        and graph.find_shortest_chain(importer=b, imported=a)
    ]
    assert circles == []
