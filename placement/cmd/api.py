"""placement-api: serve the API on gunicorn.

    placement-api [--host H] [--port P] [--workers N] [--threads T]
                  [--config-file F ...] [--config-dir D]

Without --config-file, placement.conf is found as the WSGI entry point finds
it (OS_PLACEMENT_CONFIG_DIR, then oslo.config's default locations);
OS_<GROUP>__<OPTION> environment variables apply either way. Each worker
process builds its own application (and database pool) after the fork; with
sync_on_startup the workers agree through a database lock on who migrates.
"""
import argparse
import os

from gunicorn.app import base as gunicorn_base

from placement import gunicorn_errors
from placement.wsgi import app as wsgi_app


class PlacementServer(gunicorn_base.BaseApplication):

    def __init__(self, options, oslo_argv):
        self.options = options
        self.oslo_argv = oslo_argv
        super().__init__()

    def load_config(self):
        settings = self.cfg.settings
        for key, value in self.options.items():
            if key in settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        return wsgi_app.init_application(self.oslo_argv)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog='placement-api',
        description='Serve the placement API with gunicorn.')
    parser.add_argument('--host', default='127.0.0.1',
                        help='Address to listen on (default 127.0.0.1; '
                             '0.0.0.0 for all interfaces).')
    parser.add_argument('--port', type=int, default=8778,
                        help='Port to listen on (default 8778).')
    parser.add_argument('--workers', type=int,
                        default=int(os.environ.get('WEB_CONCURRENCY', 1)),
                        help='Worker processes (default $WEB_CONCURRENCY '
                             'or 1).')
    parser.add_argument('--threads', type=int, default=1,
                        help='Threads per worker (default 1).')
    parser.add_argument('--timeout', type=int, default=120,
                        help='Seconds before a silent worker is restarted.')
    parser.add_argument('--access-log', default=None,
                        help="Access log file ('-' for stdout).")
    return parser.parse_known_args(argv)


def main(argv=None):
    args, oslo_argv = parse_args(argv)
    options = {
        'bind': '%s:%d' % (args.host, args.port),
        'workers': args.workers,
        'threads': args.threads,
        'timeout': args.timeout,
        'accesslog': args.access_log,
        # Several servers on one host must not share a control socket.
        'control_socket_disable': True,
        'proc_name': 'placement-api',
    }
    gunicorn_errors.install()
    PlacementServer(options, oslo_argv).run()


if __name__ == '__main__':
    main()
