"""Contact warehouse tables (SQLAlchemy Core: high-volume facts, no ORM identity map).

Conventions that hold for every table here:

* instants (``*_at``) are naive UTC; ``*_local`` columns are the site's wall clock at
  the same instant and ``utc_offset_s`` the offset between them, so that interval
  grouping on the local clock needs no time-zone functions in SQL and a DST day's
  repeated hour stays two distinct hours;
* durations are seconds (DOUBLE: 8-byte floats on both engines; SQLAlchemy's Float is a
  4-byte REAL on DuckDB, too coarse for Unix times); NULL means "the source did not say",
  never 0;
* ids are 63-bit hashes of (source, source_key) computed at import, so re-imports are
  idempotent and a leg can point at its previous leg before either is stored;
* primary keys, secondary indexes and the (source, source_key) uniqueness exist on
  PostgreSQL only: DuckDB scans by zone maps, and its ART indexes made bulk loads 10×
  (insert) to 20× (replace) slower; the id is a hash of source and source_key, and every
  write (contacts.service.write_rows) checks it, so keys stay unique without the index;
* site, queue and agent are the codes the source systems use (``Site.code``,
  ``Queue.code``, ``Employee.agent_code`` in the operational store).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Double,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

warehouse_metadata = MetaData()

#: Outcomes of one leg. answered and transferred legs were connected to an agent;
#: timeout, exit_key, no_agents and queue_full are "other exits" (X in spec/kpis.md).
CONTACT_OUTCOMES = (
    "answered",
    "abandoned",
    "timeout",
    "exit_key",
    "no_agents",
    "queue_full",
    "transferred",
    "incomplete",
)
CHANNELS = ("voice", "chat", "email", "messaging", "back_office")
DIRECTIONS = ("inbound", "outbound")
AGENT_STATES = ("logged_out", "available", "on_contact", "wrap_up", "not_ready")

contacts = Table(
    "contacts",
    warehouse_metadata,
    Column("contact_id", BigInteger, nullable=False, autoincrement=False),
    PrimaryKeyConstraint("contact_id").ddl_if(dialect="postgresql"),
    Column("source", String(40), nullable=False),
    Column("source_key", String(200), nullable=False),
    Column("site", String(60), nullable=False),
    Column("queue", String(80), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("direction", String(10), nullable=False),
    Column("customer_key", String(120)),
    Column("arrived_at", DateTime, nullable=False),
    Column("arrived_local", DateTime, nullable=False),
    Column("utc_offset_s", Integer, nullable=False),
    Column("answered_at", DateTime),
    Column("ended_at", DateTime),
    Column("wait_s", Double),
    Column("talk_s", Double),
    Column("hold_s", Double),
    Column("wrapup_s", Double),
    Column("outcome", String(20), nullable=False),
    Column("agent", String(80)),
    Column("disposition", String(80)),
    Column("ring_attempts", Integer),
    Column("previous_contact_id", BigInteger),
    Column("transcript", Text),
    Column("import_id", BigInteger),
    #: The source's own last-modified time of this record (Connect LastUpdateTimestamp):
    #: a re-delivered older version never overwrites a newer one.
    Column("source_updated_at", DateTime),
    UniqueConstraint("source", "source_key", name="uq_contacts_source_key").ddl_if(dialect="postgresql"),
)
Index("ix_contacts_site_arrived", contacts.c.site, contacts.c.arrived_at).ddl_if(dialect="postgresql")
Index("ix_contacts_queue_arrived", contacts.c.queue, contacts.c.arrived_at).ddl_if(dialect="postgresql")
Index("ix_contacts_agent_arrived", contacts.c.agent, contacts.c.arrived_at).ddl_if(dialect="postgresql")
Index("ix_contacts_customer", contacts.c.customer_key, contacts.c.arrived_at).ddl_if(dialect="postgresql")

agent_states = Table(
    "agent_states",
    warehouse_metadata,
    Column("state_id", BigInteger, nullable=False, autoincrement=False),
    PrimaryKeyConstraint("state_id").ddl_if(dialect="postgresql"),
    Column("source", String(40), nullable=False),
    Column("source_key", String(200), nullable=False),
    Column("site", String(60), nullable=False),
    Column("agent", String(80), nullable=False),
    Column("state", String(20), nullable=False),
    Column("reason", String(40)),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime, nullable=False),
    Column("started_local", DateTime, nullable=False),
    Column("utc_offset_s", Integer, nullable=False),
    Column("duration_s", Double, nullable=False),
    Column("import_id", BigInteger),
    UniqueConstraint("source", "source_key", name="uq_agent_states_source_key").ddl_if(dialect="postgresql"),
)
Index("ix_agent_states_agent_started", agent_states.c.agent, agent_states.c.started_at).ddl_if(
    dialect="postgresql"
)
Index("ix_agent_states_site_started", agent_states.c.site, agent_states.c.started_at).ddl_if(
    dialect="postgresql"
)

survey_responses = Table(
    "survey_responses",
    warehouse_metadata,
    Column("response_id", BigInteger, nullable=False, autoincrement=False),
    PrimaryKeyConstraint("response_id").ddl_if(dialect="postgresql"),
    Column("source", String(40), nullable=False),
    Column("source_key", String(200), nullable=False),
    Column("contact_id", BigInteger),
    Column("customer_key", String(120)),
    Column("kind", String(10), nullable=False),
    Column("score", Double, nullable=False),
    Column("scale_min", Integer, nullable=False),
    Column("scale_max", Integer, nullable=False),
    Column("comment", Text),
    Column("responded_at", DateTime, nullable=False),
    Column("import_id", BigInteger),
    UniqueConstraint("source", "source_key", name="uq_survey_responses_source_key").ddl_if(
        dialect="postgresql"
    ),
)
Index("ix_survey_responses_contact", survey_responses.c.contact_id).ddl_if(dialect="postgresql")

imports = Table(
    "imports",
    warehouse_metadata,
    Column("import_id", BigInteger, primary_key=True, autoincrement=False),
    #: queue-log, contacts, connect, surveys
    Column("kind", String(20), nullable=False),
    Column("source", String(60), nullable=False),
    Column("site", String(60)),
    Column("files", Text, nullable=False),
    Column("username", String(120), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    #: loaded or failed (a dry run writes nothing, history included)
    Column("status", String(10), nullable=False),
    Column("lines", BigInteger, nullable=False),
    Column("contacts", BigInteger, nullable=False),
    Column("agent_states", BigInteger, nullable=False),
    Column("surveys", BigInteger, nullable=False),
    Column("rejected", BigInteger, nullable=False),
    Column("duplicates", BigInteger, nullable=False),
    Column("incomplete", BigInteger, nullable=False),
    #: JSON object {EVENT: count}
    Column("unknown_events", Text, nullable=False),
    #: JSON object {reason: count}: rows the format's own rules say are not queue contacts
    Column("skipped", Text),
    Column("rejections_file", Text),
    Column("message", Text),
)
Index("ix_imports_started", imports.c.started_at).ddl_if(dialect="postgresql")

#: Every Asterisk queue_log line ever imported, once (the source of truth the legs and
#: agent states are rebuilt from, so files may arrive in any order or overlap).
queue_log_events = Table(
    "queue_log_events",
    warehouse_metadata,
    Column("event_id", BigInteger, nullable=False, autoincrement=False),
    PrimaryKeyConstraint("event_id").ddl_if(dialect="postgresql"),
    Column("site", String(60), nullable=False),
    #: Unix time of the line, seconds (fractions kept where the log has them).
    Column("time_s", Double, nullable=False),
    Column("callid", String(120), nullable=False),
    Column("queue", String(120), nullable=False),
    Column("agent", String(120), nullable=False),
    Column("event", String(40), nullable=False),
    Column("data1", String(200)),
    Column("data2", String(200)),
    Column("data3", String(200)),
    Column("data4", String(200)),
    Column("data5", String(200)),
    Column("import_id", BigInteger),
)
Index("ix_queue_log_events_call", queue_log_events.c.site, queue_log_events.c.callid).ddl_if(
    dialect="postgresql"
)
Index(
    "ix_queue_log_events_agent", queue_log_events.c.site, queue_log_events.c.agent, queue_log_events.c.time_s
).ddl_if(dialect="postgresql")

#: Version of the warehouse schema this code writes. Bump it and add a step to
#: ``floorwalker.contacts.warehouse.MIGRATIONS`` when a table changes.
WAREHOUSE_SCHEMA_VERSION = 3

warehouse_schema_version = Table(
    "warehouse_schema_version",
    warehouse_metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("is_current", Boolean, nullable=False),
)
