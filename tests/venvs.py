"""Throwaway virtualenvs for test-only software (upstream Placement as an
oracle, the client projects whose own tests run against this service).

``ensure_venv(path, steps)`` creates the venv at ``path`` and runs each
install step once, under a file lock so that concurrent test processes
install it once; a marker file names what was installed, and a venv whose
marker differs (other versions, another checkout) is filled again.
"""
import fcntl
import os
import subprocess
import sys

MARKER = '.placement-test-venv'


def cache_path(*parts):
    return os.path.join(os.path.expanduser('~'), '.cache', *parts)


def ensure_venv(path, steps, after=None):
    """The venv at ``path`` with every ``steps`` (lists of ``pip install``
    arguments) installed; ``after(path)`` runs once after them."""
    wanted = '\n'.join(' '.join(step) for step in steps) + '\n'
    marker = os.path.join(path, MARKER)

    def done():
        try:
            with open(marker) as f:
                return f.read() == wanted
        except OSError:
            return False
    if done():
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + '.lock', 'a+') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done():
            return path
        python = os.path.join(path, 'bin', 'python')
        if not os.path.exists(python):
            subprocess.run([sys.executable, '-m', 'venv', path], check=True)
        for step in steps:
            subprocess.run([python, '-m', 'pip', 'install', '-q',
                            '--disable-pip-version-check'] + step,
                           check=True)
        if after is not None:
            after(path)
        with open(marker, 'w') as f:
            f.write(wanted)
    return path
