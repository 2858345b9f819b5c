"""Sockets connected before a replay block, parked so that nothing written to them leaves.

The network guard (``harness.replay.network_guard``) checks Python's send methods and
``os.write``/``os.writev``/``os.sendfile`` on a socket connected before a test replays. Below
them lie routes no Python wrapper sees: the C methods of ``_socket.socket`` called directly,
``open(fd, "wb")``, ``os.splice``, ctypes ``send``/``write`` on the descriptor. All of them
write to a file descriptor, so the descriptor is what is guarded: while a block runs, each
remembered internet socket (``harness.replay.socket_peers``) whose peer the block does not
allow has its descriptor pointed (``dup2``) at one end of a local socket pair. A write then
lands in the pair, never on the network, and the block reports it as a violation; a read
finds nothing (the stand-in is non-blocking: ``BlockingIOError`` rather than a hang). When the
block ends the descriptor points back at its socket, unless the test closed it meanwhile.

A thread blocked in a read before the block began keeps reading the real socket (the kernel
holds the file it started on). POSIX only: where descriptors cannot be listed (Windows), nothing
is parked and the C routes stay open (docs/how-to/network.md).

Cost: one ``fstat`` per open descriptor at the start and end of each replaying test, and
nothing at all while no socket connected to an internet peer since the plugin started.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass

from harness.replay.socket_peers import any_peers, peer_of, stand_in

#: Where a process's open descriptors are listed (Linux, then macOS and the BSDs).
_DESCRIPTOR_FOLDERS = ("/proc/self/fd", "/dev/fd")


@dataclass(kw_only=True)
class Parked:
    """One parked descriptor: ``saved`` holds the real socket meanwhile."""

    fd: int
    saved: int
    peer: tuple[str, int | None]
    stand_in: socket.socket  # now behind ``fd`` (a duplicate of it)
    sink: socket.socket  # receives whatever was written to ``fd``
    reported: bool = False

    def written(self) -> bool:
        """Whether anything was written to the descriptor while it was parked."""
        try:
            return bool(self.sink.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return False


def park(allows: Callable[[str, int | None], bool]) -> list[Parked]:
    """Park every remembered internet socket whose peer ``allows`` refuses."""
    if not any_peers() or not hasattr(os, "dup2"):
        return []
    parked: list[Parked] = []
    for fd in _open_descriptors():
        try:
            found = os.fstat(fd)
        except OSError:
            continue
        if not stat.S_ISSOCK(found.st_mode):
            continue
        peer = peer_of(found.st_ino)
        if peer is None or allows(*peer):
            continue
        one = _park(fd, peer, found.st_ino)
        if one is not None:
            parked.append(one)
    return parked


def unpark(parked: list[Parked]) -> None:
    """Point each descriptor back at its socket (if the test did not close it meanwhile)."""
    for one in parked:
        try:
            inode = os.fstat(one.stand_in.fileno()).st_ino
            still = os.fstat(one.fd).st_ino == inode
        except OSError:
            inode, still = None, False
        if inode is not None:
            stand_in(inode, None)
        with contextlib.suppress(OSError):
            if still:
                os.dup2(one.saved, one.fd, inheritable=False)
        with contextlib.suppress(OSError):
            os.close(one.saved)
        one.stand_in.close()
        one.sink.close()


def _park(fd: int, peer: tuple[str, int | None], inode: int) -> Parked | None:
    try:
        kind = socket.socket(fileno=os.dup(fd))  # (reads the family and type from the fd)
    except OSError:
        return None
    try:
        type_ = socket.SOCK_DGRAM if kind.type == socket.SOCK_DGRAM else socket.SOCK_STREAM
    finally:
        kind.close()
    try:
        pair, sink = socket.socketpair(socket.AF_UNIX, type_)
    except OSError:
        return None
    pair.setblocking(False)
    sink.setblocking(False)
    try:
        saved = os.dup(fd)
        os.dup2(pair.fileno(), fd, inheritable=False)
    except OSError:
        pair.close()
        sink.close()
        return None
    stand_in(os.fstat(pair.fileno()).st_ino, inode)  # Python-level checks still see the peer
    return Parked(fd=fd, saved=saved, peer=peer, stand_in=pair, sink=sink)


def _open_descriptors() -> list[int]:
    for folder in _DESCRIPTOR_FOLDERS:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        return sorted(int(name) for name in names if name.isdigit())
    return []
