"""python -m pipelines.cli: the gaung command."""

from pipelines.cli import app

app()
