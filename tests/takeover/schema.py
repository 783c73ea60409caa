"""A database's schema as plain data, to compare two databases exactly.

``describe(url)`` reads tables, columns (type, nullability, default,
autoincrement), primary keys, unique constraints, foreign keys and indexes
through SQLAlchemy's inspector and returns them as sorted, comparable
structures. Columns are compared as a set (their order differs between
the two services and means nothing). MySQL reports a unique constraint as a
unique index too, which is kept; the index MySQL adds behind a foreign key
that no other index serves is named after the column or after the
constraint depending on how the key was added, and is reported as
``('<foreign key>', columns)``.
"""
import sqlalchemy as sa

# Version bookkeeping tables are compared separately.
VERSION_TABLES = ('alembic_version', 'placement_alembic_version')


def _type(column_type):
    return str(column_type).upper()


def _generated(engine, column):
    """Whether the database generates the column's values: AUTO_INCREMENT
    on MySQL, a sequence default on PostgreSQL (whose inspector says
    "autoincrement" of every integer primary key)."""
    if engine.dialect.name == 'postgresql':
        return 'nextval(' in str(column.get('default') or '')
    return column.get('autoincrement') is True


def _index_name(engine, index, fk_columns):
    columns = tuple(index['column_names'])
    implicit = (index['name'] == columns[0] or
                index['name'].endswith('_fkey'))
    if engine.dialect.name == 'mysql' and columns in fk_columns and implicit:
        return '<foreign key>'
    return index['name']


def describe(url, skip=VERSION_TABLES):
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        schema = {}
        for table in sorted(inspector.get_table_names()):
            if table in skip:
                continue
            columns = sorted(
                (c['name'], _type(c['type']), bool(c['nullable']),
                 str(c.get('default')) if c.get('default') is not None
                 else None, _generated(engine, c))
                for c in inspector.get_columns(table))
            pk = tuple(inspector.get_pk_constraint(table)[
                'constrained_columns'])
            uniques = sorted(
                (u['name'], tuple(u['column_names']))
                for u in inspector.get_unique_constraints(table))
            fks = sorted(
                (tuple(f['constrained_columns']), f['referred_table'],
                 tuple(f['referred_columns']))
                for f in inspector.get_foreign_keys(table))
            fk_columns = {f[0] for f in fks}
            indexes = sorted(
                (_index_name(engine, i, fk_columns),
                 tuple(i['column_names']), bool(i['unique']))
                for i in inspector.get_indexes(table))
            schema[table] = {'columns': columns, 'primary_key': pk,
                             'unique': uniques, 'foreign_keys': fks,
                             'indexes': indexes}
        return schema
    finally:
        engine.dispose()


def differences(a, b):
    """Human-readable lines saying where schema ``a`` and ``b`` differ."""
    lines = []
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            lines.append('%s: only in %s' % (table, 'b' if table in b
                                                 else 'a'))
            continue
        for key in a[table]:
            if a[table][key] != b[table][key]:
                lines.append('%s.%s:\n  a=%r\n  b=%r' % (
                    table, key, a[table][key], b[table][key]))
    return lines
