"""Lab I/O: model specifications and presets (YAML), survey CSVs, and the weekly constructs mart of one
tenant or of every tenant; building that mart after the feedback stage."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl
import yaml

from pipelines.lab.pls import ModelSpec, SpecError, spec_from_dict

MART = "marts.fct_weekly_constructs"


class LabError(Exception):
    """A problem the user can fix; `key` and `params` name a message in lab.texts."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(f"{key}: {params}")


@dataclass
class Preset:
    id: str
    title: str
    source: str
    spec: ModelSpec
    published: dict  # {"paths": {"A -> B": v}, "indirect": {...}, "r2": {...}, "n": n}
    raw: dict


def preset_ids() -> list[str]:
    folder = resources.files("pipelines.lab").joinpath("presets")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_preset(preset_id: str) -> Preset:
    text = resources.files("pipelines.lab").joinpath("presets", f"{preset_id}.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return Preset(preset_id, raw.get("title", preset_id), raw.get("source", ""), spec_from_dict(raw),
                  raw.get("published") or {}, raw)


def load_spec(name: str) -> tuple[ModelSpec, Preset | None]:
    """A spec from a YAML file, or a preset by id; the preset too when it is one."""
    path = Path(name)
    if path.is_file():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise LabError("spec_unreadable", path=str(path), reason=str(exc).splitlines()[0]) from exc
        return spec_from_dict(raw), None
    if name in preset_ids():
        preset = load_preset(name)
        return preset.spec, preset
    raise LabError("spec_not_found", name=name, presets=", ".join(preset_ids()))


@dataclass
class Dataset:
    X: np.ndarray
    dropped: int
    label: str              # what a row is, for messages
    rows: pl.DataFrame      # the rows used (indicators plus any id columns)


def complete_rows(frame: pl.DataFrame, spec: ModelSpec, source: str, min_rows: int = 10) -> Dataset:
    """The spec's indicator columns as floats, incomplete rows dropped; errors name the file, row and column."""
    items = spec.indicators
    missing = [c for c in items if c not in frame.columns]
    if missing:
        raise LabError("data_missing_columns", path=source, columns=", ".join(missing),
                       available=", ".join(frame.columns[:40]) or "-")
    for c in items:
        col = frame[c]
        if col.dtype == pl.String:
            text = col.str.strip_chars()
            cast = (pl.when(text == "").then(None).otherwise(text.str.replace(",", ".", literal=True))
                    .cast(pl.Float64, strict=False))
            cast = frame.select(cast.alias(c))[c]
            bad = (cast.is_null() & col.is_not_null() & (text != "")).arg_true()
            if bad.len():
                i = int(bad[0])
                raise LabError("data_not_numeric", path=source, row=i + 2, column=c, value=col[i])
            frame = frame.with_columns(cast.alias(c))
        elif col.dtype.is_numeric() or col.dtype == pl.Boolean or col.dtype == pl.Null:
            frame = frame.with_columns(pl.col(c).cast(pl.Float64))
        else:
            raise LabError("data_not_numeric", path=source, row=2, column=c, value=str(col[0]))
    used = frame.filter(pl.all_horizontal([pl.col(c).is_not_null() & pl.col(c).is_not_nan() for c in items]))
    need = max(min_rows, len(items) + 2)
    if used.height < need:
        raise LabError("data_too_few", path=source, n=used.height, need=need)
    X = used.select(items).to_numpy().astype(float)
    for j, c in enumerate(items):
        if np.ptp(X[:, j]) == 0:
            raise LabError("data_constant", path=source, column=c)
    return Dataset(X, frame.height - used.height, source, used)


def read_csv(path: Path, spec: ModelSpec) -> Dataset:
    """A survey or exported CSV (comma or semicolon separated, a header row)."""
    if not path.is_file():
        raise LabError("data_not_found", path=str(path))
    try:
        head = path.read_text(encoding="utf-8-sig", errors="replace").split("\n", 1)[0]
        sep = ";" if head.count(";") > head.count(",") else ","
        frame = pl.read_csv(path, separator=sep, infer_schema=False, encoding="utf8-lossy")
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise LabError("data_unreadable", path=str(path), reason=str(exc).splitlines()[0]) from exc
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    return complete_rows(frame, spec, str(path))


def read_constructs(path: Path, tenant_id: str) -> pl.DataFrame:
    """A tenant's weekly constructs mart, read-only, weeks in order."""
    from warehouse.connection import fetch_value, query_frame, warehouse

    with warehouse(path, read_only=True) as con:
        exists = fetch_value(con, "select count(*) from information_schema.tables where table_schema = 'marts' "
                                  "and table_name = 'fct_weekly_constructs'")
        if not exists:
            raise LabError("no_constructs_mart", tenant=tenant_id)
        return query_frame(con, f"select * from {MART} order by week_start")


def weekly_rows(settings, tenant_id: str, spec: ModelSpec) -> Dataset:
    """One row per week of one tenant (for the moving-block bootstrap)."""
    frame = read_constructs(settings.warehouse_path(tenant_id), tenant_id)
    return complete_rows(frame, spec, f"{MART} ({tenant_id})")


def business_rows(settings, spec: ModelSpec, tenant_ids: list[str] | None = None) -> Dataset:
    """One row per business: the mean of each weekly proxy over the business's weeks."""
    from pipelines.tenants import load_tenants

    ids = tenant_ids or sorted(load_tenants(settings.tenants_path))
    ids = [i for i in ids if settings.warehouse_path(i).exists()]
    if not ids:
        raise LabError("no_tenants", path=str(settings.home))
    frames = []
    for tenant_id in ids:
        weekly = read_constructs(settings.warehouse_path(tenant_id), tenant_id)
        numeric = [c for c, d in weekly.schema.items() if d.is_numeric()]
        frames.append(weekly.select([pl.col(c).cast(pl.Float64).mean() for c in numeric])
                      .with_columns(tenant_id=pl.lit(tenant_id), weeks=pl.lit(weekly.height)))
    frame = pl.concat(frames, how="diagonal_relaxed")
    return complete_rows(frame, spec, f"{MART} (all tenants)")


def constructs_stage(tenant, *, settings) -> dict[str, int | None]:
    """Rebuild marts.fct_weekly_constructs of a tenant (after the scoring and feedback stages)."""
    from warehouse.build import LAB_MODELS, build_models
    from warehouse.connection import query_frame

    with settings.open_warehouse(tenant.id) as con:
        have = set(query_frame(con, "select table_name from information_schema.tables where table_schema = 'marts'")["table_name"])
        if not {"fct_voice_signals", "fct_content_scores"} <= have:
            raise LabError("no_constructs_mart", tenant=tenant.id)
        return build_models(con, tenant, settings.master_key, models=LAB_MODELS)


__all__ = ["LabError", "SpecError", "Preset", "Dataset", "load_spec", "load_preset", "preset_ids", "read_csv",
           "weekly_rows", "business_rows", "constructs_stage", "complete_rows"]
