"""Generation checks: the optimistic concurrency guard of providers and
consumers, in one place.

A writer reads a generation, does its checks, and then, in the same
transaction, bumps the generation only if it is still the one it read:

    UPDATE resource_providers SET generation = generation + 1
     WHERE id = :id AND generation = :expected

Zero rows updated means another writer committed first, and the caller's
transaction must be abandoned (ConcurrentUpdateDetected, an HTTP 409
placement.concurrent_update). The UPDATE also takes the row lock (and, on
Galera, puts the row in the write set that certification checks), which is
what serialises concurrent writers of the same provider; see
doc/concurrency.rst.
"""
import sqlalchemy as sa

from placement.db import tables
from placement import exception


# Generations are 32-bit columns: a value outside that range (sent by a
# client) can match no row, and some drivers refuse to even bind it.
_INT32_MIN, _INT32_MAX = -2 ** 31, 2 ** 31 - 1


def _storable(expected):
    # JSON Schema's "integer" admits 4.0: it is the generation 4. (Not
    # ``in range(...)``: for a float that is a linear scan of 2**32
    # numbers.)
    if isinstance(expected, float) and expected.is_integer():
        expected = int(expected)
    if not (isinstance(expected, int) and
            _INT32_MIN <= expected <= _INT32_MAX):
        raise exception.ConcurrentUpdateDetected()
    return expected


def _bump(conn, table, row_id, expected):
    expected = _storable(expected)
    result = conn.execute(
        sa.update(table)
        .where(table.c.id == row_id, table.c.generation == expected)
        .values(generation=table.c.generation + 1))
    if result.rowcount != 1:
        raise exception.ConcurrentUpdateDetected()
    return expected + 1


def check_provider(conn, provider_id, expected):
    """ConcurrentUpdateDetected unless the provider's generation is
    ``expected``, which a write that changes nothing leaves as it is."""
    expected = _storable(expected)
    current = conn.execute(
        sa.select(tables.resource_providers.c.generation)
        .where(tables.resource_providers.c.id == provider_id)
        .with_for_update()).scalar_one_or_none()
    if current != expected:
        raise exception.ConcurrentUpdateDetected()
    return expected


def bump_provider(conn, provider_id, expected):
    """Increment a provider's generation from ``expected``; return the new
    generation or raise ConcurrentUpdateDetected."""
    return _bump(conn, tables.resource_providers, provider_id, expected)


def bump_consumer(conn, consumer_id, expected):
    """Increment a consumer's generation from ``expected``; return the new
    generation or raise ConcurrentUpdateDetected."""
    return _bump(conn, tables.consumers, consumer_id, expected)
