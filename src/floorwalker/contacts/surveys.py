"""Survey responses from CSV (CSAT, NPS, CES). Pure: reads the file, checks every row.

Columns (header names, any order; extra columns are ignored):

| column | required | meaning |
|---|---|---|
| responded_at | yes | when the customer answered: ISO 8601; without an offset it is the site's local time |
| kind | yes | csat, nps or ces |
| score | yes | the answer, a number inside the scale |
| contact_id | this or customer_key | the contact as its source names it (Connect ContactId, |
|            |                      | Asterisk uniqueid, VICIdial closecallid, …) |
| customer_key | this or contact_id | the customer: linked to their latest contact in the 7 days before |
| scale_min, scale_max | no | default 1–5 for csat, 0–10 for nps, 1–7 for ces |
| comment | no | the verbatim |
| response_id | no | the survey tool's id of the response (default: contact or customer, kind and time) |

Linking a response to a contact needs the warehouse, so it is the import service's job:
this module hands over a ``contact_ref`` column beside the survey-response columns.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from floorwalker.contacts.arrow import SURVEY_SCHEMA, rows_to_table
from floorwalker.contacts.ingest import Batch, Rejection, SiteContext
from floorwalker.contacts.keys import stable_id

SOURCE = "surveys"
DEFAULT_SCALES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
#: The survey-response columns plus the source's contact reference, for the service to link.
SURVEY_INPUT_SCHEMA = SURVEY_SCHEMA.append(pa.field("contact_ref", pa.string())).append(
    pa.field("line", pa.int64())
)


def _instant(text: str, zone: ZoneInfo) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _row(values: dict[str, str], zone: ZoneInfo) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
    """(response row, None) or (None, (field, reason))."""
    kind = values.get("kind", "").strip().lower()
    if kind not in DEFAULT_SCALES:
        return None, ("kind", f"kind '{values.get('kind', '')}' is not csat, nps or ces")
    try:
        responded = _instant(values.get("responded_at", ""), zone)
    except ValueError:
        return None, ("responded_at", f"'{values.get('responded_at', '')}' is not an ISO 8601 date and time")
    try:
        score = float(values.get("score", ""))
    except ValueError:
        return None, ("score", f"score '{values.get('score', '')}' is not a number")
    low, high = DEFAULT_SCALES[kind]
    for name, default in (("scale_min", low), ("scale_max", high)):
        text = values.get(name, "").strip()
        if text:
            try:
                value = int(text)
            except ValueError:
                return None, (name, f"{name} '{text}' is not a whole number")
            if name == "scale_min":
                low = value
            else:
                high = value
        else:
            del default
    if low >= high:
        return None, ("scale_max", f"scale {low}–{high} is empty")
    if not low <= score <= high:
        return None, ("score", f"score {score:g} is outside the scale {low}–{high}")
    contact_ref = values.get("contact_id", "").strip() or None
    customer = values.get("customer_key", "").strip() or None
    if contact_ref is None and customer is None:
        return None, ("contact_id", "neither contact_id nor customer_key: nothing to link the response to")
    key = values.get("response_id", "").strip() or f"{contact_ref or customer}|{kind}|{responded.isoformat()}"
    return {
        "response_id": stable_id(SOURCE, key),
        "source": SOURCE,
        "source_key": key,
        "contact_id": None,
        "customer_key": customer,
        "kind": kind,
        "score": score,
        "scale_min": low,
        "scale_max": high,
        "comment": values.get("comment", "").strip() or None,
        "responded_at": responded,
        "contact_ref": contact_ref,
    }, None


def parse_surveys(
    path: Path, site: SiteContext, *, display_name: str | None = None, batch_rows: int = 20_000
) -> Iterator[Batch]:
    """Batches whose ``survey_responses`` table has SURVEY_INPUT_SCHEMA (with contact_ref)."""
    name = display_name or str(path)
    zone = ZoneInfo(site.source_zone)
    seen: set[str] = set()
    batch = Batch()
    rows: list[dict[str, Any]] = []
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        missing = {"responded_at", "kind", "score"} - set(header)
        if missing:
            batch.rejections.append(
                Rejection.of(
                    name,
                    1,
                    sorted(missing)[0],
                    f"header lacks {', '.join(sorted(missing))}",
                    ",".join(header),
                )
            )
            batch.lines = 1
            yield batch
            return
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            batch.lines += 1
            raw = ",".join(cells)
            if len(cells) > len(header):
                batch.rejections.append(
                    Rejection.of(name, number, None, "more fields than the header names", raw)
                )
                continue
            values = dict(zip(header, cells, strict=False))
            row, problem = _row(values, zone)
            if problem is not None:
                batch.rejections.append(Rejection.of(name, number, problem[0], problem[1], raw))
                continue
            assert row is not None
            row["line"] = number
            if row["source_key"] in seen:
                batch.duplicates += 1
                continue
            seen.add(row["source_key"])
            rows.append(row)
            if len(rows) >= batch_rows:
                batch.survey_responses = rows_to_table(rows, SURVEY_INPUT_SCHEMA)
                yield batch
                batch, rows = Batch(), []
    batch.survey_responses = rows_to_table(rows, SURVEY_INPUT_SCHEMA)
    yield batch
