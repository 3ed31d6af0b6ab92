"""Errors of the SQL store, and the one place SQLAlchemy exceptions are translated into them.

Every public store function raises only these (never a bare ``sqlalchemy.exc`` error)::

    StoreError                      the store refused or failed an operation
    ├── StoreIntegrityError         a constraint was violated (names the table/constraint)
    └── StoreUnavailableError       the database cannot be reached or is locked

Messages name tables, columns and constraints but never values: a row may hold data copied
from IT Glue, and drivers echo offending values back (PostgreSQL's ``DETAIL: Key (id)=(…)``).
Nor do they name exception classes: a PostgreSQL error is described by its SQLSTATE class
(``SQLSTATE 22021, invalid data``), anything else by what kind of failure it was.

Example::

    with translate_errors("upsert into configurations"):
        await session.execute(statement)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from itglue_mcp.errors import ItglueMcpError

__all__ = ["StoreError", "StoreIntegrityError", "StoreUnavailableError", "translate_errors"]


class StoreError(ItglueMcpError):
    """The SQL store refused or failed an operation (bad input, schema mismatch, driver error)."""


class StoreIntegrityError(StoreError):
    """A constraint of the schema was violated (unique, foreign key, not null, check)."""


class StoreUnavailableError(StoreError):
    """The database could not be reached, refused the connection, or stayed locked."""


# asyncpg exceptions carry these attributes; they hold names only, never row values.
_PG_NAME_ATTRIBUTES = ("table_name", "column_name", "constraint_name")
# SQLSTATE classes (the first two characters), in words.
_SQLSTATE_CLASSES = {
    "08": "connection failure",
    "0A": "feature not supported",
    "21": "cardinality violation",
    "22": "invalid data",
    "23": "constraint violated",
    "25": "invalid transaction state",
    "28": "invalid authorization",
    "3D": "invalid database",
    "3F": "invalid schema",
    "40": "transaction rolled back",
    "42": "syntax error or access rule violation",
    "53": "insufficient resources",
    "54": "program limit exceeded",
    "55": "object not in prerequisite state",
    "57": "operator intervention",
    "58": "system error",
    "XX": "internal error",
}


def _describe(error: sa_exc.DBAPIError) -> str:
    """Name what failed without quoting values: PostgreSQL names, or SQLite's own message.

    SQLite constraint messages are built from names only ("UNIQUE constraint failed:
    t.c"); PostgreSQL messages and details quote values, so only the structured name
    attributes of the asyncpg exception are used.
    """
    driver_error = error.orig
    cause = getattr(driver_error, "__cause__", None)
    names = [
        f"{attribute.removesuffix('_name')} {value}"
        for attribute in _PG_NAME_ATTRIBUTES
        if (value := getattr(cause, attribute, None))
    ]
    if names:
        return ", ".join(names)
    if type(driver_error).__module__.startswith(("sqlite3", "sqlalchemy.dialects.sqlite")):
        return str(driver_error).splitlines()[0][:200]
    return _sqlstate(cause) or _sqlstate(driver_error) or "driver error"


def _sqlstate(error: object) -> str | None:
    """``SQLSTATE 22021, invalid data`` for an error carrying a SQLSTATE code, else ``None``."""
    code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if not isinstance(code, str) or len(code) != 5 or not code.isalnum():
        return None
    return f"SQLSTATE {code}, {_SQLSTATE_CLASSES.get(code[:2], 'database error')}"


def _os_failure(error: OSError) -> str:
    """An operating-system error in words (``connection refused``), no class name."""
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionError):
        return "connection lost"
    return "network or file error"


def _is_unavailable(error: sa_exc.DBAPIError) -> bool:
    """True for connection failures and SQLite lock time-outs, which a retry may cure."""
    if error.connection_invalidated or isinstance(error, sa_exc.InterfaceError):
        return True
    cause = getattr(error.orig, "__cause__", None)
    if isinstance(cause, OSError):
        return True
    message = str(error.orig).lower()
    return isinstance(error, sa_exc.OperationalError) and (
        "database is locked" in message or "unable to open database" in message
    )


@contextmanager
def translate_errors(action: str, *, os_errors: bool = True) -> Iterator[None]:
    """Re-raise SQLAlchemy and connection errors raised in the block as :class:`StoreError`.

    Args:
        action: what was being done, for the message ("upsert into passwords").
        os_errors: also translate ``OSError`` (asyncpg's refused connections). Off around
            code that is not the store's, whose file errors are not the database's.

    Raises:
        StoreIntegrityError: a constraint was violated.
        StoreUnavailableError: the database could not be reached or stayed locked.
        StoreError: any other database error.
    """
    try:
        yield
    except StoreError:
        raise
    except sa_exc.IntegrityError as error:
        raise StoreIntegrityError(f"{action}: constraint violated ({_describe(error)})") from error
    except sa_exc.DBAPIError as error:
        if _is_unavailable(error):
            raise StoreUnavailableError(
                f"{action}: database unavailable ({_describe(error)})"
            ) from error
        raise StoreError(f"{action}: database error ({_describe(error)})") from error
    except sa_exc.StatementError as error:
        # Raised while binding values in Python (a type processor, JSON encoding): their
        # messages describe the type problem, not the value.
        cause = error.orig
        detail = (
            str(cause).splitlines()[0][:200] if isinstance(cause, ValueError | TypeError) else ""
        )
        raise StoreError(
            f"{action}: cannot bind a value ({detail or 'unsupported value'})"
        ) from error
    except sa_exc.SQLAlchemyError as error:
        raise StoreError(f"{action}: database layer error") from error
    except OSError as error:
        # asyncpg raises OSError subclasses (ConnectionRefusedError) while connecting.
        if not os_errors:
            raise
        raise StoreUnavailableError(
            f"{action}: database unavailable ({_os_failure(error)})"
        ) from error
