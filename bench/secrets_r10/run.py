"""Rerun the secrets-r10 corpus: record every class through the plugin against moto server and
a loopback API, replay it offline, then search every file the runs wrote for every sentinel.

    PYTHONPATH=. python bench/secrets_r10/run.py [--keep DIR] [--only CLASS,...]

Prints one line per class (its half, record and replay outcome, and each place a sentinel
was found: file and encoding), then per half the number of classes that leaked and that
replayed wrongly. Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke.

The search is this file's own (nothing of ``harness.secrets`` is imported). Where: every file
under the suite folder (cassettes, body files, companion indexes, logs, ``.pytest_cache``),
the runs' temp folder and their HOME, and every file's name; the test module is the only
file skipped (it holds no sentinel: they come from the environment). Forms: raw,
URL-encoded (``quote``/``quote_plus``), JSON-escaped (also with ``\\/`` and with every
character ``\\uXXXX``-escaped), hex (either case), base64 and URL-safe base64 at each
alignment; and the same forms inside every gzip/zlib stream or base64 run found in a file,
inside every string of a YAML or JSON file once parsed (so a folded or escaped scalar is read
as its value), and in file names. Files pytest itself writes (``.pytest_cache/v/cache``) are
reported apart as ``pytest``: they are not the harness's doing.

The loopback API is this file's own ``http.server`` (not the harness's), so it can send a
chunked response with a token split across chunks.
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


def key_and_cert() -> tuple[bytes, bytes]:
    """A fresh RSA key and a self-signed certificate for it, both PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "r10.example.com")])
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


def pem_lines(pem: str) -> list[str]:
    """Two lines from the middle of a PEM body: each alone is the key's text."""
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    return [body[len(body) // 2], body[len(body) // 2 + 1]]


def make_sentinels(classes: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(environment, class -> its sentinel values)."""
    env: dict[str, str] = {}
    owned: dict[str, list[str]] = {}
    for n, cls in enumerate(classes):
        value = f"Sntl{n:02d}x{secrets.token_hex(8)}"
        env["R10_" + cls.upper()] = value
        owned[cls] = [value]

    def session(prefix: str) -> dict[str, str]:
        return {
            f"R10_{prefix}_KEY_ID": "ASIA" + rand(UPPER_DIGITS, 16),
            f"R10_{prefix}_SECRET_KEY": rand(ALNUM + "/+", 40),
            f"R10_{prefix}_SESSION": "IQoJb3JpZ2luX2VjE" + rand(ALNUM, 120),
        }

    extra = {
        "rds_auth_token_sent_elsewhere": session("RDS"),
        "s3_object_holds_presigned_url": session("PSU"),
        "env_session_token_header": session("ENV"),
    }
    for cls, values in extra.items():
        env.update(values)
        if cls in owned:
            owned[cls] = list(values.values())
    # the secret key is not in a presigned URL or token: it is still looked for
    env["R10_OIDC_REFRESH"] = "aorAAAAA" + rand(ALNUM, 60)
    if "sso_oidc_create_token" in owned:
        owned["sso_oidc_create_token"].append(env["R10_OIDC_REFRESH"])
    if "sqs_batch_message_bodies" in owned:
        owned["sqs_batch_message_bodies"].append(owned["sqs_batch_message_bodies"][0][::-1])
    key, cert = key_and_cert()
    env["R10_ACM_KEY"] = base64.b64encode(key).decode()
    env["R10_ACM_CERT"] = base64.b64encode(cert).decode()
    if "acm_import_private_key" in owned:
        owned["acm_import_private_key"] = pem_lines(key.decode())
    return env, owned


class Api:
    """The loopback API: what a few AWS services would answer (those moto lacks or answers
    with fixed values) and a few web APIs. It records the tokens it makes."""

    def __init__(self) -> None:
        self.made: dict[str, list[str]] = {}

        def make(cls: str, value: str) -> str:
            self.made.setdefault(cls, []).append(value)
            return value

        self.service_password = make("iam_service_specific_credential", rand(ALNUM + "+/", 44))
        self.ecr_password = make("ecr_authorization_token", "eyJwYXlsb2FkIjoi" + rand(ALNUM, 90))
        self.ecr_token = base64.b64encode(f"AWS:{self.ecr_password}".encode()).decode()
        self.appsync_key = make("appsync_api_key_value", "da2-" + rand(string.ascii_lowercase, 26))
        self.sso = {
            "accessKeyId": "ASIA" + rand(UPPER_DIGITS, 16),
            "secretAccessKey": make("sso_role_credentials_bearer", rand(ALNUM + "/+", 40)),
            "sessionToken": make("sso_role_credentials_bearer", "IQoJb3JpZ2lu" + rand(ALNUM, 100)),
            "expiration": 1893456000000,
        }
        self.oidc = {
            "accessToken": make("sso_oidc_create_token", "aoaAAAAA" + rand(ALNUM, 80)),
            "refreshToken": make("sso_oidc_create_token", "aorAAAAA" + rand(ALNUM, 80)),
            "idToken": make("sso_oidc_create_token", "eyJraWQi" + rand(ALNUM, 80)),
            "tokenType": "Bearer",
            "expiresIn": 3600,
        }
        self.code = make("http_redirect_location_token", rand(ALNUM, 32))
        self.chunked = make("http_chunked_split_token", "cs" + rand(ALNUM, 38))
        self.uescaped = make("http_unicode_escaped_json_token", "ue" + rand(ALNUM, 38))
        self.oauth = make("http_form_encoded_oauth_response", "gho_" + rand(ALNUM, 36))
        self.xmltok = make("http_xml_attribute_token", "xa" + rand(ALNUM, 38))
        self.csrf = make("http_html_csrf_hidden_input", "cf" + rand(ALNUM, 38))
        self.b64hdr = make("http_base64_json_response_header", "bh" + rand(ALNUM, 38))
        self.slash = make(
            "http_json_escaped_slash_token", "sl" + rand(ALNUM, 18) + "/" + rand(ALNUM, 18)
        )

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple:
        """(status, headers, body or list of chunks)."""
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        js = {"Content-Type": "application/json"}
        route = parts.path
        target = headers.get("x-amz-target", "")

        def ok(data: object, status: int = 200, more: dict | None = None) -> tuple:
            return status, {**js, **(more or {})}, json.dumps(data).encode()

        if target.endswith("GetAuthorizationToken"):
            data = {
                "authorizationData": [
                    {
                        "authorizationToken": self.ecr_token,
                        "expiresAt": 1893456000,
                        "proxyEndpoint": "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
                    }
                ]
            }
            return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(data).encode()
        if route == "/" and b"Action=CreateServiceSpecificCredential" in body:
            xml = (
                '<CreateServiceSpecificCredentialResponse xmlns="https://iam.amazonaws.com/doc/'
                '2010-05-08/"><CreateServiceSpecificCredentialResult><ServiceSpecificCredential>'
                "<CreateDate>2026-01-01T00:00:00Z</CreateDate>"
                "<ServiceName>codecommit.amazonaws.com</ServiceName>"
                "<ServiceUserName>r10-git-at-123456789012</ServiceUserName>"
                f"<ServicePassword>{self.service_password}</ServicePassword>"
                "<ServiceSpecificCredentialId>ACCA1234567890EXAMPLE</ServiceSpecificCredentialId>"
                "<UserName>r10-git</UserName><Status>Active</Status>"
                "</ServiceSpecificCredential></CreateServiceSpecificCredentialResult>"
                "<ResponseMetadata><RequestId>r10</RequestId></ResponseMetadata>"
                "</CreateServiceSpecificCredentialResponse>"
            )
            return 200, {"Content-Type": "text/xml"}, xml.encode()
        if route == "/v2/":
            return ok({"ok": headers.get("authorization") == "Basic " + self.ecr_token})
        if route.endswith("/apikeys"):
            return ok(
                {"apiKey": {"id": self.appsync_key, "description": "ci", "expires": 1893456000}}
            )
        if route == "/graphql":
            return ok(
                {"data": {"me": "alice" if headers.get("x-api-key") == self.appsync_key else None}}
            )
        if route == "/federation/credentials":
            assert headers.get("x-amz-sso_bearer_token")
            return ok({"roleCredentials": self.sso})
        if route == "/token":
            return ok(self.oidc)
        if route == "/r10/db-login":
            password = json.loads(body)["password"]
            return ok({"ok": "X-Amz-Security-Token" in password})
        if route == "/r10/sso/start":
            where = f"/r10/sso/callback?code={self.code}&state=r10"
            return 302, {"Location": where, "Content-Length": "0"}, b""
        if route == "/r10/sso/callback":
            return ok({"user": "alice" if query.get("code") == [self.code] else None})
        if route == "/r10/tenant":
            return ok({"tenant": "acme" if headers.get("x-tenant") else None})
        if route == "/r10/chunked":
            text = json.dumps({"session": self.chunked}).encode()
            cut = text.index(self.chunked.encode()) + 20
            return 200, js, [text[:cut], text[cut:]]
        if route == "/r10/uescaped":
            escaped = "".join(f"\\u{ord(c):04x}" for c in self.uescaped)
            return 200, js, ('{"token": "' + escaped + '"}').encode()
        if route == "/r10/oauth/access_token":
            form = parse_qs(body.decode())
            assert form["client_secret"]
            text = f"access_token={self.oauth}&scope=repo&token_type=bearer"
            return 200, {"Content-Type": "application/x-www-form-urlencoded"}, text.encode()
        if route == "/r10/session.xml":
            xml = f'<?xml version="1.0"?><session token="{self.xmltok}" user="alice"/>'
            return 200, {"Content-Type": "application/xml"}, xml.encode()
        if route == "/r10/form" and method == "GET":
            html = (
                '<html><body><form method="post"><input type="hidden" name="csrf_token" '
                f'value="{self.csrf}"><input name="name"></form></body></html>'
            )
            return 200, {"Content-Type": "text/html"}, html.encode()
        if route == "/r10/form":
            return ok({"ok": parse_qs(body.decode()).get("csrf_token") == [self.csrf]})
        if route == "/r10/profile":
            return ok({"ok": b'name="passwd"' in body})
        if route == "/r10/whoami":
            info = base64.b64encode(json.dumps({"user": "alice", "token": self.b64hdr}).encode())
            return ok({"user": "alice"}, more={"X-Session-Info": info.decode()})
        if route == "/r10/items":
            token = query["access_token"][0]
            if query.get("page") == ["2"]:
                return ok({"items": [3, 4]})
            link = f'<{self.base}/r10/items?page=2&access_token={token}>; rel="next"'
            return ok({"items": [1, 2]}, more={"Link": link})
        if route == "/r10/phpjson":
            return 200, js, ('{"token":"' + self.slash.replace("/", "\\/") + '"}').encode()
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
    for opener, name in ((gzip.decompress, "gzip"), (zlib.decompress, "zlib")):
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
                for opener, zname in ((gzip.decompress, "gzip"), (zlib.decompress, "zlib")):
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

    work = Path(args.keep or tempfile.mkdtemp(prefix="r10-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    suite, temp, home, obs, out = (work / n for n in ("suite", "tmp", "home", "obs", "out"))
    for folder in (suite, temp, home, obs, out):
        folder.mkdir(parents=True)
    source = (HERE / "corpus_suite.py").read_text()
    (suite / "test_r10.py").write_text(source)
    (suite / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")

    env_sent, owned = make_sentinels(classes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_", "R10_"))}
    env.update(env_sent)
    env["PYTHONPATH"] = str(ROOT)
    env.update(
        HOME=str(home),
        TMPDIR=str(temp),
        R10_OBSERVED=str(obs),
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
        env["R10_PHASE"] = phase
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
            env["R10_MOTO"], env["R10_API"] = moto, api.base
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
            if not path.is_file() or path.name in ("test_r10.py", "pytest.ini"):
                continue
            if "__pycache__" in path.parts and path.name.startswith("test_r10"):
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
