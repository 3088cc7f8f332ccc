"""Ports for the servers the tests start, never chosen by chance.

Asking the kernel for a free port (bind to port 0, close, hand the number on) races:
the number comes from the ephemeral range, the same pool the kernel draws the source
port of every outgoing connection from, so between the probe and the server's own bind
any connection on the machine may take it. Here ports come from a fixed pool below
the ephemeral range, in order (one run never hands out the same port twice), each
checked free at the moment it is handed out. Concurrent runs on one machine (two
clones testing at once) start at different places in the pool.
"""

from __future__ import annotations

import itertools
import os
import socket
from pathlib import Path

POOL_START = 20_000
POOL_SIZE = 10_000
_STRIDE = 500  # ports a run may use before it reaches the next run's start


def _ephemeral_start() -> int:
    try:
        low = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0]
        return int(low)
    except (OSError, ValueError, IndexError):
        return 32_768


def _pool() -> range:
    end = min(POOL_START + POOL_SIZE, _ephemeral_start())
    return range(POOL_START, end)


_POOL = _pool()
_offset = (os.getpid() % max(len(_POOL) // _STRIDE, 1)) * _STRIDE
_order = itertools.count()


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """The next port of this run's share of the pool that nothing listens on."""
    for _ in range(len(_POOL)):
        port = _POOL[(_offset + next(_order)) % len(_POOL)]
        if _is_free(port):
            return port
    raise RuntimeError("no free port left in the test pool")
