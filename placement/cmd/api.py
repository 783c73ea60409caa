"""placement-api: serve the API on gunicorn.

    placement-api [--host H] [--port P] [--workers N] [--threads T]
                  [--timeout S] [--access-log F]
                  [gunicorn settings: --limit-request-line N ...]
                  [--config-file F ...] [--config-dir D]

Without --config-file, placement.conf is found as the WSGI entry point finds
it (OS_PLACEMENT_CONFIG_DIR, then oslo.config's default locations);
OS_<GROUP>__<OPTION> environment variables apply either way. Each worker
process builds its own application (and database pool) after the fork; with
sync_on_startup the workers agree through a database lock on who migrates.

The gunicorn settings in GUNICORN_SETTINGS are taken on the command line as
gunicorn spells them; any gunicorn setting can also be given in
GUNICORN_CMD_ARGS, as for gunicorn itself. Precedence: the command line,
then GUNICORN_CMD_ARGS, then placement's defaults (PLACEMENT_DEFAULTS).
Everything else on the command line is for oslo.config, and is checked
before gunicorn starts: a wrong option stops placement-api at once instead
of making every worker fail to boot.
"""
import argparse
import os
import shutil
import sys
import tempfile

from gunicorn.app import base as gunicorn_base
from gunicorn import config as gunicorn_config
from oslo_config import cfg

from placement import conf as placement_conf
from placement import gunicorn_errors

# gunicorn settings offered by placement-api itself (by gunicorn's name;
# the flag is gunicorn's own, e.g. --limit-request-line).
GUNICORN_SETTINGS = (
    'limit_request_line', 'limit_request_fields', 'limit_request_field_size',
    'graceful_timeout', 'keepalive', 'max_requests', 'max_requests_jitter',
    'backlog', 'forwarded_allow_ips',
)

PLACEMENT_DEFAULTS = {
    'workers': int(os.environ.get('WEB_CONCURRENCY', 1)),
    'threads': 1,
    'timeout': 120,
    # gunicorn's maximum, where its default is 4094: clients put long
    # lists in query strings (nova: member_of with every aggregate of a
    # host, 37 bytes per aggregate).
    'limit_request_line': 8190,
    # Several servers on one host must not share a control socket.
    'control_socket_disable': True,
    'proc_name': 'placement-api',
}


class PlacementServer(gunicorn_base.BaseApplication):

    def __init__(self, options, oslo_argv):
        self.options = options
        self.oslo_argv = oslo_argv
        super().__init__()

    def load_config(self):
        for key, value in PLACEMENT_DEFAULTS.items():
            self.cfg.set(key, value)
        from_env = self.cfg.parser().parse_args(
            self.cfg.get_cmd_args_from_env())
        for key, value in vars(from_env).items():
            if key != 'args' and value is not None:
                self.cfg.set(key, value)
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self):
        # Imported in the worker, after main() chose the metrics mode:
        # prometheus-client reads PROMETHEUS_MULTIPROC_DIR when imported.
        from placement.wsgi import app as wsgi_app
        return wsgi_app.init_application(self.oslo_argv)


def _metrics_options(conf):
    """gunicorn hooks for prometheus-client's multi-process mode: a
    directory for the workers' values (a private one unless
    PROMETHEUS_MULTIPROC_DIR names one), emptied at start; an exited
    worker's live gauges dropped; with [metrics] serve = port, the
    listener in the master, which outlives every worker."""
    if conf.metrics.serve == 'none':
        return {}
    private = None
    if not os.environ.get('PROMETHEUS_MULTIPROC_DIR'):
        private = tempfile.mkdtemp(prefix='placement-metrics-')
        os.environ['PROMETHEUS_MULTIPROC_DIR'] = private
    from placement import metrics

    def on_starting(server):
        metrics.clear_multiprocess_dir()

    def when_ready(server):
        if conf.metrics.serve == 'port':
            metrics.serve_on_port(conf)

    def child_exit(server, worker):
        metrics.worker_exited(worker.pid)

    def on_exit(server):
        if private:
            shutil.rmtree(private, ignore_errors=True)

    return {'on_starting': on_starting, 'when_ready': when_ready,
            'child_exit': child_exit, 'on_exit': on_exit}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog='placement-api', allow_abbrev=False,
        description='Serve the placement API with gunicorn. Options not '
                    'listed here are oslo.config options (--config-file, '
                    '--config-dir, --debug, --log-file ...).')
    parser.add_argument('--host', default='127.0.0.1',
                        help='Address to listen on (default 127.0.0.1; '
                             '0.0.0.0 for all interfaces).')
    parser.add_argument('--port', type=int, default=8778,
                        help='Port to listen on (default 8778).')
    parser.add_argument('--workers', type=int,
                        help='Worker processes (default $WEB_CONCURRENCY '
                             'or 1).')
    parser.add_argument('--threads', type=int,
                        help='Threads per worker (default 1).')
    parser.add_argument('--timeout', type=int,
                        help='Seconds before a silent worker is restarted '
                             '(default 120).')
    parser.add_argument('--access-log', dest='accesslog',
                        help="Access log file ('-' for stdout).")
    settings = gunicorn_config.make_settings()
    group = parser.add_argument_group(
        'gunicorn settings',
        'Passed to gunicorn as they are (placement-api default in '
        'brackets where it differs: --limit-request-line [8190]); others '
        'through GUNICORN_CMD_ARGS.')
    for name in GUNICORN_SETTINGS:
        settings[name].add_option(group)
    return parser.parse_known_args(argv)


def main(argv=None):
    args, oslo_argv = parse_args(argv)
    # Fail here, once, on what oslo.config refuses (unknown options,
    # missing config files) rather than in every worker, forever.
    try:
        conf = placement_conf.load(oslo_argv)
    except cfg.Error as exc:
        sys.exit('placement-api: error: %s' % exc)
    options = vars(args)
    options['bind'] = '%s:%d' % (options.pop('host'), options.pop('port'))
    options.update(_metrics_options(conf))
    gunicorn_errors.install()
    PlacementServer(options, oslo_argv).run()


if __name__ == '__main__':
    main()
