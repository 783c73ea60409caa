"""Upstream Placement's databases: recognise them, take them over in place,
and keep them usable by upstream.

Upstream OpenStack Placement records its schema revision in the table
``alembic_version``; this service records its own in
``placement_alembic_version``. A database with the first and without the
second was created by upstream: ``adopt()`` brings it from whichever
upstream release revision it is at to this service's schema (revision
ADOPTED_REVISION of this project's migrations), keeping every row, and
then this project's own migrations continue from there.

The way back: this service's schema stays upstream's (plus foreign keys and
wider indexes that upstream's writes satisfy), and ``alembic_version`` is
kept at UPSTREAM_HEAD on every database this service migrates, so that
upstream 16.0.0's ``placement-manage db sync`` finds nothing to do and
upstream runs on the database as it is.
"""
from alembic import migration as alembic_migration
from alembic import operations as alembic_operations
import sqlalchemy as sa

from placement.db import data_migrations
from placement.db import tables

UPSTREAM_VERSION_TABLE = 'alembic_version'
# Upstream's released revisions, oldest first (16.0.0 is at the last).
UPSTREAM_REVISIONS = ('b4ed3a175331',  # initial schema
                      '611cd6dffd7b',  # requires root provider ids
                      'b5c396305c25',  # requires consumer records
                      '422ece571366',  # consumer types
                      'a082b8bb98d0')  # drops indexes duplicating uniques
UPSTREAM_HEAD = UPSTREAM_REVISIONS[-1]
# This project's revision whose schema an adopted database has.
ADOPTED_REVISION = '0002'

# Indexes that upstream revisions before a082b8bb98d0 have, each covered by
# a unique constraint.
_REDUNDANT_INDEXES = (
    ('inventories', 'inventories_resource_provider_id_idx'),
    ('inventories', 'inventories_resource_provider_resource_class_idx'),
    ('placement_aggregates', 'ix_placement_aggregates_uuid'),
    ('resource_providers', 'resource_providers_name_idx'),
    ('resource_providers', 'resource_providers_uuid_idx'),
)
# Indexes of upstream's name to which this schema adds a column.
_WIDER_INDEXES = (
    ('inventories', 'inventories_resource_class_id_idx',
     ('resource_class_id', 'resource_provider_id')),
    ('resource_provider_aggregates',
     'resource_provider_aggregates_aggregate_id_idx',
     ('aggregate_id', 'resource_provider_id')),
)
# Foreign keys this schema adds: (table, column, referred table).
_ADDED_FOREIGN_KEYS = (
    ('allocations', 'resource_provider_id', 'resource_providers'),
    ('inventories', 'resource_provider_id', 'resource_providers'),
    ('resource_provider_aggregates', 'resource_provider_id',
     'resource_providers'),
    ('resource_provider_aggregates', 'aggregate_id', 'placement_aggregates'),
    ('consumers', 'project_id', 'projects'),
    ('consumers', 'user_id', 'users'),
)

_upstream_version = sa.Table(
    UPSTREAM_VERSION_TABLE, sa.MetaData(),
    sa.Column('version_num', sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint('version_num', name='alembic_version_pkc'))


class TakeoverRefused(Exception):
    """The database cannot be taken over as it is; nothing was changed."""


def upstream_revision(conn):
    """The revision in upstream's ``alembic_version``, or None."""
    if not sa.inspect(conn).has_table(UPSTREAM_VERSION_TABLE):
        return None
    return conn.scalar(sa.select(_upstream_version.c.version_num))


def problems(conn, revision):
    """Why a database at upstream ``revision`` cannot be adopted ([] if it
    can): an unknown (newer) revision, or rows that the added foreign keys
    would reject."""
    if revision not in UPSTREAM_REVISIONS:
        return ['the database is at upstream revision %s, which is not one '
                'of upstream Placement 16.0.0 (%s): it was migrated by a '
                'newer upstream release' % (revision,
                                            ', '.join(UPSTREAM_REVISIONS))]
    found = []
    for table, column, referred in _ADDED_FOREIGN_KEYS:
        child = tables.metadata.tables[table]
        parent = tables.metadata.tables[referred]
        orphans = conn.scalar(
            sa.select(sa.func.count()).select_from(
                child.outerjoin(parent, parent.c.id == child.c[column]))
            .where(parent.c.id.is_(None)))
        if orphans:
            found.append('%d rows of %s refer to a %s.id that does not '
                         'exist (%s.%s)' % (orphans, table, referred, table,
                                            column))
    return found


def adopt(conn, revision, conf=None):
    """Bring an upstream database at ``revision`` to this service's schema
    at ADOPTED_REVISION. Checks first and changes nothing if it refuses;
    on PostgreSQL and SQLite the whole takeover is one transaction."""
    found = problems(conn, revision)
    if found:
        raise TakeoverRefused('cannot take over this upstream Placement '
                              'database: ' + '; '.join(found))
    position = UPSTREAM_REVISIONS.index(revision)
    ops = alembic_operations.Operations(
        alembic_migration.MigrationContext.configure(conn))
    # The data that upstream's revisions 611cd6dffd7b and b5c396305c25
    # demand (they refuse to run without it), and that a database kept at
    # head may still hold from before: fixed, never dropped.
    for _name, migrate in data_migrations.ONLINE_MIGRATIONS:
        migrate(conn, None, conf)
    if position < UPSTREAM_REVISIONS.index('422ece571366'):
        _add_consumer_types(ops)
    present = _index_names(conn)
    if position < UPSTREAM_REVISIONS.index('a082b8bb98d0'):
        for table, index in _REDUNDANT_INDEXES:
            if index in present[table]:
                ops.drop_index(index, table_name=table)
    for table, index, columns in _WIDER_INDEXES:
        if index in present[table]:
            ops.drop_index(index, table_name=table)
        ops.create_index(index, table, list(columns))
    for table, column, referred in _ADDED_FOREIGN_KEYS:
        with ops.batch_alter_table(table) as batch:
            batch.create_foreign_key('%s_%s_fkey' % (table, column),
                                     referred, [column], ['id'])
    _stamp_ours(conn)


def _add_consumer_types(ops):
    ops.create_table(
        'consumer_types',
        sa.Column('created_at', sa.DateTime(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.Unicode(255), nullable=False),
        sa.UniqueConstraint('name', name='uniq_consumer_types0name'))
    with ops.batch_alter_table('consumers') as batch:
        batch.add_column(sa.Column('consumer_type_id', sa.Integer(),
                                   nullable=True))
        batch.create_foreign_key('consumers_consumer_type_id_fkey',
                                 'consumer_types', ['consumer_type_id'],
                                 ['id'])
    ops.create_index('consumers_consumer_type_id_idx', 'consumers',
                     ['consumer_type_id'])


def _index_names(conn):
    inspector = sa.inspect(conn)
    return {table: {index['name'] for index in inspector.get_indexes(table)}
            for table in inspector.get_table_names()}


def _stamp_ours(conn):
    # Imported here: placement.db.migration imports this module.
    from placement.db import migration
    ctx = alembic_migration.MigrationContext.configure(
        conn, opts={'version_table': migration.VERSION_TABLE})
    ctx.stamp(migration.script_directory(), ADOPTED_REVISION)


def keep_upstream_row(conn):
    """Leave ``alembic_version`` at UPSTREAM_HEAD (creating it on a
    database this service created), so that upstream's db sync has
    nothing to do on it."""
    _upstream_version.create(conn, checkfirst=True)
    current = conn.scalar(sa.select(_upstream_version.c.version_num))
    if current == UPSTREAM_HEAD:
        return
    conn.execute(_upstream_version.delete())
    conn.execute(_upstream_version.insert().values(version_num=UPSTREAM_HEAD))
