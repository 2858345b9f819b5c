"""No network while a test replays: every socket connect and DNS lookup fails, naming its host.

Replay answers botocore from the cassette (``harness.recorder``) and other HTTP clients
through vcrpy (``harness.other_http``); anything that still reaches for the network — a
request no cassette answers, a library vcrpy does not patch, a raw socket, a DNS lookup —
is a test that is not offline. ``block_network()`` turns such attempts into a failure
(``NetworkBlocked``) naming host and port, unless the host is allowed.

It uses one audit hook (``sys.addaudithook``: ``socket.connect``, ``socket.getaddrinfo``,
``socket.gethostbyname``, ...), installed on first use and inert while no block is active
(audit hooks cannot be removed). Raising from an audit hook stops the call before any packet
leaves, in every thread, for every library (asyncio's resolver threads too). Unix sockets are
never blocked: they are not the network.

Allowed hosts are names or addresses, optionally ``host:port``, with ``*`` globs
(``*.internal``); ``loopback`` stands for ``localhost``, ``127.0.0.0/8`` and ``::1``.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import socket
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.errors import HarnessAssertionError, HarnessUsageError

LOOPBACK = "loopback"
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")

_EVENTS = {
    "socket.connect": "connect to",
    "socket.sendto": "send a datagram to",
    "socket.getaddrinfo": "look up",
    "socket.gethostbyname": "look up",
    "socket.gethostbyname_ex": "look up",
    "socket.gethostbyaddr": "look up",
    "socket.getnameinfo": "look up",
}


class NetworkBlocked(HarnessAssertionError):
    """A connect or DNS lookup during replay (the test fails, naming ``host`` and ``port``)."""

    def __init__(self, message: str, *, host: str, port: int | None, action: str) -> None:
        super().__init__(message)
        self.host = host
        self.port = port
        self.action = action


@dataclass(frozen=True)
class Allowed:
    """Hosts a replaying test may still reach: ``(pattern, port or None)`` pairs."""

    entries: tuple[tuple[str, int | None], ...] = ()
    loopback: bool = False

    @classmethod
    def parse(cls, values: Iterable[str], where: str) -> Allowed:
        """Parse ``host``, ``host:port``, ``[v6]:port``, globs and ``loopback``."""
        entries: list[tuple[str, int | None]] = []
        loopback = False
        for value in values:
            for word in str(value).replace(",", " ").split():
                if word.lower() == LOOPBACK:
                    loopback = True
                    continue
                entries.append(_host_port(word, where))
        return cls(tuple(entries), loopback)

    def __add__(self, other: Allowed) -> Allowed:
        return Allowed(self.entries + other.entries, self.loopback or other.loopback)

    def allows(self, host: str, port: int | None) -> bool:
        """True when ``host`` (a name or address) and ``port`` are allowed."""
        host = host.lower().strip("[]")
        if self.loopback and _is_loopback(host):
            return True
        for pattern, wanted in self.entries:
            if wanted is not None and port is not None and wanted != port:
                continue
            if fnmatch.fnmatchcase(host, pattern):
                return True
        return False


def _host_port(word: str, where: str) -> tuple[str, int | None]:
    host, port = word, None
    if word.startswith("["):  # [::1]:8080
        end = word.find("]")
        host, rest = word[1:end], word[end + 1 :]
        port_text = rest[1:] if rest.startswith(":") else None
    elif word.count(":") == 1:
        host, port_text = word.split(":")
    else:
        port_text = None
    if port_text is not None:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise HarnessUsageError(
                f"Cannot read allowed host {word!r} from {where}: the port must be a number "
                "1..65535. Write host, host:port, [v6 address]:port or 'loopback'."
            )
        port = int(port_text)
    if not host:
        raise HarnessUsageError(
            f"Cannot read allowed host {word!r} from {where}: no host. Write host, host:port, "
            "[v6 address]:port or 'loopback'."
        )
    return host.lower(), port


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


@dataclass
class _Block:
    allowed: Allowed
    why: str
    violations: list[NetworkBlocked] = field(default_factory=list)


_lock = threading.Lock()
_blocks: list[_Block] = []
_installed = False


@contextmanager
def block_network(allowed: Allowed = Allowed(), why: str = "") -> Iterator[list[NetworkBlocked]]:
    """Fail every connect and DNS lookup to a host not in ``allowed`` while the block runs.

    Yields the list of attempts blocked so far (a test that swallowed the error still sees
    it there). ``why`` ends each message (what the user can do about it).
    """
    global _installed
    block = _Block(_resolved(allowed), why)
    with _lock:
        if not _installed:
            sys.addaudithook(_audit)
            _installed = True
        _blocks.append(block)
    try:
        yield block.violations
    finally:
        with _lock:
            _blocks.remove(block)


def _resolved(allowed: Allowed) -> Allowed:
    """``allowed`` plus the addresses its plain host names resolve to now (before blocking):
    a connect names an address, not the name the code looked up."""
    extra: list[tuple[str, int | None]] = []
    for host, port in allowed.entries:
        if any(c in host for c in "*?[") or _is_address(host):
            continue
        try:
            infos = socket.getaddrinfo(host, port)
        except OSError:
            continue
        extra += [(str(info[4][0]).lower(), port) for info in infos]
    return Allowed(allowed.entries + tuple(extra), allowed.loopback)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Called for every audited event in the process: return at once for the others.
    __tracebackhide__ = True
    if not _blocks or event not in _EVENTS:
        return
    target = _target(event, args)
    if target is None:
        return
    host, port = target
    with _lock:
        blocks = list(_blocks)
    for block in blocks:
        if block.allowed.allows(host, port):
            continue
        action = _EVENTS[event]
        where = f"{host}:{port}" if port is not None else host
        error = NetworkBlocked(
            f"Network blocked during replay: the test tried to {action} {where} "
            f"({event}). Replay answers AWS and HTTP requests from the cassette and opens no "
            f"socket for anything else.{(' ' + block.why) if block.why else ''}",
            host=host,
            port=port,
            action=action,
        )
        block.violations.append(error)
        raise error


def _target(event: str, args: tuple[Any, ...]) -> tuple[str, int | None] | None:
    """The (host, port) an audited event reaches for, or None when it is not the network."""
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return None  # Unix sockets, netlink...: not the network
        if not isinstance(address, tuple) or not address:
            return None
        return str(address[0]), _port(address[1] if len(address) > 1 else None)
    if event == "socket.getaddrinfo":
        host, port = args[0], args[1]
        if host is None:
            return None  # a passive lookup (bind to any address): no name resolved
        host = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
        if _is_address(host.split("%")[0]):
            return None  # a numeric address resolves without DNS: its connect is checked
        return host, _port(port)
    if event == "socket.getnameinfo":
        address = args[0]
        return (str(address[0]), _port(address[1])) if isinstance(address, tuple) else None
    return str(args[0]), None  # gethostbyname(_ex), gethostbyaddr


def _port(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None  # a service name ("http"): unknown port


__all__ = ["LOOPBACK", "Allowed", "NetworkBlocked", "block_network"]
