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
- ctypes: looking up ``connect``, ``sendto``, ... (``ctypes.dlsym``) fails while a block
  runs; a call through a pointer looked up earlier fails where Python audits ctypes calls.

The X-Ray SDK's UDP segments to its daemon (``AWS_XRAY_DAEMON_ADDRESS`` as it was when the
block began, else 127.0.0.1:2000) pass unless ``xray_daemon=False``: sent with ``sendto``,
a datagram carries no answer back into the test, so it cannot make a replay pass wrongly; a
``connect`` to that address (after which the socket receives what comes from there) is
blocked like any other.

Allowed hosts are names or addresses, optionally ``host:port``, with ``*`` globs
(``*.internal``); ``loopback`` stands for ``localhost``, ``127.0.0.0/8`` and ``::1``.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import ipaddress
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import HarnessAssertionError, HarnessUsageError
from harness.replay.parked_sockets import Parked, park, unpark
from harness.replay.socket_peers import host_text, peer_of, port_number, remember, socket_id

LOOPBACK = "loopback"
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")

_EVENTS = {
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


class Violations(list[NetworkBlocked]):
    """What a block stopped: in this process as it happens, from its child processes on
    ``gather()`` (they write one report file each to the block's child guard folder)."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self._folder = folder
        self._read: set[str] = set()
        #: sockets connected earlier, parked while the block runs (``parked_sockets``)
        self.parked: list[Parked] = []
        self.block: _Block | None = None

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
                self.append(_blocked(self.block, "descriptor.write", host, port, True))


@dataclass(kw_only=True)
class _Block:
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


_lock = threading.Lock()
_blocks: list[_Block] = []
_installed = False
_sends_checked = False
#: Addresses of libc's network functions (``C_NETWORK_FUNCTIONS``) -> name.
_c_functions: dict[int, str] = {}
_quiet = threading.local()  # set while the guard itself looks C functions up


def watch() -> None:
    """Install the audit hook now (it also remembers connects, ``socket_peers``): from the
    first block on, for the rest of the process. Idempotent; cheap."""
    global _installed
    with _lock:
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
    folder = _child_guard_folder(allowed, why, daemon) if children else None
    block = _Block(
        allowed=allowed, why=why, xray_daemon=daemon, folder=folder, violations=Violations(folder)
    )
    with _lock:
        _blocks.append(block)
    block.violations.block = block
    block.violations.parked = park(allowed.allows)
    if folder is not None:
        _prepend_pythonpath(folder)
        _restart_forkserver()
    try:
        yield block.violations
    finally:
        block.violations.gather()  # (writes to parked sockets: before they are put back)
        unpark(block.violations.parked)
        with _lock:
            _blocks.remove(block)
        if folder is not None:
            (folder / GUARD_FILE).unlink(missing_ok=True)  # children's copies go inert
            block.violations.gather()
            _drop_from_pythonpath(folder)
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
        _guard_child_environment(args[3], args[0] or (command[0] if command else None))
        return
    if event in _CHILD_EVENTS:  # os.exec*, os.posix_spawn*, os.spawn*: env is the last
        _guard_child_environment(args[-1], args[-3], rewrite=False)
        return
    if event not in _EVENTS or event == _SEND or getattr(_quiet, "active", False):
        return
    _inspect(event, args)
    if event == "socket.connect":
        remember(args[0], args[1])


def _inspect(event: str, args: tuple[Any, ...]) -> None:
    """Raise ``NetworkBlocked`` when a live block does not allow what ``event`` reaches."""
    __tracebackhide__ = True
    if not _blocks:
        return
    blocks = [block for block in list(_blocks) if block.live()]
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
        error = _blocked(block, event, host, port, earlier)
        block.violations.append(error)
        if os.getpid() != block.owner:
            _report(block, error)
        raise error


def _blocked(
    block: _Block, event: str, host: str, port: int | None, earlier: bool
) -> NetworkBlocked:
    action = _EVENTS[event]
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
        if not isinstance(address, tuple) or _is_loopback(str(address[0])):
            return None  # (the name of this machine's own address: see below)
        return str(address[0]), port_number(address[1]), False
    host = host_text(args[0])
    if event == "socket.gethostbyaddr" and _is_loopback(host):
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
    with _lock:
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
        if _blocks and isinstance(fd, int):
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
        if _blocks:
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

_FOLDER_PREFIX = "harness-network-guard-"
_SITECUSTOMIZE = '''\
"""Written by botocore-harness while a test replays: this Python process gets the test's
network block too (harness.replay.network_guard), then the sitecustomize this one hides runs."""


def _botocore_harness_network_guard():
    import os
    import sys

    def guard_folder(entry):
        return os.path.basename(os.path.abspath(entry or os.curdir)).startswith({prefix!r})

    here = os.path.dirname(os.path.abspath(__file__))
    folders = [os.path.abspath(p) for p in sys.path if guard_folder(p)] or [here]
    root = {root!r}  # where the parent's harness package is
    added = root not in sys.path
    if added:
        sys.path.insert(0, root)
    try:
        from harness.replay.network_guard import guard_child

        for folder in dict.fromkeys(folders):  # nested blocks: each one
            guard_child(folder)
    except Exception as exc:
        sys.stderr.write(
            "botocore-harness: the network block of the replaying test could not start in "
            "this Python process (" + repr(exc) + "): its network use is not checked.\\n"
        )
    finally:
        if added and root in sys.path:
            sys.path.remove(root)
    import importlib.machinery
    import importlib.util

    rest = [p for p in sys.path if not guard_folder(p)]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)


_botocore_harness_network_guard()
'''


def _child_guard_folder(allowed: Allowed, why: str, xray_daemon: tuple[str, int] | None) -> Path:
    """A folder with ``sitecustomize.py`` and ``guard.json``: what a child Python needs to
    run this block (see ``guard_child``)."""
    folder = Path(tempfile.mkdtemp(prefix=_FOLDER_PREFIX))
    root = str(Path(__file__).resolve().parents[2])  # the folder holding harness/
    text = _SITECUSTOMIZE.format(root=root, prefix=_FOLDER_PREFIX)
    (folder / "sitecustomize.py").write_text(text, "utf-8")
    guard = {
        "owner": os.getpid(),
        "allowed": [list(entry) for entry in allowed.entries],
        "loopback": allowed.loopback,
        "why": why,
        "xray_daemon": list(xray_daemon) if xray_daemon else None,
    }
    _write_atomically(folder / GUARD_FILE, json.dumps(guard))
    return folder


def guard_child(folder: str) -> None:
    """In a child Python process (from its ``sitecustomize``): run the block of the parent's
    guard folder, until the parent's block ends. Nothing when it has ended already."""
    path = Path(folder)
    try:
        guard = json.loads((path / GUARD_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return
    allowed = Allowed(tuple((str(h), p) for h, p in guard["allowed"]), bool(guard["loopback"]))
    block = _Block(
        allowed=allowed,
        why=str(guard["why"]),
        xray_daemon=_daemon_of(guard.get("xray_daemon")),
        owner=int(guard["owner"]),
        folder=path,
        violations=Violations(path),
    )
    watch()
    _check_sends()
    with _lock:
        _blocks.append(block)


def _daemon_of(value: Any) -> tuple[str, int] | None:
    """The daemon address a guard file holds (``[host, port]``), else None."""
    if isinstance(value, list) and len(value) == 2:
        return str(value[0]), int(value[1])
    return None


def _report(block: _Block, error: NetworkBlocked) -> None:
    """A child process tells its parent's block what it stopped (the test then fails)."""
    if block.folder is None:
        return
    report = {
        "message": str(error),
        "host": error.host,
        "port": error.port,
        "action": error.action,
    }
    name = f"blocked-{time.time_ns():020d}-{os.getpid()}.json"
    with contextlib.suppress(OSError):  # the block has ended: nobody is listening
        _write_atomically(block.folder / name, json.dumps(report))


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)


def _guard_child_environment(env: Any, program: Any, *, rewrite: bool = True) -> None:
    """A child started with an environment of its own (``env={**os.environ, "PYTHONPATH":
    "src"}``, the usual pattern of a CLI test) did not see the block's folder on its
    ``PYTHONPATH`` and ran unguarded. ``subprocess`` builds the child's environment from
    that mapping after this audit event: the folders of the live blocks are put first on
    its ``PYTHONPATH`` (the caller's dict is changed so, while replay runs). Where that
    cannot be done (``os.execve`` and ``os.posix_spawn`` read the mapping before their
    event; a mapping that cannot be changed), a Python child is refused instead of running
    unguarded."""
    if not _blocks or env is None or not hasattr(env, "get"):
        return
    # (a fork child's blocks are its parent's, live while the parent's are)
    live = [b for b in list(_blocks) if b.folder is not None and b.live()]
    folders = [str(b.folder) for b in live]
    if not folders:
        return
    key: Any = "PYTHONPATH" if not any(isinstance(k, bytes) for k in env) else b"PYTHONPATH"
    current = env.get(key) or ("" if isinstance(key, str) else b"")
    text = os.fsdecode(current)
    missing = [f for f in folders if f not in text.split(os.pathsep)]
    if not missing:
        return
    if rewrite and isinstance(env, dict):
        value = os.pathsep.join([*missing, text]) if text else os.pathsep.join(missing)
        env[key] = value if isinstance(key, str) else os.fsencode(value)
        return
    if _is_python(program):
        block = live[-1]
        error = NetworkBlocked(
            "Network blocked during replay: the test started a Python child with an "
            "environment of its own that the replay guard cannot reach (os.execve, "
            "os.posix_spawn, or an env= mapping that cannot be changed), so it would run "
            "unguarded. Start it with subprocess and a dict env (the guard adds itself to "
            "its PYTHONPATH), or keep os.environ's PYTHONPATH in the environment you pass."
            f"{(' ' + block.why) if block.why else ''}",
            host="(child process)",
            port=None,
            action="start",
        )
        block.violations.append(error)
        if os.getpid() != block.owner:
            _report(block, error)  # (a fork child: its parent's test fails)
        raise error


def _is_python(program: Any) -> bool:
    """Whether ``program`` (a path or a name) starts a Python interpreter."""
    if program is None:
        return False
    name = os.path.basename(os.fsdecode(program)).lower()
    if name.startswith(("python", "pypy")):
        return True
    with contextlib.suppress(OSError):
        return os.path.realpath(os.fsdecode(program)) == os.path.realpath(sys.executable)
    return False


def _prepend_pythonpath(folder: Path) -> None:
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(folder) + (os.pathsep + old if old else "")


def _drop_from_pythonpath(folder: Path) -> None:
    # Only our entry: the test may have changed PYTHONPATH meanwhile.
    value = os.environ.get("PYTHONPATH")
    if value is None:
        return
    rest = [entry for entry in value.split(os.pathsep) if entry != str(folder)]
    if rest:
        os.environ["PYTHONPATH"] = os.pathsep.join(rest)
    else:
        del os.environ["PYTHONPATH"]


def _restart_forkserver() -> None:
    """multiprocessing keeps one forkserver per process, started with the environment of its
    first use: stop a running one, so that the next start (on demand) carries this block."""
    module = sys.modules.get("multiprocessing.forkserver")
    server = getattr(module, "_forkserver", None)
    stop = getattr(server, "_stop", None)
    if stop is None or getattr(server, "_forkserver_pid", None) is None:
        return
    with contextlib.suppress(OSError):  # it had exited already
        stop()


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
