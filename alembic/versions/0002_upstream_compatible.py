"""Upstream-compatible schema: the nullability, server default and index
that upstream Placement 16.0.0 (revision a082b8bb98d0) has and 0001 lacked.

After this revision a database created by this service and one taken over
from upstream have the same schema, and upstream runs on either
(doc/operations.rst).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_TIMESTAMPED = ('allocations', 'consumer_types', 'consumers', 'inventories',
                'placement_aggregates', 'projects', 'resource_classes',
                'resource_provider_aggregates', 'resource_provider_traits',
                'resource_providers', 'traits', 'users')
# Nullable in upstream's schema (this service never writes NULL there).
_NULLABLE = {'resource_providers': (('name', sa.Unicode(200)),
                                    ('generation', sa.Integer())),
             'placement_aggregates': (('uuid', sa.String(36)),)}


def upgrade():
    for table in _TIMESTAMPED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column('created_at', existing_type=sa.DateTime(),
                               nullable=True)
            for name, type_ in _NULLABLE.get(table, ()):
                batch.alter_column(name, existing_type=type_, nullable=True)
            if table == 'consumers':
                batch.alter_column('generation', existing_type=sa.Integer(),
                                   existing_nullable=False,
                                   server_default=sa.text('0'))
    op.create_index('consumers_consumer_type_id_idx', 'consumers',
                    ['consumer_type_id'])


def downgrade():
    raise NotImplementedError('placement migrations only go forward')
