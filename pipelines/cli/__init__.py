"""The `gaung` command: the same pipeline functions the Airflow DAGs call, with no Airflow at all.

common.py holds the app, its groups and what the commands share; each other module registers its commands
(pipeline before reports: the order `gaung --help` lists them in)."""

from pipelines.cli import pipeline, reports, tenants  # noqa: F401  (registers the commands)
from pipelines.cli.common import app

__all__ = ["app"]
