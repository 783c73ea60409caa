"""Real server processes and a cuttable TCP link for the operational tests.

``Server`` runs a command (``placement-api``, ``gunicorn``, ...) in its own
process group with an environment of ``OS_*`` settings, waits until it
answers, and stops the whole group. ``TcpProxy`` forwards a local port to
a database server and can cut and restore that link, which is how the
tests take the database away from a running service without touching the
database server itself.
"""
import http.client
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.path.dirname(sys.executable)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def clean_environ(**settings):
    """The test process's environment without OS_* variables, plus
    ``settings`` (names without the OS_ prefix: PLACEMENT_DATABASE__...)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update({'OS_' + k: str(v) for k, v in settings.items()})
    # Nothing of the developer's own placement.conf leaks into a test.
    env.setdefault('OS_PLACEMENT_CONFIG_DIR', tempfile.gettempdir())
    return env


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return '<Response %s %r>' % (self.status, self.body[:300])


def request(port, method, path, body=None, headers=None, timeout=30):
    """One HTTP request on a new connection (so that it can land on any
    worker); admin token and the latest microversion by default."""
    all_headers = {'X-Auth-Token': 'admin', 'Accept': 'application/json',
                   'OpenStack-API-Version': 'placement latest'}
    all_headers.update(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body)
        all_headers['Content-Type'] = 'application/json'
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=all_headers)
        resp = conn.getresponse()
        return Response(resp.status, dict(resp.getheaders()), resp.read())
    finally:
        conn.close()


class ServerDied(Exception):
    pass


class Server:
    """A service process started from ``argv`` with ``{port}`` replaced."""

    def __init__(self, argv, env, log_dir):
        self.port = free_port()
        self.argv = [a.replace('{port}', str(self.port)) for a in argv]
        self.env = env
        self.log_path = os.path.join(log_dir, 'server-%d.log' % self.port)
        self.proc = None

    def start(self):
        self._log = open(self.log_path, 'wb')
        self.proc = subprocess.Popen(
            self.argv, env=self.env, stdout=self._log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        return self

    def log(self):
        with open(self.log_path, errors='replace') as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def wait_until(self, predicate, timeout, what):
        """Poll ``predicate()`` until it is true; fail if the process died
        or time ran out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise ServerDied('%s exited with %s while waiting for %s:\n%s'
                                 % (self.argv[0], self.proc.returncode,
                                    what, self.log()[-3000:]))
            try:
                if predicate():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError('timed out after %ss waiting for %s; log:\n%s'
                             % (timeout, what, self.log()[-3000:]))

    def wait_ready(self, timeout=60):
        self.wait_until(lambda: self.get('/', timeout=5).status == 200,
                        timeout, 'GET / to answer 200')
        return self

    def get(self, path, **kw):
        return request(self.port, 'GET', path, **kw)

    def post(self, path, body, **kw):
        return request(self.port, 'POST', path, body=body, **kw)

    def stop(self):
        if self.proc is None:
            return
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        # Workers left behind by a master that died are in the group too.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log.close()


class TcpProxy:
    """Forwards 127.0.0.1:<port> to ``target``; ``cut()`` refuses new
    connections and resets the open ones, ``restore()`` undoes it. The
    port stays the same, as a database that comes back would."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._conns = set()
        self._listener = None
        self._thread = None

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('127.0.0.1', self.port))
        listener.listen(64)
        self._listener = listener
        self._thread = threading.Thread(target=self._accept_loop,
                                        args=(listener,), daemon=True)
        self._thread.start()
        return self

    restore = start

    def _accept_loop(self, listener):
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst),
                                 daemon=True).start()

    def _pump(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._close(src)
            self._close(dst)

    def _close(self, sock):
        with self._lock:
            self._conns.discard(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def cut(self):
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close()
            # alone does not.
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
            self._thread.join(timeout=5)
        with self._lock:
            conns = list(self._conns)
        for sock in conns:
            # An abortive close (RST), like a database host that vanished.
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack('ii', 1, 0))
            except OSError:
                pass
            self._close(sock)

    stop = cut
