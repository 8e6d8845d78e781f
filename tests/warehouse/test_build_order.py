"""The build order follows the models' own references; every mart is a SQL model under warehouse/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from warehouse import build
from warehouse.build import GROUPS, ModelGraphError, all_models, build_order, model_references

ROOT = Path(build.__file__).resolve().parents[1]


def test_every_model_is_in_exactly_one_stage_group() -> None:
    grouped = [m for models in GROUPS.values() for m in models]
    assert sorted(grouped) == all_models()


def test_each_model_comes_after_the_models_it_reads() -> None:
    order = build_order(all_models())
    position = {m: i for i, m in enumerate(order)}
    for model in order:
        for ref in model_references(*model):
            assert position[ref] < position[model], f"{model} is built before {ref}, which it reads"


def test_a_selection_keeps_its_order_where_the_graph_allows() -> None:
    assert build_order(build.MODELS) == build.MODELS
    assert build_order(list(reversed(build.FEEDBACK_MODELS)))[-1] != ("marts", "fct_voice_theme")


def _fake_models(monkeypatch: pytest.MonkeyPatch, sql: dict[tuple[str, str], str]) -> None:
    monkeypatch.setattr(build, "all_models", lambda: sorted(sql))
    monkeypatch.setattr(build, "model_sql", lambda layer, name: sql[(layer, name)])


def test_a_cycle_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_models(monkeypatch, {("marts", "a"): "select * from marts.b", ("marts", "b"): "select * from marts.a",
                               ("marts", "c"): "select 1"})
    with pytest.raises(ModelGraphError, match="cycle: marts.a, marts.b"):
        build_order([("marts", "c"), ("marts", "a"), ("marts", "b")])


def test_a_reference_to_no_model_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_models(monkeypatch, {("marts", "a"): "-- reads marts.gone in a comment only\nselect * from staging.stg_x"})
    with pytest.raises(ModelGraphError, match=r"marts/a\.sql reads staging\.stg_x"):
        build_order([("marts", "a")])


def test_no_mart_is_created_outside_warehouse() -> None:
    pattern = re.compile(r"create\s+(or\s+replace\s+)?(temp\w*\s+)?(table|view)\s+(if\s+not\s+exists\s+)?marts\.", re.I)
    found = [str(p.relative_to(ROOT)) for folder in ("pipelines", "dags", "bench", "ops", "notebooks")
             for p in (ROOT / folder).rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_models_read_tenant_settings_from_a_table() -> None:
    for layer, name in all_models():
        assert "getvariable" not in build.model_sql(layer, name), f"{layer}/{name}.sql: read ops.tenant instead"
