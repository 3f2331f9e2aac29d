"""One settings class. Every knob has a default that works offline, with no server.

Values come from the environment (prefix ``FLOORWALKER_`` except the two store URLs,
which keep their conventional names ``DATABASE_URL`` and ``WAREHOUSE_URL``) or from a
``.env`` file in the working directory.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FLOORWALKER_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data: Path = Field(
        default=Path("./floorwalker-data"),
        description="Data directory: the embedded stores, rejection reports, generated reports.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "FLOORWALKER_DATABASE_URL"),
        description="Operational store. Default: SQLite file in the data directory.",
    )
    warehouse_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("WAREHOUSE_URL", "FLOORWALKER_WAREHOUSE_URL"),
        description="Contact warehouse. Default: DuckDB file in the data directory.",
    )
    duckdb_memory_limit: str = Field(
        default="1GB",
        description="Memory the embedded DuckDB warehouse may use before spilling to disk "
        "(DuckDB's own default is 80% of RAM, which a big import would take).",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    session_hours: float = Field(default=12.0, description="Web session lifetime, hours.")
    secure_cookies: bool = Field(default=False, description="Mark cookies Secure (set true behind HTTPS).")
    login_max_failures: int = Field(
        default=5, description="Failed logins per username or client before throttling."
    )
    login_window_s: int = Field(
        default=900, description="Window over which failed logins are counted, seconds."
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalise_url(self.database_url)
        return f"sqlite:///{(self.data / 'floorwalker.db').resolve()}"

    @property
    def resolved_warehouse_url(self) -> str:
        if self.warehouse_url:
            return normalise_url(self.warehouse_url)
        return f"duckdb:///{(self.data / 'warehouse.duckdb').resolve()}"


def normalise_url(url: str) -> str:
    """Accept the URLs operators paste (``postgres://``, ``postgresql://``) and pick psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
