"""The phase tasks' hottest statements, built and compiled once per process, then reused.

A phase task is a few statements, and through the ORM each one cost 0.2 to 0.9 ms of
CPU to build its queryset and compile it to SQL, against about 0.05 ms to send it and
read the answer (issue 11: most of a task's own CPU). The statements here are still
written as ORM querysets, in one place each, but their SQL is made once per database
connection and then only re-run with new values:

- `CompiledRead`: a `values_list` queryset built around one id, e.g. the step a phase
  reads with its chain and its earlier calls; its rows come back converted as the ORM
  converts them (`from_db_value`: JSON, decimals, dates), keyed by the names asked for.
- `update`: `UPDATE table SET ... WHERE ...` for the engine's own conditional writes
  (claims, outputs guarded on "still missing", the ledger's outcome), with each value
  adapted by its field exactly as `QuerySet.update` adapts it. Increments are `Add`.

Both go through `connection.cursor()`, so query logging, `CaptureQueriesContext` and
the transaction machinery see them as they see the ORM's.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Callable

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model, QuerySet

# Stand-ins: the values a query is built around while it is compiled, found again among
# the SQL's parameters and replaced by the real ones on every run, as a prepared statement
# binds them. Numbers stay within every integer field's range, a positive small one's
# included: Django drops or empties a lookup whose value overflows its field (a step
# index), and the stand-in would then not be among the parameters.
STAND_IN_BASE, STAND_IN_SPAN = 30_011, 2_000  # 30011..32010
_stand_in_numbers = itertools.count(1)


def stand_ins(arguments: tuple) -> tuple:
    """A stand-in of each argument's type, unlikely to be a constant of any query."""
    return tuple(_stand_in(value) for value in arguments)


def _stand_in(value):
    if isinstance(value, bool):
        raise TypeError("a bool changes the query's shape: it belongs in how the query is built")
    if isinstance(value, int):
        return STAND_IN_BASE + next(_stand_in_numbers) % STAND_IN_SPAN
    if isinstance(value, str):
        return f"\x1fkept-sql-{next(_stand_in_numbers)}\x1f"
    raise TypeError(f"arguments are ints or strs, not {type(value).__name__}")


def stand_in_slots(params, placeholders: tuple) -> dict[int, int] | None:
    """Where each argument goes: {position among `params`: index of the argument}.

    None when a stand-in is not among the parameters (the ORM transformed it, e.g.
    `icontains` makes `%text%`): such a query cannot be kept and is compiled every time.
    """
    slots = {
        position: index
        for position, param in enumerate(params)
        for index, placeholder in enumerate(placeholders)
        if isinstance(param, type(placeholder)) and param == placeholder
    }
    return slots if set(slots.values()) == set(range(len(placeholders))) else None


class CompiledRead:
    """A read built by `build(*ids)` once per connection, then run for any ids.

    `build` returns a `values_list` queryset whose only varying values are the ints it
    is given (ids, step indexes), each used as a plain parameter; everything else in it
    must be constant: it is compiled once.
    """

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def first(self, *ids: int, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any] | None:
        """The first row, as {name: value}, or None."""
        rows = self.rows(*ids, using=using, limit=1)
        return rows[0] if rows else None

    def rows(self, *ids: int, using: str = DEFAULT_DB_ALIAS, limit: int | None = None) -> list[dict[str, Any]]:
        """Every row (at most `limit`), each as {name: value}, converted as the ORM converts."""
        connection = connections[using]
        compiled = self._compiled.get(connection) or self._compile(connection, len(ids))
        params = [
            ids[compiled.slots[index]] if index in compiled.slots else value
            for index, value in enumerate(compiled.params)
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall() if limit is None else cursor.fetchmany(limit)
        return [self._convert(row, compiled, connection) for row in fetched]

    @staticmethod
    def _convert(row, compiled: _Compiled, connection) -> dict[str, Any]:
        values = list(row)
        for index, converters, expression in compiled.converters:
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        return dict(zip(compiled.names, values, strict=True))

    def _compile(self, connection, arity: int) -> _Compiled:
        placeholders = stand_ins((0,) * arity)
        query = self.build(*placeholders).query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = stand_in_slots(params, placeholders)
        if slots is None:
            raise ValueError("the compiled read does not use every id it was built around")
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            names=(*query.extra_select, *query.values_select, *query.annotation_select),
            converters=tuple((index, tuple(pair[0]), pair[1]) for index, pair in converters.items()),
        )
        with self._lock:
            self._compiled[connection] = compiled
        return compiled


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: dict[int, int]  # the parameter's position -> which id goes there
    names: tuple[str, ...]
    converters: tuple


def instance(model: type[Model], row: dict[str, Any], prefix: str = "") -> Model:
    """A model instance from a compiled read's row (`prefix`: "chain__" for a joined row),
    holding only the fields read, like one loaded with `.only()`."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        key = prefix + field.attname
        if key not in row:
            key = prefix + field.name
        if key in row:
            names.append(field.attname)
            values.append(row[key])
    return model.from_db(DEFAULT_DB_ALIAS, names, values)


@dataclass(frozen=True)
class Add:
    """`SET field = field + amount` in `update`."""

    amount: Any


@dataclass(frozen=True)
class NullOrBefore:
    """`WHERE (field IS NULL OR field < moment)` in `update` (a claim free or expired)."""

    moment: Any


def update(model: type[Model], where: dict[str, Any], values: dict[str, Any], using: str = DEFAULT_DB_ALIAS) -> int:
    """`model.objects.filter(**where).update(**values)`, with its SQL made once per shape.

    `where` holds exact matches (a tuple or list: one of them; None: IS NULL; or a
    `NullOrBefore`), joined by AND; `values` plain values or `Add` increments. Returns
    the number of rows changed, as `QuerySet.update` does.
    """
    connection = connections[using]
    meta = model._meta
    shape = (model, connection.vendor, *_shape(where), "|", *_shape(values))
    sql = _update_sql.get(shape)
    if sql is None:
        sql = _update_sql.setdefault(shape, _write_update(model, connection, where, values))
    params = []
    for name, value in values.items():
        field = meta.get_field(name)
        params.append(field.get_db_prep_save(value.amount if isinstance(value, Add) else value, connection))
    for name, value in where.items():
        field = meta.get_field(name)
        if isinstance(value, NullOrBefore):
            params.append(field.get_db_prep_value(value.moment, connection, prepared=False))
        elif isinstance(value, (tuple, list)):
            params.extend(field.get_db_prep_value(item, connection, prepared=False) for item in value)
        elif value is not None:
            params.append(field.get_db_prep_value(value, connection, prepared=False))
    with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


_update_sql: dict[tuple, str] = {}


def _shape(values: dict[str, Any]) -> tuple:
    return tuple((name, _kind(value)) for name, value in values.items())


def _kind(value) -> Any:
    if isinstance(value, (tuple, list)):
        return len(value)
    if value is None:
        return None
    return type(value) if isinstance(value, (Add, NullOrBefore)) else "="


def _write_update(model: type[Model], connection, where: dict[str, Any], values: dict[str, Any]) -> str:
    if not values or not where:
        raise ValueError("an update needs values to set and a condition")
    quote = connection.ops.quote_name
    meta = model._meta

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    assignments = []
    for name, value in values.items():
        if isinstance(value, Add):
            assignments.append(f"{column(name)} = ({column(name)} + %s)")
        else:
            assignments.append(f"{column(name)} = %s")
    conditions = []
    for name, value in where.items():
        if isinstance(value, NullOrBefore):
            conditions.append(f"({column(name)} IS NULL OR {column(name)} < %s)")
        elif isinstance(value, (tuple, list)):
            conditions.append(f"{column(name)} IN ({', '.join(['%s'] * len(value))})")
        elif value is None:
            conditions.append(f"{column(name)} IS NULL")
        else:
            conditions.append(f"{column(name)} = %s")
    return f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE {' AND '.join(conditions)}"


def insert(obj: Model, using: str = DEFAULT_DB_ALIAS) -> Model:
    """`obj.save()` for a new row of a model with an auto id and no save signals, with the
    INSERT's SQL made once per model; `obj` gets its id back (`RETURNING`).

    Where the database cannot return the id from the INSERT, this is `obj.save()`.
    """
    connection = connections[using]
    if not connection.features.can_return_columns_from_insert:
        obj.save(using=using, force_insert=True)
        return obj
    model = type(obj)
    fields = [field for field in model._meta.concrete_fields if field is not model._meta.auto_field]
    key = (model, connection.vendor)
    sql = _insert_sql.get(key)
    if sql is None:
        sql = _insert_sql.setdefault(key, _write_insert(model, connection, fields))
    params = [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
    with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        (new_id,) = cursor.fetchone()
    obj.pk = new_id
    obj._state.adding = False
    obj._state.db = using
    return obj


_insert_sql: dict[tuple, str] = {}


def _write_insert(model: type[Model], connection, fields: list) -> str:
    quote = connection.ops.quote_name
    returning, _params = connection.ops.return_insert_columns([model._meta.auto_field])
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders}) {returning}"
