"""placement-status upgrade check [--json]: is this database ready for
(or after) an upgrade?

Exit status as oslo.upgradecheck's: 0 every check succeeded, 1 a warning,
2 a failure, 255 the checks could not run (an unreachable database, say).
Upstream's check names are kept where the check is the same.
"""
import sys

from oslo_config import cfg
from oslo_upgradecheck import common_checks
from oslo_upgradecheck import upgradecheck
import os_resource_classes
import os_traits
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import data_migrations
from placement.db import migration
from placement.db import tables
from placement.db import takeover
from placement import conf as placement_conf

Code = upgradecheck.Code
Result = upgradecheck.Result
_RUN_SYNC = "Run 'placement-manage db sync'."
_RUN_ONLINE = "Run 'placement-manage db online_data_migrations'."


class Checks(upgradecheck.UpgradeCommands):

    def __init__(self, conf):
        super().__init__()
        self.conf = conf
        self._engine = None

    def _connect(self):
        if self._engine is None:
            self._engine = db_api.Database(self.conf).engine
        return self._engine.connect()

    def _schema(self):
        with self._connect() as conn:
            ours = migration.current_version(conn)
            upstream = takeover.upstream_revision(conn)
            if ours is None and upstream is not None:
                found = takeover.problems(conn, upstream)
                if found:
                    return Result(Code.FAILURE, 'Upstream Placement database '
                                  'at revision %s that db sync cannot take '
                                  'over: %s.' % (upstream, '; '.join(found)))
                return Result(Code.FAILURE, 'Upstream Placement database at '
                              'revision %s, not taken over yet. %s'
                              % (upstream, _RUN_SYNC))
        head = migration.head_version()
        if ours is None:
            return Result(Code.FAILURE, 'The database has no placement '
                          'schema. ' + _RUN_SYNC)
        if ours != head:
            return Result(Code.FAILURE, 'The schema is at revision %s, not '
                          'at %s. %s' % (ours, head, _RUN_SYNC))
        if upstream != takeover.UPSTREAM_HEAD:
            return Result(Code.WARNING, 'alembic_version is at %s, not at '
                          'upstream Placement 16.0.0\'s %s: upstream would '
                          'try to migrate this database. %s' % (
                              upstream, takeover.UPSTREAM_HEAD, _RUN_SYNC))
        return Result(Code.SUCCESS, 'Schema at %s (upstream revision %s).'
                      % (ours, upstream))

    def _has_schema(self, conn):
        return sa.inspect(conn).has_table('resource_providers')

    def _missing_root_ids(self):
        with self._connect() as conn:
            if not self._has_schema(conn):
                return Result(Code.SUCCESS, 'No placement schema yet.')
            rp = tables.resource_providers
            count = conn.scalar(sa.select(sa.func.count()).where(
                rp.c.root_provider_id.is_(None)))
        if count:
            return Result(Code.FAILURE, '%d resource providers have no root '
                          'provider id. %s' % (count, _RUN_ONLINE))
        return Result(Code.SUCCESS)

    def _incomplete_consumers(self):
        conf = self.conf.placement
        with self._connect() as conn:
            if not self._has_schema(conn):
                return Result(Code.SUCCESS, 'No placement schema yet.')
            missing = data_migrations.count_incomplete_consumers(conn)
            placeholder = conn.scalar(
                sa.select(sa.func.count())
                .select_from(tables.consumers
                             .join(tables.projects, tables.projects.c.id ==
                                   tables.consumers.c.project_id)
                             .join(tables.users, tables.users.c.id ==
                                   tables.consumers.c.user_id))
                .where(sa.or_(
                    tables.projects.c.external_id ==
                    conf.incomplete_consumer_project_id,
                    tables.users.c.external_id ==
                    conf.incomplete_consumer_user_id)))
        if missing:
            return Result(Code.WARNING, '%d consumers have allocations but '
                          'no consumer record. %s' % (missing, _RUN_ONLINE))
        if placeholder:
            return Result(Code.SUCCESS, '%d consumers are owned by the '
                          'placeholder project or user of [placement] '
                          'incomplete_consumer_project_id/_user_id; their '
                          'next allocation write with a project and user '
                          'records the real owner.' % placeholder)
        return Result(Code.SUCCESS)

    def _standard_names(self):
        with self._connect() as conn:
            if not self._has_schema(conn):
                return Result(Code.SUCCESS, 'No placement schema yet.')
            classes = set(conn.scalars(sa.select(
                tables.resource_classes.c.name)))
            traits = set(conn.scalars(sa.select(tables.traits.c.name)))
        missing_classes = set(os_resource_classes.STANDARDS) - classes
        missing_traits = set(os_traits.get_traits()) - traits
        if missing_classes or missing_traits:
            return Result(Code.WARNING, '%d standard resource classes and %d '
                          'standard traits of the installed os-resource-'
                          'classes and os-traits are not in the database '
                          '(the API adds them on its first request). %s'
                          % (len(missing_classes), len(missing_traits),
                             _RUN_SYNC))
        return Result(Code.SUCCESS)

    def _consumer_types(self):
        with self._connect() as conn:
            if not self._has_schema(conn):
                return Result(Code.SUCCESS, 'No placement schema yet.')
            untyped = conn.scalar(sa.select(sa.func.count()).where(
                tables.consumers.c.consumer_type_id.is_(None)))
        if untyped:
            return Result(Code.SUCCESS, '%d consumers have no consumer type '
                          '(reported as "unknown" since microversion 1.38) '
                          'until their next allocation write names one.'
                          % untyped)
        return Result(Code.SUCCESS)

    def _policy_json(self):
        return common_checks.check_policy_json(self, self.conf)

    _upgrade_checks = (
        ('Database Schema', _schema),
        ('Missing Root Provider IDs', _missing_root_ids),
        ('Incomplete Consumers', _incomplete_consumers),
        ('Standard Resource Classes and Traits', _standard_names),
        ('Consumers Without Types', _consumer_types),
        ('Policy File JSON to YAML Migration', _policy_json),
    )


def main(argv=None):
    conf = placement_conf.prepare(cfg.ConfigOpts())
    return upgradecheck.main(
        conf, project='placement', upgrade_command=Checks(conf),
        argv=sys.argv[1:] if argv is None else argv,
        default_config_files=placement_conf.default_config_files())


if __name__ == '__main__':
    sys.exit(main())
