"""Who each socket connected to, remembered from the plugin's start (read by the network guard).

A replaying test may send on a socket connected before its block began: a module's, a
session fixture's (``harness.replay.network_guard`` checks such sends against the peer
remembered here). A socket connected before the plugin started (a debugger's, an IDE's)
has no peer here and is left alone.

Until the first block, connects are seen by wrapping ``socket.socket.connect`` and
``connect_ex`` (``watch_connects``, from when pytest registers the plugin, before any
conftest is imported, and again before each test); from the first block on, by
the guard's audit hook, which sees every connect. The hook is not installed earlier
because a Python audit hook is called for every audited event of the process (each
``import``, ``open``, ``id()``...): about 9 ms in a pytest run that uses no AWS, and more
in a large one. A connect made before the first block other than through Python's
``socket.socket`` (the C type ``_socket.socket`` called directly) is not remembered: a send
on that socket during replay is not checked.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

#: The address each socket connected to, by socket inode (an ``SSLSocket`` wraps the same
#: one), so a send on a socket connected before a block is checked like a connect.
_peers: dict[int, tuple[str, int | None]] = {}
_PEERS_KEPT = 16384
#: A parked socket's stand-in inode -> the real socket's (``harness.replay.parked_sockets``).
_stand_ins: dict[int, int] = {}
_lock = threading.Lock()


def watch_connects() -> None:
    """Remember the peer of every connect through ``socket.socket`` from now on.

    Idempotent and cheap: the plugin calls it when pytest registers it (before conftests
    are imported) and again before each test, because another plugin may put its own
    saved ``connect`` back between tests (pytest-socket does after every test)."""
    with _lock:
        for name in ("connect", "connect_ex"):
            current = getattr(socket.socket, name)
            if not getattr(current, "_botocore_harness_remembers", False):
                setattr(socket.socket, name, _remembering(current))


def _remembering(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def connect(self: Any, address: Any) -> Any:
        __tracebackhide__ = True
        remember(self, address)  # before: a non-blocking connect raises, yet connects
        return original(self, address)

    connect._botocore_harness_remembers = True  # type: ignore[attr-defined]
    return connect


def socket_id(sock: Any) -> int | None:
    """The socket's inode: the same for an ``SSLSocket`` made from it, unique while open
    (the real socket's while its descriptor is parked: ``harness.replay.parked_sockets``)."""
    try:
        fd = sock.fileno()
        found = os.fstat(fd).st_ino or None if fd >= 0 else None
    except (AttributeError, OSError, ValueError):
        return None
    return _stand_ins.get(found, found) if found is not None else None


def stand_in(stand_in_inode: int, real_inode: int | None) -> None:
    """The socket of ``stand_in_inode`` stands in for ``real_inode`` (None: no longer)."""
    if real_inode is None:
        _stand_ins.pop(stand_in_inode, None)
    else:
        _stand_ins[stand_in_inode] = real_inode


def host_text(host: Any) -> str:
    return host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)


def port_number(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None  # a service name ("http"): unknown port


def remember(sock: Any, address: Any) -> None:
    """Remember that ``sock`` (an internet socket) connected to ``address``."""
    if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
        return
    key = socket_id(sock)
    if key is None or not isinstance(address, tuple) or not address:
        return
    _peers.pop(key, None)
    _peers[key] = (host_text(address[0]), port_number(address[1] if len(address) > 1 else None))
    if len(_peers) > _PEERS_KEPT:
        with contextlib.suppress(KeyError, RuntimeError, StopIteration):  # a race: harmless
            del _peers[next(iter(_peers))]


def peer_of(key: int | None) -> tuple[str, int | None] | None:
    """The (host, port) the socket of inode ``key`` connected to, if a connect was seen."""
    return None if key is None else _peers.get(key)


def any_peers() -> bool:
    """Whether any internet socket's connect was seen (nothing to check or park when not)."""
    return bool(_peers)
