"""The replay network block has no way around it: UDP sendmsg, sockets connected before the
test, Python child processes (subprocess, multiprocessing spawn/forkserver/fork), ctypes.

Real inner pytest runs replay (no cassette, record mode ``none``: the block is on) while
this test holds loopback listeners open; each route must end in ``NetworkBlocked`` and the
listener must have received nothing. The X-Ray daemon's UDP address is the one exception.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The replay engine is imported by this process, not first by an in-process inner run:
# pytester drops the modules an inner run imported, but not the attributes they left on the
# ``harness.replay`` package, so a later run would mix two generations of the engine.
from harness.plugin import fixture_cassettes  # noqa: F401
from harness.replay import match_settings, recorder  # noqa: F401
from harness.replay.network_blocks import Allowed, NetworkBlocked
from harness.replay.network_guard import block_network, xray_daemon_address

QUIET = ("-W", "ignore::pytest.PytestAssertRewriteWarning", "-p", "no:hypothesispytest")


class Listener:
    """A loopback TCP or UDP socket that only records: nothing may reach it in replay."""

    def __init__(self, kind: int) -> None:
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.bind(("127.0.0.1", 0))
        if kind == socket.SOCK_STREAM:
            self.sock.listen(16)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.kind = kind

    def received(self) -> list[bytes]:
        """What arrived (a TCP connection counts as its bytes, b'' when it sent none).

        Loopback delivery is done when the sender's call returns, and the inner run has
        ended: whatever got through is queued by now."""
        got: list[bytes] = []
        while True:
            try:
                if self.kind == socket.SOCK_DGRAM:
                    got.append(self.sock.recv(65536))
                    continue
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return got
            conn.setblocking(False)
            data = b""
            while True:
                try:
                    chunk = conn.recv(65536)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                data += chunk
            conn.close()
            got.append(data)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def tcp() -> Iterator[Listener]:
    listener = Listener(socket.SOCK_STREAM)
    yield listener
    listener.close()


@pytest.fixture
def udp() -> Iterator[Listener]:
    listener = Listener(socket.SOCK_DGRAM)
    yield listener
    listener.close()


def replay(pytester: pytest.Pytester, source: str, *args: str, **env: str) -> pytest.RunResult:
    """Run ``source`` as an inner test file in replay (no cassette: the block is on)."""
    pytester.makepyfile(test_guard=source)
    before = os.environ.get("PYTHONPATH")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        result = pytester.runpytest("--aws-record-mode=none", *QUIET, *args)
    assert os.environ.get("PYTHONPATH") == before  # the block put it back
    return result


# --------------------------------------------------------------------------- sockets

UDP_SENDS = """
import os, socket, pytest

PORT = int(os.environ["LISTENER"])

@pytest.fixture
def sock():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        yield s

@pytest.mark.aws_cassette
def test_sendto(sock):
    sock.sendto(b"sendto", ("127.0.0.1", PORT))

@pytest.mark.aws_cassette
def test_sendto_flags(sock):
    sock.sendto(b"sendto-flags", 0, ("127.0.0.1", PORT))

@pytest.mark.aws_cassette
def test_sendto_bytes_host(sock):
    sock.sendto(b"sendto-bytes", (b"127.0.0.1", PORT))

@pytest.mark.aws_cassette
def test_sendmsg(sock):
    sock.sendmsg([b"sendmsg"], [], 0, ("127.0.0.1", PORT))
"""


def test_every_udp_send_is_blocked(pytester: pytest.Pytester, udp: Listener) -> None:
    result = replay(pytester, UDP_SENDS, LISTENER=str(udp.port))
    result.assert_outcomes(failed=4)
    where = f"127.0.0.1:{udp.port}"
    result.stdout.fnmatch_lines_random(
        [
            f"*NetworkBlocked: *tried to send a datagram to {where} (socket.sendto)*",
            f"*NetworkBlocked: *tried to send a message to {where} (socket.sendmsg)*",
        ]
    )
    assert udp.received() == []


EARLIER = """
import os, socket, pytest

# connected while the test module is collected, long before the test replays
TCP = socket.create_connection(("127.0.0.1", int(os.environ["TCP"])))
UDP = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
UDP.connect(("127.0.0.1", int(os.environ["UDP"])))

@pytest.fixture(scope="session")
def session_socket():
    return socket.create_connection(("127.0.0.1", int(os.environ["TCP"])))

@pytest.mark.aws_cassette
def test_sendall():
    TCP.sendall(b"sendall")

@pytest.mark.aws_cassette
def test_send():
    TCP.send(b"send")

@pytest.mark.aws_cassette
def test_makefile():
    with TCP.makefile("wb") as out:
        out.write(b"makefile")

@pytest.mark.aws_cassette
def test_sendmsg_no_address():
    TCP.sendmsg([b"sendmsg"])

@pytest.mark.aws_cassette
def test_session_fixture(session_socket):
    session_socket.sendall(b"fixture")

@pytest.mark.aws_cassette
def test_udp_send():
    UDP.send(b"udp")

@pytest.mark.aws_cassette
def test_os_write():
    os.write(TCP.fileno(), b"os.write")

@pytest.mark.aws_cassette
def test_os_sendfile(tmp_path):
    data = tmp_path / "data.bin"
    data.write_bytes(b"os.sendfile")
    with open(data, "rb") as source:
        os.sendfile(TCP.fileno(), source.fileno(), 0, 11)

def test_outside_replay_it_still_sends():
    TCP.sendall(b"outside")
"""


def test_a_socket_connected_before_the_test_cannot_send(
    pytester: pytest.Pytester, tcp: Listener, udp: Listener
) -> None:
    result = replay(pytester, EARLIER, TCP=str(tcp.port), UDP=str(udp.port))
    # the session fixture a marked test uses replays too: its connection is blocked at set-up
    result.assert_outcomes(failed=7, errors=1, passed=1)
    result.stdout.fnmatch_lines_random(
        [
            f"*NetworkBlocked: *the test tried to send to 127.0.0.1:{tcp.port} on a socket "
            "connected before replay began (socket.send)*",
            f"*NetworkBlocked: *send a message to 127.0.0.1:{tcp.port} on a socket connected "
            "before replay began (socket.sendmsg)*",
            f"*NetworkBlocked: *send to 127.0.0.1:{udp.port} on a socket connected*",
            "*NetworkBlocked: *fixture 'session_socket' (session scope)*",
        ]
    )
    # one connection (the module's) was made before any block; only the test outside
    # replay sent anything
    assert sorted(tcp.received()) == [b"outside"]
    assert udp.received() == []


BELOW_PYTHON = """
import ctypes, os, socket, pytest

TCP = socket.create_connection(("127.0.0.1", int(os.environ["TCP"])))  # before any test

@pytest.mark.aws_cassette
def test_c_base_send():
    import _socket
    _socket.socket.send(TCP, b"c-base;")

@pytest.mark.aws_cassette
def test_open_descriptor():
    with open(TCP.fileno(), "wb", closefd=False) as out:
        out.write(b"open-fd;")

@pytest.mark.aws_cassette
def test_splice():
    r, w = os.pipe()
    os.write(w, b"splice;")
    os.splice(r, TCP.fileno(), 7)

@pytest.mark.aws_cassette
def test_ctypes_write():
    libc = ctypes.CDLL(None)
    libc.write(TCP.fileno(), b"ctypes;", 7)

@pytest.mark.aws_cassette
def test_closed_meanwhile():
    CLOSED.close()  # (parked meanwhile: putting it back must not touch a new descriptor)

CLOSED = socket.create_connection(("127.0.0.1", int(os.environ["TCP"])))

def test_after_replay_the_socket_is_its_own_again():
    TCP.sendall(b"outside;")
"""


@pytest.mark.skipif(not hasattr(os, "splice"), reason="os.splice: Linux, Python 3.10+")
def test_routes_below_python_send_nothing(pytester: pytest.Pytester, tcp: Listener) -> None:
    """The C send, open(fd), os.splice and ctypes write on a socket connected before the
    test: the bytes stay in a stand-in, the test fails naming the peer, and the socket
    sends again once replay is over (b08 of the earlier rounds' reproductions)."""
    result = replay(pytester, BELOW_PYTHON, TCP=str(tcp.port))
    result.assert_outcomes(failed=4, passed=2)
    lines = [
        f"*NetworkBlocked: *the test tried to write to 127.0.0.1:{tcp.port} on a socket "
        "connected before replay began below Python's socket methods*held back, not sent*"
    ]
    for name in ("c_base_send", "open_descriptor", "splice", "ctypes_write"):
        result.stdout.fnmatch_lines([f"*FAILED*test_{name}*"])
    result.stdout.fnmatch_lines(lines)
    assert b"".join(tcp.received()) == b"outside;"


CHILD_ENVIRONMENTS = """
import os, sys, subprocess, types, pytest

CODE = (
    "import os, socket; s = socket.create_connection(('127.0.0.1', int(os.environ['TCP'])));"
    " s.sendall(b'child;')"
)
ENV = {**os.environ, "PYTHONPATH": "src"}

@pytest.mark.aws_cassette
def test_posix_spawn():
    pid = os.posix_spawn(sys.executable, [sys.executable, "-c", CODE], dict(ENV))
    os.waitpid(pid, 0)

@pytest.mark.aws_cassette
def test_fork_and_execve():
    pid = os.fork()
    if pid == 0:
        try:
            os.execve(sys.executable, [sys.executable, "-c", CODE], dict(ENV))
        finally:
            os._exit(3)
    os.waitpid(pid, 0)

@pytest.mark.aws_cassette
def test_subprocess_with_a_mapping_proxy():
    subprocess.run([sys.executable, "-c", CODE], env=types.MappingProxyType(dict(ENV)))

@pytest.mark.aws_cassette
def test_subprocess_with_a_dict_is_guarded_in_the_child():
    subprocess.run([sys.executable, "-c", CODE], env=dict(ENV))
"""


def test_children_started_with_an_environment_the_guard_cannot_reach_are_refused(
    pytester: pytest.Pytester, tcp: Listener
) -> None:
    """os.posix_spawn, fork then os.execve, and subprocess with a mapping that cannot be
    changed (an adversarial round's routes, issue 63): the Python child is refused instead
    of running unguarded; with a dict the guard joins the child, which is blocked there."""
    result = replay(pytester, CHILD_ENVIRONMENTS, TCP=str(tcp.port))
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(["*started a Python child with an environment of its own*"])
    assert tcp.received() == []


NON_BLOCKING = """
import os, select, socket, pytest

# connect_ex on a non-blocking socket, while the module is collected (before any block: the
# guard's audit hook is not installed yet, the plugin's connect wrapper sees it)
TCP = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
TCP.setblocking(False)
TCP.connect_ex(("127.0.0.1", int(os.environ["TCP"])))
select.select([], [TCP], [], 5)
TCP.setblocking(True)

@pytest.mark.aws_cassette
def test_send():
    TCP.sendall(b"replay")
"""


def test_a_socket_connected_non_blocking_before_any_block_cannot_send(
    pytester: pytest.Pytester, tcp: Listener
) -> None:
    result = replay(pytester, NON_BLOCKING, TCP=str(tcp.port))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*NetworkBlocked: *send to 127.0.0.1:{tcp.port}*"])
    assert b"".join(tcp.received()) == b""  # (connected, closed, nothing sent)


CONFTEST_SOCKET = """
import os, socket

# connected when pytest imports the root conftest: before any plugin's pytest_configure
EARLY = socket.create_connection(("127.0.0.1", int(os.environ["TCP"])))
"""

PUT_BACK = """
import _socket

# what pytest-socket does after every test: the connect it saved at import put back
def pytest_runtest_teardown(item):
    import socket
    socket.socket.connect = _socket.socket.connect
    socket.socket.connect_ex = _socket.socket.connect_ex
"""

LATER_SOCKETS = """
import os, socket, pytest
from conftest import EARLY

SOCKS = []

def test_first():
    pass

def test_connect_after_a_test():
    SOCKS.append(socket.create_connection(("127.0.0.1", int(os.environ["TCP"]))))

@pytest.mark.aws_cassette
def test_conftest_socket():
    EARLY.sendall(b"conftest")

@pytest.mark.aws_cassette
def test_later_socket():
    SOCKS[0].sendall(b"later")
"""


def test_sockets_of_a_conftest_and_after_a_plugin_put_connect_back_cannot_send(
    pytester: pytest.Pytester, tcp: Listener
) -> None:
    """A root conftest's socket (imported before any ``pytest_configure``) and one connected
    after another plugin put its saved ``socket.socket.connect`` back (pytest-socket does,
    after every test): both remembered, both blocked. A process of its own: the outer
    run's plugin must not have watched for it."""
    pytester.makeconftest(CONFTEST_SOCKET + PUT_BACK)
    pytester.makepyfile(test_guard=LATER_SOCKETS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TCP", str(tcp.port))
        result = pytester.runpytest_subprocess("--aws-record-mode=none", *QUIET)
    result.assert_outcomes(failed=2, passed=2)
    result.stdout.fnmatch_lines_random(
        [
            "*NetworkBlocked: *connected before replay began*test_guard.py::test_conftest_socket*",
            "*NetworkBlocked: *connected before replay began*test_guard.py::test_later_socket*",
        ]
    )
    assert b"".join(tcp.received()) == b""


# --------------------------------------------------------------------------- child processes

REACH = """
import os, socket
with socket.create_connection(("127.0.0.1", int(os.environ["TCP"])), timeout=5) as s:
    s.sendall(b"child")
"""

SUBPROCESS = f"""
import json, os, subprocess, sys, pytest

@pytest.mark.aws_cassette
def test_python_child():
    child = subprocess.run([sys.executable, "-c", {REACH!r}], capture_output=True, text=True)
    # the child's failure is ignored here: the test fails anyway
    with open("child.json", "w") as out:
        json.dump({{"code": child.returncode, "stderr": child.stderr}}, out)

@pytest.mark.aws_cassette
def test_python_child_with_its_own_environment():
    # a CLI test's usual child: PYTHONPATH replaced, the rest of the environment copied
    env = {{**os.environ, "PYTHONPATH": "src"}}
    child = subprocess.run(
        [sys.executable, "-c", {REACH!r}], env=env, capture_output=True, text=True
    )
    with open("child_env.json", "w") as out:
        json.dump({{"code": child.returncode, "stderr": child.stderr}}, out)

def test_a_child_after_replay_is_not_blocked():
    child = subprocess.run([sys.executable, "-c", {REACH!r}], capture_output=True, text=True)
    assert child.returncode == 0, child.stderr
"""


def test_a_python_subprocess_is_blocked_and_fails_the_test(
    pytester: pytest.Pytester, tcp: Listener
) -> None:
    result = replay(pytester, SUBPROCESS, TCP=str(tcp.port))
    result.assert_outcomes(failed=2, passed=1)
    result.stdout.fnmatch_lines(
        [
            f"*NetworkBlocked: Network blocked during replay: a child process (pid *) tried "
            f"to connect to 127.0.0.1:{tcp.port} (socket.connect)*aws_allowed_hosts*"
        ]
    )
    for name in ("child.json", "child_env.json"):  # (env={**os.environ, ...}: issue 63)
        child = json.loads((pytester.path / name).read_text())
        assert child["code"] != 0, name
        assert "NetworkBlocked: Network blocked during replay" in child["stderr"], name
    assert tcp.received() == [b"child"]  # only the child started after replay got through


def test_nested_blocks_both_reach_a_child(tcp: Listener) -> None:
    inner = Allowed.parse([f"127.0.0.1:{tcp.port}"], "test")
    with block_network(why="OUTER.") as outer, block_network(inner, why="INNER."):
        env = {**os.environ, "TCP": str(tcp.port)}  # PYTHONPATH names both blocks' folders
        child = subprocess.run(
            [sys.executable, "-c", REACH], env=env, capture_output=True, text=True, timeout=120
        )
        assert [re.sub(r"pid \d+", "pid N", str(error)) for error in outer.gather()] == [
            "Network blocked during replay: a child process (pid N) tried to "
            f"connect to 127.0.0.1:{tcp.port} (socket.connect). Replay answers AWS and HTTP "
            "requests from the cassette and opens no socket for anything else. OUTER."
        ]
    assert child.returncode != 0
    assert "Error in sitecustomize" not in child.stderr
    assert tcp.received() == []


OWN_SITE = """
import os, subprocess, sys, pytest

@pytest.mark.aws_cassette
def test_own_sitecustomize_still_runs():
    code = "import os; print(os.environ.get('OWN_SITE'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ran", out.stderr
"""


def test_the_projects_own_sitecustomize_still_runs_in_a_child(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    own = tmp_path / "own-site"
    own.mkdir()
    (own / "sitecustomize.py").write_text("import os\nos.environ['OWN_SITE'] = 'ran'\n")
    path = os.pathsep.join(filter(None, [str(own), os.environ.get("PYTHONPATH")]))
    replay(pytester, OWN_SITE, PYTHONPATH=path).assert_outcomes(passed=1)


MULTIPROCESSING = """
import multiprocessing, os, socket, pytest

def reach(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"child")

@pytest.mark.aws_cassette
def test_child():
    process = multiprocessing.get_context("{method}").Process(
        target=reach, args=(int(os.environ["TCP"]),)
    )
    process.start()
    process.join(60)
    assert process.exitcode != 0
"""


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
def test_a_multiprocessing_child_is_blocked(
    pytester: pytest.Pytester, tcp: Listener, method: str
) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method on this platform")
    result = replay(pytester, MULTIPROCESSING.replace("{method}", method), TCP=str(tcp.port))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"*NetworkBlocked: *a child process (pid *) tried to connect to 127.0.0.1:{tcp.port}*"]
    )
    assert tcp.received() == []


# --------------------------------------------------------------------------- ctypes

CTYPES_CONNECT = """
import ctypes, os, socket, struct, pytest

def sockaddr(port):
    raw = struct.pack("!HH4s8x", 0, port, socket.inet_aton("127.0.0.1"))
    raw = struct.pack("=H", socket.AF_INET) + raw[2:]
    return ctypes.create_string_buffer(raw, len(raw))

@pytest.mark.aws_cassette
def test_ctypes_connect():
    sock = socket.socket()
    address = sockaddr(int(os.environ["TCP"]))
    connect = ctypes.CDLL(None).connect
    assert connect(sock.fileno(), address, len(address)) == 0
"""


def test_ctypes_cannot_look_up_connect_in_replay(pytester: pytest.Pytester, tcp: Listener) -> None:
    result = replay(pytester, CTYPES_CONNECT, TCP=str(tcp.port))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*NetworkBlocked: *the test tried to look up the C network function connect "
            "through ctypes (ctypes.dlsym)*"
        ]
    )
    assert tcp.received() == []


def _audits_ctypes_calls() -> bool:
    seen: list[str] = []

    def hook(event: str, _: object) -> None:
        if event == "ctypes.call_function" and not seen:
            seen.append(event)

    sys.addaudithook(hook)
    ctypes.CDLL(None).getpid()
    return bool(seen)


CTYPES_EARLIER = CTYPES_CONNECT.replace("    connect = ctypes.CDLL(None).connect\n", "").replace(
    "@pytest.mark", "connect = ctypes.CDLL(None).connect  # before any block\n\n@pytest.mark"
)


@pytest.mark.skipif(
    not _audits_ctypes_calls(), reason="this Python does not audit ctypes calls (gh-115322)"
)
def test_a_ctypes_connect_looked_up_before_replay_is_blocked_at_the_call(
    pytester: pytest.Pytester, tcp: Listener
) -> None:
    result = replay(pytester, CTYPES_EARLIER, TCP=str(tcp.port))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*NetworkBlocked: *call the C network function connect*"])
    assert tcp.received() == []


CTYPES_POINTER = """
import _ctypes, ctypes, os, socket, struct, pytest

# the address of connect, taken before any block; called through ctypes' raw call
CONNECT = ctypes.cast(ctypes.CDLL(None).connect, ctypes.c_void_p).value

@pytest.mark.aws_cassette
def test_call_by_address():
    sock = socket.socket()
    raw = struct.pack("=H", socket.AF_INET) + struct.pack("!H4s8x", int(os.environ["TCP"]),
                                                          socket.inet_aton("127.0.0.1"))
    address = ctypes.create_string_buffer(raw, len(raw))
    assert _ctypes.call_function(CONNECT, (sock.fileno(), address, len(raw))) == 0
"""


def test_a_c_network_function_called_by_its_address_is_blocked(
    pytester: pytest.Pytester, tcp: Listener
) -> None:
    result = replay(pytester, CTYPES_POINTER, TCP=str(tcp.port))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*NetworkBlocked: *call the C network function connect through ctypes*"]
    )
    assert tcp.received() == []


# --------------------------------------------------------------------------- X-Ray daemon

XRAY = """
import os, socket, pytest

@pytest.mark.aws_cassette
def test_segments():
    daemon = os.environ["AWS_XRAY_DAEMON_ADDRESS"].rsplit(":", 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        segment = b'{"format": "json", "version": 1}\\n{"name": "segment"}'
        s.sendto(segment, (daemon[0], int(daemon[1])))

@pytest.mark.aws_cassette
def test_another_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"other", ("127.0.0.1", int(os.environ["OTHER"])))

@pytest.mark.aws_cassette
def test_tcp_to_the_daemon():
    daemon = os.environ["AWS_XRAY_DAEMON_ADDRESS"].rsplit(":", 1)
    socket.create_connection((daemon[0], int(daemon[1])), timeout=2)

@pytest.mark.aws_cassette
def test_udp_connected_to_the_daemon():
    # a connected UDP socket receives what comes from that address: a two-way exchange
    daemon = os.environ["AWS_XRAY_DAEMON_ADDRESS"].rsplit(":", 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((daemon[0], int(daemon[1])))
        s.send(b"connected")

@pytest.mark.aws_cassette
def test_the_daemon_moved_during_the_test():
    # the address is the one the block began with: moving it does not open another port
    os.environ["AWS_XRAY_DAEMON_ADDRESS"] = "127.0.0.1:" + os.environ["OTHER"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"moved", ("127.0.0.1", int(os.environ["OTHER"])))
"""


@pytest.fixture
def daemon() -> Iterator[Listener]:
    listener = Listener(socket.SOCK_DGRAM)
    yield listener
    listener.close()


def test_xray_segments_reach_the_daemon_in_replay(
    pytester: pytest.Pytester, daemon: Listener, udp: Listener
) -> None:
    address = f"127.0.0.1:{daemon.port}"
    result = replay(pytester, XRAY, AWS_XRAY_DAEMON_ADDRESS=address, OTHER=str(udp.port))
    result.assert_outcomes(passed=1, failed=4)
    result.stdout.fnmatch_lines_random(
        [
            f"*NetworkBlocked: *send a datagram to 127.0.0.1:{udp.port}*",
            f"*NetworkBlocked: *connect to {address} (socket.connect)*",
        ]
    )
    assert daemon.received() == [b'{"format": "json", "version": 1}\n{"name": "segment"}']
    assert udp.received() == []


def test_the_xray_daemon_can_be_blocked_too(
    pytester: pytest.Pytester, daemon: Listener, udp: Listener
) -> None:
    pytester.makeini("[pytest]\naws_allow_xray_daemon = false\n")
    address = f"127.0.0.1:{daemon.port}"
    result = replay(pytester, XRAY, AWS_XRAY_DAEMON_ADDRESS=address, OTHER=str(udp.port))
    result.assert_outcomes(failed=5)
    result.stdout.fnmatch_lines_random([f"*NetworkBlocked: *send a datagram to {address}*"])
    assert daemon.received() == []


@pytest.mark.parametrize(
    ("value", "address"),
    [
        (None, ("127.0.0.1", 2000)),
        ("", ("127.0.0.1", 2000)),
        ("10.0.0.5:3000", ("10.0.0.5", 3000)),
        ("tcp:127.0.0.1:2000 udp:xray.internal:2001", ("xray.internal", 2001)),
        ("udp:127.0.0.2:2002 tcp:127.0.0.1:2000", ("127.0.0.2", 2002)),
        ("tcp:127.0.0.1:2000", None),
        ("not an address", None),
    ],
)
def test_the_xray_daemon_address_is_read_as_the_sdk_reads_it(
    monkeypatch: pytest.MonkeyPatch, value: str | None, address: tuple[str, int] | None
) -> None:
    if value is None:
        monkeypatch.delenv("AWS_XRAY_DAEMON_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("AWS_XRAY_DAEMON_ADDRESS", value)
    assert xray_daemon_address() == address


def test_a_server_asking_its_own_loopback_name_is_not_blocked() -> None:
    """werkzeug asks the name of the address it binds (``gethostbyaddr('127.0.0.1')``): in a
    fixture's server thread (moto's ``ThreadedMotoServer``) a block killed the thread and
    the fixture waited for it forever. Its own address's name reaches no service; any other
    address's still fails."""
    import threading

    outcome: list[BaseException | None] = []

    def serve() -> None:
        try:
            socket.gethostbyaddr("127.0.0.1")
            outcome.append(None)
        except NetworkBlocked as exc:
            outcome.append(exc)
        except OSError:
            outcome.append(None)  # (no name for it on this machine: not the guard)

    with block_network():
        thread = threading.Thread(target=serve)
        thread.start()
        thread.join(timeout=30)
        with pytest.raises(NetworkBlocked):
            socket.gethostbyaddr("198.51.100.7")
        with pytest.raises(NetworkBlocked):
            socket.getnameinfo(("198.51.100.7", 443), 0)
    assert outcome == [None]
