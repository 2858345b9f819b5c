"""No network while a test replays: every connect, send and DNS lookup fails, naming its host.

Replay answers botocore from the cassette (``harness.replay.recorder``) and other HTTP clients
through vcrpy (``harness.replay.other_http``); anything that still reaches for the network — a
request no cassette answers, a library vcrpy does not patch, a raw socket, a DNS lookup —
is a test that is not offline. ``block_network()`` turns such attempts into a failure
(``NetworkBlocked``) naming host and port, unless the host is allowed.

It uses one audit hook (``sys.addaudithook``: ``socket.connect``, ``socket.sendto``,
``socket.sendmsg``, ``socket.getaddrinfo``, ``socket.gethostbyname``, ..., and ctypes
looking up C network functions), inert while no block is active (audit hooks cannot be
removed). Raising from an audit hook stops the call before any packet leaves, in every
thread, for every library (asyncio's resolver threads too). Unix sockets are never blocked:
they are not the network.

Three routes have no audit event of their own, and are closed here:

- Sending on a socket connected before the block (a fixture's, an earlier test's): the peer
  of every connect from the plugin's start is remembered (``harness.replay.socket_peers``;
  the hook itself is installed at the first block), and ``send``/``sendall``/``sendfile`` of
  ``socket.socket`` and ``ssl.SSLSocket`` check it, and so do ``os.write``, ``os.writev``
  and ``os.sendfile`` given such a socket's descriptor.
  Below those wrappers (the C methods of ``_socket.socket``, ``open(fd)``, ``os.splice``,
  ctypes on the descriptor), each such socket is parked while the block runs: its
  descriptor points at a local stand-in that keeps what is written and reports it
  (``harness.replay.parked_sockets``).
- Python child processes (``subprocess`` running Python, ``multiprocessing`` spawn and
  forkserver): the block writes a folder with a ``sitecustomize.py`` and puts it first on
  ``PYTHONPATH``; a child Python imports it at startup and runs the same block (live while
  the folder's ``guard.json`` exists), and reports what it blocked there so the test fails
  even when it ignores the child's exit code. Fork children inherit the hook and the block.
  That half is ``harness.replay.child_guard``.
- ctypes: looking up ``connect``, ``sendto``, ... (``ctypes.dlsym``) fails while a block
  runs; a call through a pointer looked up earlier fails where Python audits ctypes calls.

The X-Ray SDK's UDP segments to its daemon (``AWS_XRAY_DAEMON_ADDRESS`` as it was when the
block began, else 127.0.0.1:2000) pass unless ``xray_daemon=False``: sent with ``sendto``,
a datagram carries no answer back into the test, so it cannot make a replay pass wrongly; a
``connect`` to that address (after which the socket receives what comes from there) is
blocked like any other.

Allowed hosts are names or addresses, optionally ``host:port``, with ``*`` globs
(``*.internal``); ``loopback`` stands for ``localhost``, ``127.0.0.0/8`` and ``::1``. What a
block is (``Allowed``, ``NetworkBlocked``, ``Violations``, the blocks running) is
``harness.replay.network_blocks``; this module names them too.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import shutil
import socket
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from harness.replay.child_guard import (
    child_block,
    child_guard_folder,
    drop_from_pythonpath,
    guard_child_environment,
    prepend_pythonpath,
    report_to_parent,
    restart_forkserver,
)
from harness.replay.network_blocks import (
    EVENTS,
    GUARD_FILE,
    LOOPBACK,
    Allowed,
    Block,
    NetworkBlocked,
    Violations,
    blocked,
    blocks_lock,
    is_loopback,
    running_blocks,
)
from harness.replay.parked_sockets import park, unpark
from harness.replay.socket_peers import host_text, peer_of, port_number, remember, socket_id

#: Audit events that start a program with an environment given as their last argument, the
#: program three before it: ``os.exec`` (path, args, env), ``os.posix_spawn`` (path, argv,
#: env), ``os.spawn`` (mode, path, args, env).
_CHILD_EVENTS = frozenset({"os.exec", "os.posix_spawn", "os.spawn"})
#: ``send``/``sendall``/``sendfile``: no audit event, checked by wrapping the methods.
_SEND = "socket.send"

#: C functions that reach the network without Python's socket module seeing it. Looked up
#: through ctypes they are blocked by name; their addresses in libc are blocked at call time
#: where Python audits ctypes calls (3.13, and point releases with gh-115322).
C_NETWORK_FUNCTIONS = frozenset(
    {
        "connect",
        "sendto",
        "sendmsg",
        "sendmmsg",
        "getaddrinfo",
        "getnameinfo",
        "gethostbyname",
        "gethostbyname2",
        "gethostbyname_r",
        "gethostbyname2_r",
        "gethostbyaddr",
        "gethostbyaddr_r",
        "res_query",
        "res_search",
        "res_nquery",
        "res_nsearch",
    }
)

#: The X-Ray SDK's daemon address and its default (UDP segments go there).
XRAY_DAEMON_ENV = "AWS_XRAY_DAEMON_ADDRESS"
XRAY_DAEMON_DEFAULT = ("127.0.0.1", 2000)

_installed = False
_sends_checked = False
#: Addresses of libc's network functions (``C_NETWORK_FUNCTIONS``) -> name.
_c_functions: dict[int, str] = {}
_quiet = threading.local()  # set while the guard itself looks C functions up


def watch() -> None:
    """Install the audit hook now (it also remembers connects, ``socket_peers``): from the
    first block on, for the rest of the process. Idempotent; cheap."""
    global _installed
    with blocks_lock:
        if not _installed:
            sys.addaudithook(_audit)
            _installed = True


@contextmanager
def block_network(
    allowed: Allowed = Allowed(),
    why: str = "",
    *,
    xray_daemon: bool = True,
    children: bool = True,
) -> Iterator[Violations]:
    """Fail every connect, send and DNS lookup to a host not in ``allowed`` while the block
    runs, here and (``children``) in Python child processes started meanwhile.

    Yields the list of attempts blocked so far (a test that swallowed the error still sees
    it there; ``gather()`` adds the children's). ``why`` ends each message (what the user
    can do about it). ``xray_daemon`` lets UDP datagrams to the X-Ray daemon through.
    """
    watch()
    _check_sends()
    _learn_c_functions()
    allowed = _resolved(allowed)
    daemon = xray_daemon_address() if xray_daemon else None  # (fixed for the block)
    folder = child_guard_folder(allowed, why, daemon) if children else None
    block = Block(
        allowed=allowed, why=why, xray_daemon=daemon, folder=folder, violations=Violations(folder)
    )
    with blocks_lock:
        running_blocks.append(block)
    block.violations.block = block
    block.violations.parked = park(allowed.allows)
    if folder is not None:
        prepend_pythonpath(folder)
        restart_forkserver()
    try:
        yield block.violations
    finally:
        block.violations.gather()  # (writes to parked sockets: before they are put back)
        unpark(block.violations.parked)
        with blocks_lock:
            running_blocks.remove(block)
        if folder is not None:
            (folder / GUARD_FILE).unlink(missing_ok=True)  # children's copies go inert
            block.violations.gather()
            drop_from_pythonpath(folder)
            shutil.rmtree(folder, ignore_errors=True)


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


# --------------------------------------------------------------------------- the audit hook


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Called for every audited event in the process: return at once for the others.
    __tracebackhide__ = True
    if event == "subprocess.Popen":
        command = args[1]
        if isinstance(command, str | bytes):  # (shell=True, or a program alone)
            command = command.split()
        guard_child_environment(args[3], args[0] or (command[0] if command else None))
        return
    if event in _CHILD_EVENTS:  # os.exec*, os.posix_spawn*, os.spawn*: env is the last
        guard_child_environment(args[-1], args[-3], rewrite=False)
        return
    if event not in EVENTS or event == _SEND or getattr(_quiet, "active", False):
        return
    _inspect(event, args)
    if event == "socket.connect":
        remember(args[0], args[1])


def _inspect(event: str, args: tuple[Any, ...]) -> None:
    """Raise ``NetworkBlocked`` when a live block does not allow what ``event`` reaches."""
    __tracebackhide__ = True
    if not running_blocks:
        return
    blocks = [block for block in list(running_blocks) if block.live()]
    if not blocks:
        return
    target = _target(event, args)
    if target is None:
        return
    host, port, earlier = target
    sock = args[0] if event.startswith("socket.") else None
    for block in blocks:
        if not event.startswith("ctypes."):
            if block.allowed.allows(host, port):
                continue
            if block.xray_daemon and _to_xray_daemon(event, sock, host, port, block.xray_daemon):
                continue
        error = blocked(block, event, host, port, earlier)
        block.violations.append(error)
        if os.getpid() != block.owner:
            report_to_parent(block, error)
        raise error


def _target(event: str, args: tuple[Any, ...]) -> tuple[str, int | None, bool] | None:
    """(host, port, connected earlier) an audited event reaches for, or None when it is not
    the network."""
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg", _SEND):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return None  # Unix sockets, netlink...: not the network
        if address is None:  # sendmsg without an address, or a send: the connected peer
            peer = peer_of(socket_id(sock))
            return None if peer is None else (*peer, True)
        if not isinstance(address, tuple) or not address:
            return None
        return host_text(address[0]), port_number(address[1] if len(address) > 1 else None), False
    if event in ("ctypes.dlsym", "ctypes.dlsym/handle"):
        name = args[1] if len(args) > 1 else None
        name = name.decode("ascii", "replace") if isinstance(name, bytes) else name
        return (name, None, False) if name in C_NETWORK_FUNCTIONS else None
    if event == "ctypes.call_function":
        found = _c_functions.get(args[0]) if isinstance(args[0], int) else None
        return None if found is None else (found, None, False)
    if event == "socket.getaddrinfo":
        host, port = args[0], args[1]
        if host is None:
            return None  # a passive lookup (bind to any address): no name resolved
        host = host_text(host)
        if _is_address(host.split("%")[0]):
            return None  # a numeric address resolves without DNS: its connect is checked
        return host, port_number(port), False
    if event == "socket.getnameinfo":
        address = args[0]
        if not isinstance(address, tuple) or is_loopback(str(address[0])):
            return None  # (the name of this machine's own address: see below)
        return str(address[0]), port_number(address[1]), False
    host = host_text(args[0])
    if event == "socket.gethostbyaddr" and is_loopback(host):
        # The name of this machine's own address, asked by a server binding to it (werkzeug,
        # so moto's ThreadedMotoServer in a fixture): nothing leaves for a service, and a
        # server thread that died of it left the fixture waiting for it forever.
        return None
    return host, None, False  # gethostbyname(_ex), gethostbyaddr


# --------------------------------------------------------------------------- earlier sockets


def _check_sends() -> None:
    """Check ``send``/``sendall``/``sendfile`` (no audit event) while a block runs: only
    sockets whose connect was seen (``socket_peers``) have a peer to check, so a debugger's
    or an IDE's socket opened before pytest started is left alone."""
    global _sends_checked
    with blocks_lock:
        if _sends_checked:
            return
        _sends_checked = True
    methods: list[tuple[type, tuple[str, ...]]] = [(socket.socket, ("send", "sendall", "sendfile"))]
    try:
        import ssl
    except ImportError:  # Python built without OpenSSL
        pass
    else:
        methods.append((ssl.SSLSocket, ("send", "sendall", "write")))
    for cls, names in methods:
        for name in names:
            setattr(cls, name, _checked_send(getattr(cls, name)))
    # the same sockets reached by their file descriptor: os.write(sock.fileno(), ...)
    for name in ("write", "writev", "sendfile"):
        original = getattr(os, name, None)
        if original is not None:
            setattr(os, name, _checked_fd_write(original))


def _checked_fd_write(original: Callable[..., Any]) -> Callable[..., Any]:
    """``os.write``, ``os.writev``, ``os.sendfile``: a write to the descriptor of a socket
    connected before the block is a send (a file's descriptor costs one ``fstat``, and only
    while a block runs)."""

    @functools.wraps(original)
    def checked(fd: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        if running_blocks and isinstance(fd, int):
            _inspect_descriptor(fd)
        return original(fd, *args, **kwargs)

    return checked


def _inspect_descriptor(fd: int) -> None:
    __tracebackhide__ = True
    try:
        found = os.fstat(fd)
    except OSError:
        return
    if not stat.S_ISSOCK(found.st_mode) or peer_of(found.st_ino) is None:
        return
    try:
        sock = socket.socket(fileno=os.dup(fd))  # (its family and type, read from the fd)
    except OSError:
        return
    try:
        _inspect(_SEND, (sock, None))
    finally:
        sock.close()


def _checked_send(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        if running_blocks:
            _inspect(_SEND, (self, None))
        return original(self, *args, **kwargs)

    return checked


# --------------------------------------------------------------------------- ctypes


def _learn_c_functions() -> None:
    """Where libc's network functions are, for ``ctypes.call_function`` (a pointer looked
    up before the block). Only once ctypes is imported: the guard never imports it."""
    global _c_functions
    ctypes: Any = sys.modules.get("ctypes")
    if ctypes is None or _c_functions:
        return
    found: dict[int, str] = {}
    _quiet.active = True
    try:
        for library in (None, "libc.so.6"):
            try:
                lib = ctypes.CDLL(library)
            except (OSError, TypeError):
                continue
            for name in C_NETWORK_FUNCTIONS:
                try:
                    address = ctypes.cast(getattr(lib, name), ctypes.c_void_p).value
                except AttributeError:
                    continue
                if address:
                    found[address] = name
    finally:
        _quiet.active = False
    _c_functions = found


# --------------------------------------------------------------------------- X-Ray daemon


def _to_xray_daemon(
    event: str, sock: Any, host: str, port: int | None, daemon: tuple[str, int]
) -> bool:
    """A UDP datagram sent to the X-Ray daemon's address (``daemon``, read when the block
    began). Send-only: a ``connect`` is not let through, since a connected UDP socket would
    then receive the daemon's (or anyone's at that port) datagrams back into the test."""
    if event not in ("socket.sendto", "socket.sendmsg"):
        return False
    if sock is None or getattr(sock, "type", None) != socket.SOCK_DGRAM:
        return False
    return (host.lower().strip("[]"), port) == daemon


def xray_daemon_address() -> tuple[str, int] | None:
    """The UDP address of ``AWS_XRAY_DAEMON_ADDRESS`` (``host:port`` or ``tcp:h:p udp:h:p``)
    as the X-Ray SDK reads it, else 127.0.0.1:2000; None when it cannot be read."""
    value = os.environ.get(XRAY_DAEMON_ENV, "").strip()
    if not value:
        return XRAY_DAEMON_DEFAULT
    for word in value.split():
        if word.startswith("tcp:"):
            continue
        word = word.removeprefix("udp:")
        host, colon, port = word.rpartition(":")
        if colon and host and port.isdigit():
            return host.lower(), int(port)
    return None


# --------------------------------------------------------------------------- child processes


def guard_child(folder: str) -> None:
    """In a child Python process (from its ``sitecustomize``): run the block of the parent's
    guard folder, until the parent's block ends. Nothing when it has ended already."""
    block = child_block(folder)
    if block is None:
        return
    watch()
    _check_sends()
    with blocks_lock:
        running_blocks.append(block)


__all__ = [
    "LOOPBACK",
    "Allowed",
    "NetworkBlocked",
    "Violations",
    "block_network",
    "guard_child",
    "watch",
    "xray_daemon_address",
]
