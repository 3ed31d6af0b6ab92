"""``translate_errors`` describes a failure without naming an exception class."""

from __future__ import annotations

import pytest
from sqlalchemy import exc as sa_exc

from itglue_mcp.store.errors import StoreError, StoreUnavailableError, translate_errors


class CharacterNotInRepertoireError(Exception):
    """Stands in for asyncpg's exception: a SQLSTATE and no name attributes."""

    sqlstate = "22021"


class _Driver(Exception):
    pass


def _dbapi_error() -> sa_exc.DBAPIError:
    driver = _Driver("invalid byte sequence for encoding UTF8: 0x00")
    driver.__cause__ = CharacterNotInRepertoireError("invalid byte sequence")
    return sa_exc.DBAPIError("SELECT 1", None, driver)


@pytest.mark.parametrize(
    ("raised", "kind", "words"),
    [
        (_dbapi_error(), StoreError, "SQLSTATE 22021, invalid data"),
        (sa_exc.StatementError("x", "SELECT 1", None, OverflowError("big")), StoreError, "bind"),
        (sa_exc.NoSuchTableError("t"), StoreError, "database layer error"),
        (ConnectionRefusedError(111, "refused"), StoreUnavailableError, "connection refused"),
    ],
)
def test_messages_name_no_exception_class(
    raised: Exception, kind: type[StoreError], words: str
) -> None:
    with pytest.raises(kind) as caught, translate_errors("read"):
        raise raised

    message = str(caught.value)
    assert words in message
    assert "Error" not in message and "Exception" not in message, message
