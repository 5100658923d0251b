"""PostgreSQL COPY in the background, fed batch by batch, plus COPY text helpers.

The generator builds one batch of rows per table in Python while the previous
batch streams into PostgreSQL on another connection, so both cores work.
"""

import datetime
import io
import json
import queue
import threading
from dataclasses import dataclass, field

import psycopg2

NULL = r"\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": " ", "\n": " ", "\r": " "})


def text(value: str) -> str:
    """A value safe for COPY's text format (no tab, newline or lone backslash)."""
    return value.translate(_ESCAPES)


def ts(moment: datetime.datetime | None) -> str:
    return NULL if moment is None else moment.isoformat()


def day(moment: datetime.date | None) -> str:
    return NULL if moment is None else moment.isoformat()


def flag(value: bool) -> str:
    return "t" if value else "f"


def opt(value) -> str:
    return NULL if value is None else str(value)


def copy_value(value) -> str:
    """Any Python value of a model field, in COPY's text format."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return flag(value)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, dict | list):
        return text(json.dumps(value))
    return text(str(value))


@dataclass(frozen=True)
class Table:
    """A table's columns, in the order COPY receives them, and what a column
    the generator leaves out holds (NULL, or the field's default); a column
    with neither must be given, so a new required field stops the generator
    at its first row instead of loading rows the app would not write."""

    name: str
    columns: tuple[str, ...]
    defaults: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "known", frozenset(self.columns))

    def line(self, values: dict[str, str]) -> str:
        unknown = values.keys() - self.known
        if unknown:
            raise KeyError(f"{self.name} has no column {', '.join(sorted(unknown))}")
        try:
            return "\t".join(
                values[column] if column in values else self.defaults[column]
                for column in self.columns
            )
        except KeyError as missing:
            raise KeyError(f"{self.name}.{missing.args[0]} needs a value") from None


class Batch:
    """Rows per table, as COPY text lines, for one slice of the platform."""

    def __init__(self, tables: dict[str, Table]):
        self.tables = tables
        self.rows: dict[str, list[str]] = {}

    def add(self, table: str, **values: str) -> None:
        """One row, its values named by column and already in COPY's text format."""
        self.rows.setdefault(table, []).append(self.tables[table].line(values))

    def __len__(self) -> int:
        return sum(len(lines) for lines in self.rows.values())


class Copier:
    """Streams batches into PostgreSQL with COPY from a background thread.

    Foreign-key triggers are off for this connection (session_replication_role
    = replica): the generator writes ids it assigned itself, and
    `generate.check_integrity` verifies every reference after the load.
    """

    def __init__(self, dsn: str, tables: dict[str, Table], depth: int = 3):
        self.tables = tables
        self.connection = psycopg2.connect(dsn)
        self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")
        self.counts: dict[str, int] = {}
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="copier", daemon=True)
        self._thread.start()

    def put(self, batch: Batch) -> None:
        if self._error is not None:
            raise RuntimeError("COPY failed") from self._error
        self._queue.put(batch)

    def close(self) -> dict[str, int]:
        self._queue.put(None)
        self._thread.join()
        self.connection.close()
        if self._error is not None:
            raise RuntimeError("COPY failed") from self._error
        return self.counts

    def _drain(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue
            try:
                self._copy(batch)
            except BaseException as error:  # reported by put() or close()
                self._error = error

    def _copy(self, batch: Batch) -> None:
        with self.connection.cursor() as cursor:
            for table, lines in batch.rows.items():
                if not lines:
                    continue
                columns = ", ".join(f'"{name}"' for name in self.tables[table].columns)
                data = io.StringIO("\n".join(lines) + "\n")
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", data, size=1 << 20)
                self.counts[table] = self.counts.get(table, 0) + len(lines)


def drop_secondary_indexes(dsn: str, tables: list[str]) -> list[str]:
    """Drops the tables' indexes and unique constraints, primary keys aside.

    Returns the statements that rebuild them: one sorted build per index after
    the load costs far less than keeping every index current row by row.
    """
    rebuild = []
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        for table, name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid::regclass::text = ANY(%s) AND NOT indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
            [tables],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            rebuild.append(definition)
    connection.close()
    return rebuild
