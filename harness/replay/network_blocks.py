"""What a network block is, shared by the guard (``harness.replay.network_guard``) and its
child-process half (``harness.replay.child_guard``): the hosts it allows (``Allowed``), what
it stopped (``NetworkBlocked``, collected in ``Violations``), and the blocks live in this
process (``running_blocks``, under ``blocks_lock``).

Allowed hosts are names or addresses, optionally ``host:port``, with ``*`` globs
(``*.internal``); ``loopback`` stands for ``localhost``, ``127.0.0.0/8`` and ``::1``.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import HarnessAssertionError, HarnessUsageError
from harness.replay.parked_sockets import Parked

LOOPBACK = "loopback"
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")

EVENTS = {
    "socket.connect": "connect to",
    "socket.sendto": "send a datagram to",
    "socket.sendmsg": "send a message to",
    "socket.send": "send to",  # not an audit event: the send methods' own check
    "descriptor.write": "write to",  # not an event: found in a parked socket afterwards
    "socket.getaddrinfo": "look up",
    "socket.gethostbyname": "look up",
    "socket.gethostbyname_ex": "look up",
    "socket.gethostbyaddr": "look up",
    "socket.getnameinfo": "look up",
    "ctypes.dlsym": "look up the C network function",
    "ctypes.dlsym/handle": "look up the C network function",
    "ctypes.call_function": "call the C network function",
}

#: The file of a child guard folder whose presence keeps the block live in child processes.
GUARD_FILE = "guard.json"


class NetworkBlocked(HarnessAssertionError):
    """A connect, send or DNS lookup during replay (the test fails, naming ``host`` and
    ``port``; for ctypes, ``host`` is the C function's name)."""

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
        if self.loopback and is_loopback(host):
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


def is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


class Violations(list[NetworkBlocked]):
    """What a block stopped: in this process as it happens, from its child processes on
    ``gather()`` (they write one report file each to the block's child guard folder)."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self._folder = folder
        self._read: set[str] = set()
        #: sockets connected earlier, parked while the block runs (``parked_sockets``)
        self.parked: list[Parked] = []
        self.block: Block | None = None

    def gather(self) -> Violations:
        """Add what child processes reported so far, in the order they wrote it, and the
        writes found in parked sockets (routes below every Python wrapper)."""
        self._writes_to_parked()
        if self._folder is None:
            return self
        try:
            names = sorted(p.name for p in self._folder.glob("blocked-*.json"))
        except OSError:
            return self
        for name in names:
            if name in self._read:
                continue
            try:
                data = json.loads((self._folder / name).read_text("utf-8"))
            except (OSError, ValueError):
                continue
            self._read.add(name)
            self.append(
                NetworkBlocked(
                    str(data["message"]),
                    host=str(data["host"]),
                    port=data["port"],
                    action=str(data["action"]),
                )
            )
        return self

    def _writes_to_parked(self) -> None:
        for one in self.parked:
            if self.block is not None and not one.reported and one.written():
                one.reported = True
                host, port = one.peer
                self.append(blocked(self.block, "descriptor.write", host, port, True))


@dataclass(kw_only=True)
class Block:
    allowed: Allowed
    why: str
    #: the X-Ray daemon's UDP address, read once when the block began (None: no exemption)
    xray_daemon: tuple[str, int] | None = None
    owner: int = field(default_factory=os.getpid)
    folder: Path | None = None
    violations: Violations = field(default_factory=Violations)

    def live(self) -> bool:
        # A fork child holds a copy of its parent's blocks: live while the parent's block
        # is (its guard file is there); a spawned child's block is the same.
        if os.getpid() == self.owner:
            return True
        return self.folder is not None and (self.folder / GUARD_FILE).exists()


blocks_lock = threading.Lock()
running_blocks: list[Block] = []


def blocked(block: Block, event: str, host: str, port: int | None, earlier: bool) -> NetworkBlocked:
    action = EVENTS[event]
    who = "the test" if os.getpid() == block.owner else f"a child process (pid {os.getpid()})"
    where = f"{host}:{port}" if port is not None else host
    if event.startswith("ctypes."):
        what = (
            f"{action} {host} through ctypes ({event}): the block cannot check where a C call goes"
        )
    else:
        what = f"{action} {where}"
        if earlier:
            what += " on a socket connected before replay began"
        if event == "descriptor.write":
            what += (
                " below Python's socket methods (a C-level send or a write to its descriptor:"
                " the bytes were held back, not sent)"
            )
        else:
            what += f" ({event})"
    return NetworkBlocked(
        f"Network blocked during replay: {who} tried to {what}. Replay answers AWS and HTTP "
        "requests from the cassette and opens no socket for anything else."
        f"{(' ' + block.why) if block.why else ''}",
        host=host,
        port=port,
        action=action,
    )
