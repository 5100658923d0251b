"""PostgreSQL COPY in the background, fed batch by batch, plus COPY text helpers.

The generator builds one batch of rows per table in Python while the previous
batch streams into PostgreSQL on another connection, so both cores work.
"""

import datetime
import io
import queue
import threading

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


class Batch:
    """Rows per table, as COPY text lines, for one slice of the platform."""

    def __init__(self):
        self.rows: dict[str, list[str]] = {}

    def add(self, table: str, *values) -> None:
        self.rows.setdefault(table, []).append("\t".join(values))

    def __len__(self) -> int:
        return sum(len(lines) for lines in self.rows.values())


class Copier:
    """Streams batches into PostgreSQL with COPY from a background thread.

    Foreign-key triggers are off for this connection (session_replication_role
    = replica): the generator writes ids it assigned itself, and
    `generate.check_integrity` verifies every reference after the load.
    """

    def __init__(self, dsn: str, columns: dict[str, tuple[str, ...]], depth: int = 3):
        self.columns = columns
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
                columns = ", ".join(self.columns[table])
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
