"""The secrets red team's recording driver, shared by the rounds' runners (round 15 onward).

A round's ``run.py`` keeps what is its own (its sentinels and its loopback API's answers) and
hands the rest here: the split file, key makers, the loopback ``http.server``, and ``drive``,
which records the round's suite through the plugin against moto server and the loopback API,
replays it offline, runs ``harness scan``, searches every file the runs wrote
(``bench/secrets_search.py``) and prints one line per class and the totals per half.
Nothing of ``harness.secrets`` is imported here.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.secrets_search import FormMaker, LayerMaker, junit, search_tree  # noqa: E402
from tests.support.moto_server import moto_server  # noqa: E402

Handle = Callable[[str, str, dict[str, str], bytes], tuple]


def split(here: Path) -> dict[str, str]:
    """class -> half, from the round's ``split.txt``."""
    halves = {}
    for line in (here / "split.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            half, name = line.split()
            halves[name] = half
    return halves


def rand(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def pem_lines(pem: str) -> list[str]:
    """Two lines from the middle of a PEM body: each alone is the key's text."""
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    if len(body) < 3:
        return body
    return [body[len(body) // 2], body[len(body) // 2 + 1]]


def openssh_key(rsa_bits: int = 0) -> bytes:
    """A fresh key in OpenSSH's private key format (Ed25519, or RSA of rsa_bits)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
        if rsa_bits
        else ed25519.Ed25519PrivateKey.generate()
    )
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )


def pkcs8(kind: str = "rsa", encoding: str = "PEM") -> bytes:
    """A fresh RSA or EC (P-256) key as PKCS#8, PEM or DER."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    key = (
        ec.generate_private_key(ec.SECP256R1())
        if kind == "ec"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    return key.private_bytes(
        getattr(serialization.Encoding, encoding),
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def rsa_der() -> bytes:
    """A fresh RSA key, PKCS#1 DER (what SES takes for a DKIM signing key, base64)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def serve(handle: Handle) -> tuple[ThreadingHTTPServer, str]:
    """A loopback ``http.server`` answering with ``handle(method, path, headers, body)`` ->
    (status, headers, body or list of chunks); (server, base URL)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def _any(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    if not size:
                        self.rfile.readline()
                        break
                    body += self.rfile.read(size)
                    self.rfile.readline()
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, out, payload = handle(self.command, self.path, headers, body)
            self.send_response(status)
            for k, v in out.items():
                self.send_header(k, v)
            if isinstance(payload, list):
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for piece in payload:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
                return
            if "Content-Length" not in out:
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def drive(
    tag: str,
    here: Path,
    make_sentinels: Callable[[list[str]], tuple[dict[str, str], dict[str, list[str | bytes]]]],
    api: object,
    more_forms: Iterable[FormMaker] = (),
    more_layers: Iterable[LayerMaker] = (),
) -> int:
    """Record, replay, scan and search round ``tag`` (``r15``...): its corpus is
    ``here/corpus_suite.py``, its environment prefix ``R15_``..., its loopback API ``api``
    (a ``handle`` method, a ``base`` attribute set here, ``made``: class -> values it made).
    Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke."""
    import logging

    prefix = tag.upper() + "_"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="leave the run's folders in DIR")
    parser.add_argument("--only", help="comma-separated classes")
    parser.add_argument("-v", action="store_true", help="print the inner runs' output")
    args = parser.parse_args()
    halves = split(here)
    classes = sorted(halves)
    chosen = args.only.split(",") if args.only else classes

    work = Path(args.keep or tempfile.mkdtemp(prefix=f"{tag}-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    suite, temp, home, obs, out = (work / n for n in ("suite", "tmp", "home", "obs", "out"))
    for folder in (suite, temp, home, obs, out):
        folder.mkdir(parents=True)
    test_file = f"test_{tag}.py"
    (suite / test_file).write_text((here / "corpus_suite.py").read_text())
    (suite / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")

    env_sent, owned = make_sentinels(classes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_", prefix))}
    env.update(env_sent)
    env["PYTHONPATH"] = str(ROOT)
    env.update(
        {
            "HOME": str(home),
            "TMPDIR": str(temp),
            prefix + "OBSERVED": str(obs),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SHARED_CREDENTIALS_FILE": str(out / "no-credentials"),
            "AWS_CONFIG_FILE": str(out / "no-config"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "HARNESS_CHECK_CACHE": str(suite / ".harness_cache"),
        }
    )
    selection = ["-k", " or ".join(f"test_{c}" for c in chosen)] if args.only else []
    base = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:hypothesispytest"]
    base += ["-p", "no:xdist", "-q", "-rN", *selection]

    def pytest_run(phase: str, *extra: str) -> str:
        env[prefix + "PHASE"] = phase
        done = subprocess.run(
            [*base, f"--junitxml={out / phase}.xml", *extra],
            cwd=suite,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        (out / f"{phase}.log").write_text(done.stdout + done.stderr)
        if args.v:
            print(done.stdout[-5000:], done.stderr[-3000:])
        return done.stdout + done.stderr

    server, api.base = serve(api.handle)  # type: ignore[attr-defined]
    try:
        with moto_server() as moto:
            env[prefix + "MOTO"], env[prefix + "API"] = moto, api.base  # type: ignore[attr-defined]
            pytest_run("record", "--aws-record-mode=once", "--aws-keep-failed-recordings")
    finally:
        server.shutdown()
        server.server_close()
    recorded = junit(out / "record.xml")
    if not recorded:
        print((out / "record.log").read_text()[-3000:])
        return 2
    pytest_run("replay", "--aws-record-mode=none")
    replayed = junit(out / "replay.xml")
    scan = subprocess.run(
        [sys.executable, "-m", "harness", "scan", "cassettes"],
        cwd=suite,
        env=env,
        capture_output=True,
        text=True,
    )
    (out / "scan.log").write_text(scan.stdout + scan.stderr)

    # every value to look for, by class: sentinels, what servers made, what the code saw
    def as_bytes(v: str | bytes) -> bytes:
        return v if isinstance(v, bytes) else v.encode()

    values: dict[str, list[bytes]] = {c: [as_bytes(v) for v in owned[c]] for c in chosen}
    for cls, made in api.made.items():  # type: ignore[attr-defined]
        if cls in values:
            values[cls] += [as_bytes(v) for v in made]
    for seen in obs.iterdir():
        cls, key = seen.name.split(".", 1)
        if cls not in values or key.lower().endswith("accesskeyid"):
            continue  # an access key id is an identifier: its shape's placeholder is fine
        text = seen.read_text()
        if text.startswith("b64:"):
            values[cls].append(base64.b64decode(text[4:]))
        elif text.startswith("-----BEGIN"):
            values[cls] += [line.encode() for line in pem_lines(text)]
        else:
            values[cls].append(text.encode())

    def skip(path: Path) -> bool:
        if path.name in (test_file, "pytest.ini"):
            return True
        return "__pycache__" in path.parts and path.name.startswith(f"test_{tag}")

    leaks = search_tree((suite, temp, home), work, values, skip, more_forms, more_layers)

    totals = {"fix": [0, 0, 0, 0], "held-out": [0, 0, 0, 0]}  # n, leaked, wrong, not recorded
    print(f"run folder: {work}\nharness scan: exit {scan.returncode}")
    for cls in chosen:
        half = halves[cls]
        name = "test_" + cls
        rec, rep = recorded.get(name, "missing"), replayed.get(name, "missing")
        theirs = [x for x in leaks[cls] if not x.endswith("(pytest)")]
        status = "LEAKED" if theirs else "clean"
        replay_bad = rec == "passed" and rep != "passed"
        totals[half][0] += 1
        totals[half][1] += bool(theirs)
        totals[half][2] += replay_bad
        totals[half][3] += rec != "passed"
        print(f"{half:9} {cls:40} {status:6} record={rec[:70]} replay={rep[:110]}")
        for where in leaks[cls]:
            print(f"{'':10}{where}")
    for half, (n, leaked, wrong, unrec) in totals.items():
        print(
            f"{half}: {leaked} of {n} classes leaked; {wrong} replayed wrongly;"
            f" {unrec} did not record"
        )
    return 0
