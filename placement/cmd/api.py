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
import shutil
import tempfile

from gunicorn.app import base as gunicorn_base

from placement import conf as placement_conf
from placement import gunicorn_errors


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
        # Imported in the worker, after main() chose the metrics mode:
        # prometheus-client reads PROMETHEUS_MULTIPROC_DIR when imported.
        from placement.wsgi import app as wsgi_app
        return wsgi_app.init_application(self.oslo_argv)


def _metrics_options(oslo_argv):
    """gunicorn hooks for prometheus-client's multi-process mode: a
    directory for the workers' values (a private one unless
    PROMETHEUS_MULTIPROC_DIR names one), emptied at start; an exited
    worker's live gauges dropped; with [metrics] serve = port, the
    listener in the master, which outlives every worker."""
    conf = placement_conf.load(oslo_argv)
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
    options.update(_metrics_options(oslo_argv))
    gunicorn_errors.install()
    PlacementServer(options, oslo_argv).run()


if __name__ == '__main__':
    main()
