"""The queries public pages run on a miss, with their SQL compiled once per thread.

Django compiles a queryset's SQL each time it is evaluated. A card list carries seven
correlated subqueries (`chains.selectors.chains.chains_with_cards`), and compiling
them cost a gallery miss about as much as running the query; the home page's lists
and an album's chain and steps spent more compiling than PostgreSQL spent answering.
Yet the SQL of such a query is a function of how it is built, never of the rows: so
the first evaluation under a key keeps its compiler, and the next ones send the same
SQL through it and build the rows exactly as Django does (converters, annotations,
select_related, prefetches).

Values that change from one call to the next (a slug, a chain's id) are `arguments`:
build() is called with stand-ins the first time, and each stand-in's place among the
SQL's parameters is found and filled with the real value on every run, as a prepared
statement would (the stand-ins are the engine's, `chains.compiled`). A stand-in that is
not among the parameters (a value the ORM transforms, such as `icontains`' `%text%`)
makes that key uncacheable: it is then built and compiled every time, as before. build() must not branch on its
arguments (it sees stand-ins once), and everything else it reads must be named by the
key (the filters, the page); never the time or the database's contents.

Kept per thread, as a compiler is bound to its thread's connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from chains.compiled import stand_in_slots, stand_ins

from .lru import BoundedLRU

KEPT_PER_THREAD = 128


class _Uncacheable(Exception):
    """A stand-in is not among the query's parameters (the ORM transformed its value)."""


class _Compiled:
    """One queryset (never evaluated itself), its compiler, its SQL, and where its arguments go."""

    def __init__(self, build: Callable[..., QuerySet], arguments: tuple):
        placeholders = stand_ins(arguments)
        self.queryset = build(*placeholders)
        self.compiler = self.queryset.query.get_compiler(using=self.queryset.db)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        slots = stand_in_slots(self.params, placeholders)
        if slots is None:
            raise _Uncacheable
        # Where each argument goes, and as what: the backend may wrap a value for its
        # field (psycopg's Int2 for a small integer), and the real value is wrapped alike.
        self.slots = {position: (index, type(self.params[position])) for position, index in slots.items()}

    def is_bound_to_current_connection(self) -> bool:
        return self.compiler.connection is connections[self.queryset.db]

    def takes(self, arguments: tuple) -> bool:
        """Whether every argument fits its place: a value its field's integer type cannot
        hold is left to Django, which drops the lookup (the database would refuse it)."""
        return all(_fits(kind, arguments[index]) for index, kind in self.slots.values())

    def rows(self, arguments: tuple) -> list:
        params = list(self.params)
        for position, (index, kind) in self.slots.items():
            params[position] = kind(arguments[index])
        statement = (self.sql, tuple(params))
        # execute_sql() asks its compiler for the SQL: this one answers with the kept SQL.
        self.compiler.as_sql = lambda *args, **kwargs: statement
        run = self.queryset.all()
        run.query.get_compiler = self._compiler
        return list(run)

    def _compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiler


# psycopg's wrappers for integer fields' values (django.db.backends.postgresql.operations).
_WRAPPED_INTEGER_BITS = {"Int2": 16, "Int4": 32, "Int8": 64}


def _fits(kind: type, value) -> bool:
    bits = _WRAPPED_INTEGER_BITS.get(kind.__name__)
    return bits is None or -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)


class _PerThread(threading.local):
    def __init__(self):
        self.compiled = BoundedLRU(KEPT_PER_THREAD)
        self.uncacheable: set = set()


_kept = _PerThread()


def compiled_once(key: Hashable, build: Callable[..., QuerySet], *arguments: int | str) -> list:
    """`list(build(*arguments))`, with its SQL compiled only the first time `key` is seen here."""
    if key in _kept.uncacheable:
        return list(build(*arguments))
    compiled = _kept.compiled.get(key)
    if compiled is None or not compiled.is_bound_to_current_connection():
        try:
            compiled = _Compiled(build, arguments)
        except EmptyResultSet:  # nothing to ask the database (e.g. `pk__in=[]`): nothing to keep
            return list(build(*arguments))
        except _Uncacheable:
            _kept.uncacheable.add(key)
            return list(build(*arguments))
        _kept.compiled.put(key, compiled)
    if not compiled.takes(arguments):
        return list(build(*arguments))
    return compiled.rows(arguments)


def forget_compiled() -> None:
    """Drop this thread's compilers (tests that change how a query is built)."""
    _kept.compiled.clear()
    _kept.uncacheable.clear()
