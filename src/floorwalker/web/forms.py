"""HTML form plumbing shared by every area's pages: field specs, parsing into the area's
Pydantic schema, and errors a person can act on (field name and reason)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from floorwalker.errors import DomainError

S = TypeVar("S", bound=BaseModel)


@dataclass
class FormField:
    name: str
    label: str
    kind: str = "text"  # text, number, date, select, checkbox, textarea, email
    required: bool = False
    options: Sequence[tuple[Any, str]] = ()
    help: str = ""
    step: str | None = None
    datalist: Sequence[str] = ()


@dataclass
class FormErrors:
    items: list[dict[str, str]] = field(default_factory=list)

    @property
    def fields(self) -> set[str]:
        return {e["field"] for e in self.items if e.get("field")}


def form_values(form: FormData, fields: Sequence[FormField], *, partial: bool) -> dict[str, Any]:
    """Form strings → a dict for the schema. Blank optional fields are omitted on create (the
    default applies) and sent as None on update (the person cleared the field)."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == "checkbox":
            values[f.name] = form.get(f.name) == "true"
            continue
        raw = form.get(f.name)
        text = raw.strip() if isinstance(raw, str) else ""
        if text == "":
            if partial:
                values[f.name] = None
            continue
        values[f.name] = text
    return values


def validation_errors(exc: ValidationError) -> FormErrors:
    return FormErrors(
        [
            {
                "field": ".".join(str(p) for p in err["loc"]) if err["loc"] else "",
                "message": err["msg"].removeprefix("Value error, "),
            }
            for err in exc.errors()
        ]
    )


def submit(
    schema: type[S], values: dict[str, Any], action: Callable[[S], Any]
) -> tuple[Any, FormErrors | None]:
    """Validate ``values`` with ``schema`` and run ``action``; errors come back, not raised.

    Permission and not-found errors are raised (they get their own status page); input
    errors and conflicts come back for the form to show beside the fields."""
    try:
        data = schema.model_validate(values)
    except ValidationError as exc:
        return None, validation_errors(exc)
    try:
        return action(data), None
    except DomainError as exc:
        if exc.status_code in (400, 409, 422):
            return None, FormErrors([{"field": exc.field or "", "message": exc.message}])
        raise
