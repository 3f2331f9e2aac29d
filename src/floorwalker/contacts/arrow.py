"""Arrow schemas of the warehouse tables, derived from the SQLAlchemy tables so the two
never disagree, and a helper that turns parser rows (dicts) into an Arrow table."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlalchemy import BigInteger, Boolean, DateTime, Double, Float, Integer, String, Table, Text

from floorwalker.contacts.models import agent_states, contacts, survey_responses

_TYPES: list[tuple[type[Any], pa.DataType]] = [
    (BigInteger, pa.int64()),
    (Integer, pa.int32()),
    (Double, pa.float64()),
    (Float, pa.float64()),
    (DateTime, pa.timestamp("us")),
    (Boolean, pa.bool_()),
    (Text, pa.string()),
    (String, pa.string()),
]


def arrow_schema(table: Table, *, omit: tuple[str, ...] = ("import_id",)) -> pa.Schema:
    """The Arrow schema of ``table``'s columns (in table order), less ``omit``."""
    fields = []
    for column in table.columns:
        if column.name in omit:
            continue
        arrow_type = next(t for sql, t in _TYPES if isinstance(column.type, sql))
        fields.append(pa.field(column.name, arrow_type, nullable=column.nullable))
    return pa.schema(fields)


CONTACT_SCHEMA = arrow_schema(contacts)
AGENT_STATE_SCHEMA = arrow_schema(agent_states)
SURVEY_SCHEMA = arrow_schema(survey_responses)


def rows_to_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Dict rows (missing keys are NULL) as an Arrow table of ``schema``."""
    return pa.Table.from_pylist(
        [{name: row.get(name) for name in schema.names} for row in rows], schema=schema
    )
