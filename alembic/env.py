"""Alembic environment for the placement schema.

Run through ``placement-manage db sync`` (or sync_on_startup), which passes
an open connection in ``config.attributes['connection']``; ``alembic`` on
the command line works too with ``-x url=...`` or sqlalchemy.url set.
"""
from alembic import context
import sqlalchemy as sa

from placement.db import tables

config = context.config
VERSION_TABLE = 'placement_alembic_version'


def _configure_and_run(connection):
    context.configure(connection=connection,
                      target_metadata=tables.metadata,
                      version_table=VERSION_TABLE,
                      render_as_batch=connection.dialect.name == 'sqlite',
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = config.attributes.get('connection')
    if connection is not None:
        _configure_and_run(connection)
        return
    url = (context.get_x_argument(as_dictionary=True).get('url') or
           config.get_main_option('sqlalchemy.url'))
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        _configure_and_run(connection)


def run_migrations_offline():
    context.configure(url=config.get_main_option('sqlalchemy.url'),
                      target_metadata=tables.metadata,
                      version_table=VERSION_TABLE,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
