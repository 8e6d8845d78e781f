"""Every staging and mart column is documented beside its SQL (warehouse/<layer>/<model>.yml), and the
generated reference docs/warehouse.md is up to date with those files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.tenants import Tenant
from warehouse import docs
from warehouse.build import all_models, build_models
from warehouse.connection import connect


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """A warehouse with every model built (over empty raw and ops tables: the columns are what counts)."""
    path = Path(tmp_path_factory.mktemp("column-docs")) / "toko.duckdb"
    con = connect(path)
    tenant = Tenant(id="toko", name="Toko", timezone="Asia/Jakarta", accounts={"instagram": ["toko"]})
    build_models(con, tenant, b"k" * 32, models=all_models())
    yield con
    con.close()


def columns(con: duckdb.DuckDBPyConnection, layer: str, name: str) -> list[str]:
    return [r[0] for r in con.execute("select column_name from information_schema.columns where table_schema = ? "
                                      "and table_name = ? order by ordinal_position", [layer, name]).fetchall()]


@pytest.mark.parametrize("model", all_models(), ids=".".join)
def test_every_column_is_documented_and_every_documented_column_exists(built, model: tuple[str, str]) -> None:
    doc = docs.model_doc(*model)
    assert doc["name"] == model[1]
    assert doc.get("description", "").strip(), f"warehouse/{model[0]}/{model[1]}.yml: describe the model"
    actual = columns(built, *model)
    assert actual, f"{'.'.join(model)} was not built"
    documented = [c["name"] for c in doc["columns"]]
    assert not set(actual) - set(documented), f"undocumented columns in {'.'.join(model)}: add them to its YAML"
    assert not set(documented) - set(actual), f"documented columns {'.'.join(model)} does not have"
    assert documented == actual, f"warehouse/{model[0]}/{model[1]}.yml: list the columns in the table's order"
    empty = [c["name"] for c in doc["columns"] if not str(c.get("description") or "").strip()]
    assert not empty, f"columns without a description in {'.'.join(model)}: {empty}"


def test_every_yaml_belongs_to_a_model() -> None:
    root = Path(docs.__file__).parent
    ymls = {(p.parent.name, p.stem) for layer in ("staging", "marts") for p in (root / layer).glob("*.yml")}
    assert ymls == set(all_models())


def test_the_warehouse_reference_is_up_to_date() -> None:
    assert docs.OUTPUT.read_text(encoding="utf-8") == docs.render(), "run: python -m warehouse.docs"
