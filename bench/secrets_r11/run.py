"""Rerun the secrets-r11 corpus: record every class through the plugin against moto server and
a loopback API, replay it offline, then search every file the runs wrote for every sentinel.

    PYTHONPATH=. python bench/secrets_r11/run.py [--keep DIR] [--only CLASS,...]

Prints one line per class (its half, record and replay outcome, and each place a sentinel
was found: file and encoding), then per half the number of classes that leaked and that
replayed wrongly. Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke.

The search is this file's own (nothing of ``harness.secrets`` is imported). Where: every file
under the suite folder (cassettes, body files, companion indexes, logs, ``.pytest_cache``),
the runs' temp folder and their HOME, and every file's name; the test module is the only
file skipped (it holds no sentinel: they come from the environment). Forms: raw,
URL-encoded (``quote``/``quote_plus``), JSON-escaped (also with ``\\/`` and with every
character ``\\uXXXX``-escaped), hex (either case), base64 and URL-safe base64 at each
alignment; and the same forms inside every gzip/zlib/raw-deflate/zstd/brotli stream or
base64 run found in a file, inside every string of a YAML or JSON file once parsed (so a
folded or escaped scalar is read as its value), and in file names. Files pytest itself
writes (``.pytest_cache/v/cache``) are reported apart as ``pytest``: they are not the
harness's doing.

The loopback API is this file's own ``http.server`` (not the harness's), so it can send a
chunked gzip response with a token split across chunks, zstd and brotli bodies, validation
errors that echo a value (query-protocol XML and JSON), and what moto lacks (Lightsail,
Transfer Family's ImportHostKey).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import datetime
import gzip
import json
import os
import re
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.moto_server import moto_server  # noqa: E402


def split() -> dict[str, str]:
    halves = {}
    for line in (HERE / "split.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            half, name = line.split()
            halves[name] = half
    return halves


def rand(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


UPPER_DIGITS = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits


def key_and_cert(cn: str = "r11.example.com") -> tuple[bytes, bytes]:
    """A fresh RSA key and a self-signed certificate for it, both PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return pem, cert.public_bytes(serialization.Encoding.PEM)


def openssh_key() -> bytes:
    """A fresh Ed25519 key in OpenSSH's private key format."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    return ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )


def pem_lines(pem: str) -> list[str]:
    """Two lines from the middle of a PEM body: each alone is the key's text."""
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    if len(body) < 3:
        return body
    return [body[len(body) // 2], body[len(body) // 2 + 1]]


PEM_CLASSES = {
    "iam_server_certificate_private_key": "IAMCERT",
    "secretsmanager_pem_secret_string": "SMPEM",
    "transfer_import_host_key": "TRANSFER",
}


def make_sentinels(classes: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(environment, class -> its sentinel values)."""
    env: dict[str, str] = {}
    owned: dict[str, list[str]] = {}
    for n, cls in enumerate(classes):
        value = f"Sntl{n:02d}x{secrets.token_hex(8)}"
        env["R11_" + cls.upper()] = value
        owned[cls] = [value]

    session = {
        "R11_PSQ_KEY_ID": "ASIA" + rand(UPPER_DIGITS, 16),
        "R11_PSQ_SECRET_KEY": rand(ALNUM + "/+", 40),
        "R11_PSQ_SESSION": "IQoJb3JpZ2luX2VjE" + rand(ALNUM, 120),
    }
    env.update(session)
    if "sqs_message_presigned_url" in owned:
        owned["sqs_message_presigned_url"] = list(session.values())
    for cls, prefix in PEM_CLASSES.items():
        key, cert = key_and_cert()
        env[f"R11_{prefix}_KEY"] = base64.b64encode(key).decode()
        env[f"R11_{prefix}_CERT"] = base64.b64encode(cert).decode()
        if cls in owned:
            owned[cls] = pem_lines(key.decode())
    ssh = openssh_key()
    env["R11_S3SSH_KEY"] = base64.b64encode(ssh).decode()
    if "s3_ssh_private_key_object" in owned:
        owned["s3_ssh_private_key_object"] = pem_lines(ssh.decode())
    return env, owned


def zstd_compress(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


def brotli_compress(data: bytes) -> bytes:
    import brotli

    return brotli.compress(data)


class Api:
    """The loopback API: what a few AWS services would answer (those moto lacks, and
    validation errors that echo a value) and a few web APIs. It records the tokens it makes."""

    def __init__(self) -> None:
        self.made: dict[str, list[str]] = {}
        self.base = ""

        def make(cls: str, value: str) -> str:
            self.made.setdefault(cls, []).append(value)
            return value

        ls_key, _ = key_and_cert("lightsail")
        self.ls_key = ls_key.decode()
        for line in pem_lines(self.ls_key):
            make("lightsail_instance_access_details", line)
        self.ls_cert = make(
            "lightsail_instance_access_details",
            "ssh-rsa-cert-v01@openssh.com AAAAHHNzaC1yc2EtY2VydC12MDFAb3BlbnNzaC5jb20"
            + rand(ALNUM, 300),
        )
        self.ls_pw = make("lightsail_relational_db_master_password", rand(ALNUM, 32))
        self.zstd = make("http_zstd_response_token", "zs" + rand(ALNUM, 38))
        self.br = make("http_brotli_response_token", "br" + rand(ALNUM, 38))
        self.gz = make("http_gzip_chunked_split_token", "gz" + rand(ALNUM, 38))
        header = base64.urlsafe_b64encode(b'{"alg":"ES256","kid":"r11","signer":"alb"}').rstrip(
            b"="
        )
        claims = base64.urlsafe_b64encode(
            json.dumps({"sub": "alice", "sid": rand(ALNUM, 24)}).encode()
        ).rstrip(b"=")
        self.alb_sig = make("http_jwt_custom_response_header", rand(ALNUM + "-_", 86))
        self.alb_jwt = make(
            "http_jwt_custom_response_header", f"{header.decode()}.{claims.decode()}.{self.alb_sig}"
        )
        self.cc_token = make("http_query_client_secret", "cc" + rand(ALNUM, 38))
        self.sse = make("http_sse_event_stream_token", "ss" + rand(ALNUM, 38))
        self.cf_sig = make("http_cloudfront_signed_url", rand(ALNUM + "-~", 172))
        self.cf_policy = make(
            "http_cloudfront_signed_url",
            base64.b64encode(
                json.dumps({"Statement": [{"Resource": "x", "n": rand(ALNUM, 40)}]}).encode()
            )
            .decode()
            .replace("+", "-")
            .replace("=", "_")
            .replace("/", "~"),
        )
        self.frag = make("http_redirect_fragment_access_token", "fr" + rand(ALNUM, 38))
        self.ini_pw = make("http_ini_config_response", "in" + rand(ALNUM, 30))

    @staticmethod
    def docdb_cluster(action: str) -> bytes:
        cluster = (
            "<DBClusterIdentifier>r11-docs</DBClusterIdentifier><Engine>docdb</Engine>"
            "<MasterUsername>docadmin</MasterUsername><Status>available</Status>"
        )
        inner = (
            f"<DBCluster>{cluster}</DBCluster>"
            if action == "CreateDBCluster"
            else f"<DBClusters><DBCluster>{cluster}</DBCluster></DBClusters>"
        )
        return (
            f'<{action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/">'
            f"<{action}Result>{inner}</{action}Result>"
            f"<ResponseMetadata><RequestId>r11-docdb</RequestId></ResponseMetadata>"
            f"</{action}Response>"
        ).encode()

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple:
        """(status, headers, body or list of chunks)."""
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        js = {"Content-Type": "application/json"}
        route = parts.path
        target = headers.get("x-amz-target", "")
        amzjs = {"Content-Type": "application/x-amz-json-1.1"}

        def ok(data: object, status: int = 200, more: dict | None = None) -> tuple:
            return status, {**js, **(more or {})}, json.dumps(data).encode()

        if target.endswith("ImportHostKey"):
            assert "PRIVATE KEY" in json.loads(body)["HostKeyBody"]
            data = {"ServerId": "s-0123456789abcdef0", "HostKeyId": "hostkey-0123456789abcdef0"}
            return 200, amzjs, json.dumps(data).encode()
        if target.endswith("GetInstanceAccessDetails"):
            data = {
                "accessDetails": {
                    "certKey": self.ls_cert,
                    "expiresAt": 1893456000,
                    "ipAddress": "192.0.2.11",
                    "privateKey": self.ls_key,
                    "protocol": "ssh",
                    "instanceName": "r11-box",
                    "username": "ec2-user",
                }
            }
            return 200, amzjs, json.dumps(data).encode()
        if target.endswith("GetRelationalDatabaseMasterUserPassword"):
            data = {"masterUserPassword": self.ls_pw, "createdAt": 1893456000}
            return 200, amzjs, json.dumps(data).encode()
        if target.endswith("PutSecretValue"):
            value = json.loads(body)["SecretString"]
            data = {
                "__type": "ValidationException",
                "message": f"1 validation error detected: Value '{value}' at 'secretString' "
                "failed to satisfy constraint: Member must satisfy the rotation lambda's format",
            }
            return 400, amzjs, json.dumps(data).encode()
        if route == "/" and b"Action=CreateDBCluster" in body:
            form = parse_qs(body.decode())
            assert form["MasterUserPassword"]
            return 200, {"Content-Type": "text/xml"}, self.docdb_cluster("CreateDBCluster")
        if route == "/" and b"Action=DescribeDBClusters" in body:
            return 200, {"Content-Type": "text/xml"}, self.docdb_cluster("DescribeDBClusters")
        if route == "/" and b"Action=CreateLoginProfile" in body:
            password = parse_qs(body.decode())["Password"][0]
            xml = (
                '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
                "<Type>Sender</Type><Code>PasswordPolicyViolation</Code>"
                f"<Message>Password {password} does not conform to the account password "
                "policy: it was found in a list of breached passwords.</Message></Error>"
                "<RequestId>r11-iam</RequestId></ErrorResponse>"
            )
            return 400, {"Content-Type": "text/xml"}, xml.encode()
        if route == "/r11/zstd":
            data = zstd_compress(json.dumps({"api_key": self.zstd}).encode())
            return 200, {**js, "Content-Encoding": "zstd"}, data
        if route == "/r11/br":
            data = brotli_compress(json.dumps({"refresh_token": self.br}).encode())
            return 200, {**js, "Content-Encoding": "br"}, data
        if route == "/r11/gzchunks":
            data = gzip.compress(json.dumps({"access_token": self.gz, "n": 1}).encode())
            third = len(data) // 3
            return (
                200,
                {**js, "Content-Encoding": "gzip"},
                [
                    data[:third],
                    data[third : 2 * third],
                    data[2 * third :],
                ],
            )
        if route == "/r11/iap":
            jwt = headers.get("x-goog-iap-jwt-assertion", "")
            return ok({"user": "alice" if jwt.count(".") == 2 else None})
        if route == "/r11/alb":
            return ok({"ok": True}, more={"X-Amzn-Oidc-Data": self.alb_jwt})
        if route == "/r11/oauth/token":
            assert query["client_secret"]
            return ok({"access_token": self.cc_token, "token_type": "bearer", "expires_in": 3600})
        if route == "/r11/login":
            password = query.get("password", [""])[0]
            return ok({"ok": password.startswith("p%2Fü+&=") and password.endswith("€")})
        if route == "/r11/private":
            return ok({"error": "key expired"}, status=401)
        if route == "/r11/events":
            text = (
                'event: hello\ndata: {"n": 0}\n\n'
                f'event: session\ndata: {{"token": "{self.sse}"}}\n\n'
            )
            return 200, {"Content-Type": "text/event-stream"}, text.encode()
        if route == "/r11/graphql":
            pw = json.loads(body)["variables"]["i"]["password"]
            return ok({"data": {"login": {"ok": bool(pw)}}})
        if route == "/r11/rpc":
            req = json.loads(body)
            return ok({"jsonrpc": "2.0", "result": len(req["params"]) == 2, "id": req["id"]})
        if route == "/r11/video":
            url = (
                "https://d111111abcdef8.cloudfront.net/v/intro.mp4?"
                f"Policy={self.cf_policy}&Signature={self.cf_sig}&Key-Pair-Id=K2JCJMDEHXQW5F"
            )
            return ok({"url": url})
        if route == "/r11/authorize":
            where = f"/r11/app#access_token={self.frag}&token_type=bearer&expires_in=3600"
            return 302, {"Location": where, "Content-Length": "0"}, b""
        if route == "/r11/app":
            return 200, {"Content-Type": "text/html"}, b"<html>app</html>"
        if route == "/r11/me":
            good = headers.get("authorization") == "Bearer " + self.frag
            return ok({"user": "alice" if good else None})
        if route == "/r11/callback":
            state = json.loads(query["state"][0])
            return ok({"ok": bool(state.get("csrf"))})
        if route == "/r11/config.ini":
            text = f"[database]\nhost = db.internal\nuser = app\npassword = {self.ini_pw}\n"
            return 200, {"Content-Type": "text/plain"}, text.encode()
        return ok({"error": "not found", "path": route}, status=404)

    def serve(self) -> ThreadingHTTPServer:
        api = self

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
                status, out, payload = api.handle(self.command, self.path, headers, body)
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

            do_GET = do_POST = do_PUT = do_DELETE = _any

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return server


# -- searching ---------------------------------------------------------------------------


def forms(raw: bytes) -> dict[bytes, str]:
    """Each encoded form of a value -> the encoding's name."""
    found: dict[bytes, str] = {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    for pad in range(3):
        encoded = base64.b64encode(b"\x00" * pad + raw)
        start, end = -(-8 * pad // 6), 8 * (pad + len(raw)) // 6
        core = encoded[start:end]
        found.setdefault(core.replace(b"+", b"-").replace(b"/", b"_"), "base64url")
        found[core] = "base64"
    found[binascii.hexlify(raw)] = "hex"
    found[binascii.hexlify(raw).upper()] = "HEX"
    found[json.dumps(text)[1:-1].encode()] = "json-escaped"
    found[json.dumps(text)[1:-1].replace("/", "\\/").encode()] = "json-escaped(\\/)"
    found["".join(f"\\u{ord(c):04x}" for c in text).encode()] = "\\u-escaped"
    found[quote_plus(text).encode()] = "url-encoded(plus)"
    found[quote(text, safe="").encode()] = "url-encoded"
    found[quote(quote(text, safe=""), safe="").encode()] = "url-encoded twice"
    found[json.dumps(text, ensure_ascii=False)[1:-1].encode()] = "json-escaped"
    found[raw] = "raw"
    return {k: v for k, v in found.items() if len(k) >= 8}


def _raw_deflate(data: bytes) -> bytes:
    return zlib.decompress(data, -15)


def _zstd(data: bytes) -> bytes:
    import zstandard

    if not data.startswith(b"\x28\xb5\x2f\xfd"):
        raise ValueError("not zstd")
    return zstandard.ZstdDecompressor().decompress(data, max_output_size=50_000_000)


def _brotli(data: bytes) -> bytes:
    import brotli

    return brotli.decompress(data)


OPENERS = (
    (gzip.decompress, "gzip"),
    (zlib.decompress, "zlib"),
    (_raw_deflate, "deflate"),
    (_zstd, "zstd"),
    (_brotli, "brotli"),
)


B64_RUN = re.compile(rb"[A-Za-z0-9+/=_\-\r\n ]{24,}")


def strings_of(data: bytes, name: str) -> list[bytes]:
    """Every string inside a YAML or JSON file, parsed (a folded scalar read whole)."""
    out: list[bytes] = []
    if not name.endswith((".yaml", ".yml", ".json")) or len(data) > 20_000_000:
        return out
    try:
        doc = yaml.safe_load(data) if name.endswith(("yaml", "yml")) else json.loads(data)
    except Exception:
        return out
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack += list(node.keys()) + list(node.values())
        elif isinstance(node, list):
            stack += node
        elif isinstance(node, str):
            out.append(node.encode("utf-8", "surrogatepass"))
        elif isinstance(node, bytes):
            out.append(node)
    return out


def decoded_layers(data: bytes, depth: int = 0) -> list[tuple[str, bytes]]:
    """(how, bytes) for the data's gzip/zlib streams and base64 runs, recursively."""
    out: list[tuple[str, bytes]] = []
    if depth > 2:
        return out
    for opener, name in OPENERS:
        try:
            inner = opener(data)
        except Exception:
            continue
        out.append((name, inner))
        out += [(f"{name}>{h}", b) for h, b in decoded_layers(inner, depth + 1)]
    if len(data) < 30_000_000:
        for match in B64_RUN.finditer(data):
            chunk = re.sub(rb"[\r\n ]", b"", match.group())
            for decoder, name in (
                (base64.b64decode, "base64"),
                (base64.urlsafe_b64decode, "base64url"),
            ):
                try:
                    inner = decoder(chunk + b"=" * (-len(chunk) % 4))
                except Exception:
                    continue
                if len(inner) < 8:
                    continue
                for opener, zname in OPENERS:
                    with contextlib.suppress(Exception):
                        out.append((f"{name}>{zname}", opener(inner)))
                break
    return out


def search(data: bytes, name: str, values: dict[str, list[bytes]]) -> list[tuple[str, str]]:
    """(class, encoding) of each sentinel in the data or a layer decoded from it."""
    hits: list[tuple[str, str]] = []
    layers = [("", data), *decoded_layers(data)]
    parsed = strings_of(data, name)
    if parsed:
        layers.append(("parsed", b"\x00".join(parsed)))
        for s in parsed:
            layers += [(f"parsed>{h}", b) for h, b in decoded_layers(s, 1)]
    table = {cls: [forms(raw) for raw in raws] for cls, raws in values.items()}
    for cls, all_forms in table.items():
        for how, blob in layers:
            for fs in all_forms:
                for form, enc in fs.items():
                    if form in blob:
                        hits.append((cls, f"{how}>{enc}" if how else enc))
                        break
    return sorted(set(hits))


def junit(path: Path) -> dict[str, str]:
    """test function name -> passed | failed: first line of the message."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for case in ET.parse(path).iter("testcase"):
        name = case.get("name", "").split("[")[0]
        bad = case.find("failure") if case.find("failure") is not None else case.find("error")
        skipped = case.find("skipped")
        if bad is not None:
            msg = (bad.get("message") or "").splitlines()[0][:150] if bad.get("message") else ""
            out[name] = "FAILED " + msg
        elif skipped is not None:
            out[name] = "skipped"
        else:
            out[name] = "passed"
    return out


def main() -> int:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="leave the run's folders in DIR")
    parser.add_argument("--only", help="comma-separated classes")
    parser.add_argument("-v", action="store_true", help="print the inner runs' output")
    args = parser.parse_args()
    halves = split()
    classes = sorted(halves)
    chosen = args.only.split(",") if args.only else classes

    work = Path(args.keep or tempfile.mkdtemp(prefix="r11-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    suite, temp, home, obs, out = (work / n for n in ("suite", "tmp", "home", "obs", "out"))
    for folder in (suite, temp, home, obs, out):
        folder.mkdir(parents=True)
    source = (HERE / "corpus_suite.py").read_text()
    (suite / "test_r11.py").write_text(source)
    (suite / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")

    env_sent, owned = make_sentinels(classes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_", "R11_"))}
    env.update(env_sent)
    env["PYTHONPATH"] = str(ROOT)
    env.update(
        HOME=str(home),
        TMPDIR=str(temp),
        R11_OBSERVED=str(obs),
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SHARED_CREDENTIALS_FILE=str(out / "no-credentials"),
        AWS_CONFIG_FILE=str(out / "no-config"),
        AWS_EC2_METADATA_DISABLED="true",
        HARNESS_CHECK_CACHE=str(suite / ".harness_cache"),
    )
    selection = ["-k", " or ".join(f"test_{c}" for c in chosen)] if args.only else []
    base = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:hypothesispytest"]
    base += ["-p", "no:xdist", "-q", "-rN", *selection]

    def pytest_run(phase: str, *extra: str) -> str:
        env["R11_PHASE"] = phase
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

    api = Api()
    server = api.serve()
    try:
        with moto_server() as moto:
            env["R11_MOTO"], env["R11_API"] = moto, api.base
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
    values: dict[str, list[bytes]] = {c: [v.encode() for v in owned[c]] for c in chosen}
    for cls, made in api.made.items():
        if cls in values:
            values[cls] += [v.encode() for v in made]
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

    leaks: dict[str, list[str]] = {c: [] for c in chosen}
    for root in (suite, temp, home):
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(work)
            for cls, raws in values.items():
                if any(r.decode("utf-8", "replace") in str(rel) for r in raws):
                    leaks[cls].append(f"{rel} (file name)")
            if not path.is_file() or path.name in ("test_r11.py", "pytest.ini"):
                continue
            if "__pycache__" in path.parts and path.name.startswith("test_r11"):
                continue
            for cls, enc in search(path.read_bytes(), path.name, values):
                owner = "pytest" if ".pytest_cache/v/cache" in str(rel) else "harness"
                leaks[cls].append(f"{rel} [{enc}] ({owner})")

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


if __name__ == "__main__":
    raise SystemExit(main())
