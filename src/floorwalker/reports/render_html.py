"""The report as one self-contained, printable HTML file: inline CSS, charts as inline SVG,
no script and no external resource (it opens from an e-mail attachment on a closed network)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from floorwalker.metrics.formulas import SL_FORMULAS
from floorwalker.reports import wording
from floorwalker.reports.charts import Chart
from floorwalker.reports.content import Report

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates" / "reports"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(
    value=wording.value_text,
    goal=wording.goal_text,
    signed=wording.signed_change,
    percent=wording.percent,
    duration=wording.duration,
    count=wording.count,
)


def _svg(chart: Chart) -> Markup:
    """matplotlib's SVG without its XML prologue and DOCTYPE, ready to inline."""
    text = chart.svg
    start = text.find("<svg")
    # Our own figure, drawn from numbers and fixed labels: no user text reaches it.
    return Markup(text[start:])  # noqa: S704


def render_html(report: Report, charts: Sequence[Chart]) -> str:
    """The report as an HTML document (UTF-8 text)."""
    template = _env.get_template("report.html")
    return template.render(
        r=report,
        charts=[(c.title, _svg(c)) for c in charts],
        formulas=SL_FORMULAS,
    )
