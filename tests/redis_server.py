"""A throw-away ``redis-server`` for tests and benchmarks.

``redis_client`` (a pytest fixture, module scope) starts
``redis-server --port <free port> --bind 127.0.0.1 --save '' --appendonly no``
as a subprocess, waits until it answers PING, yields a ``redis.Redis`` client
and terminates the server afterwards. Tests that use it skip, with the reason,
when the ``redis-server`` binary or the ``redis`` Python package is missing.
``start_server()`` is the same thing as a context manager, for scripts.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

STARTUP_TIMEOUT_S = 10.0


def unavailable_reason() -> str:
    """Why a Redis server cannot be started here ("" when it can)."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed (apt-get install redis-server)"
    try:
        import redis  # noqa: F401
    except ImportError:
        return "the redis Python package is not installed (pip install redis)"
    return ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def start_server() -> Iterator[Any]:
    """Start a private redis-server; yield a connected ``redis.Redis``; stop it on exit."""
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    import redis

    port = _free_port()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    cmd += ["--save", "", "--appendonly", "no"]  # no disk: the data is throw-away
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"redis-server exited with {proc.returncode}: {err}")
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer PING within {STARTUP_TIMEOUT_S}s")
            time.sleep(0.02)
        yield client
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture(scope="module")
def redis_client() -> Iterator[Any]:
    """A ``redis.Redis`` connected to a fresh server (skips when none can be started)."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with start_server() as client:
        yield client
