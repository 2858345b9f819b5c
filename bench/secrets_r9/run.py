"""Rerun the secrets-r9 corpus: record every class through the plugin against moto server and
a loopback API, replay it offline, then search every file the runs wrote for every sentinel.

    PYTHONPATH=. python bench/secrets_r9/run.py [--keep DIR] [--only CLASS,...]

Prints one line per class (its half, record and replay outcome, and each place a sentinel
was found: file and encoding), then per half the number of classes that leaked and that
replayed wrongly. Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke.

Where a sentinel is looked for: every file under the suite folder (cassettes, body files,
companion indexes, ``.pytest_cache``), the runs' temp folder and their HOME; the test module
itself is the only file skipped (it holds no sentinel: they come from the environment). Forms
looked for: raw, URL-encoded (``quote``/``quote_plus``), JSON-escaped, hex (either case),
base64 and URL-safe base64 at each alignment; and inside every base64 run, gzip or zlib
stream found in a file (decoded, then searched for the same forms), and in file names.
Files pytest itself writes (``.pytest_cache/v/cache``) are reported apart as ``pytest``:
they are not the harness's doing.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
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
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, quote, quote_plus, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from harness.exchange import HttpRequest, HttpResponse  # noqa: E402
from harness.serve.http import LoopbackServer  # noqa: E402
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


def make_sentinels(classes: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(environment, class -> its sentinel values)."""
    env: dict[str, str] = {}
    owned: dict[str, list[str]] = {}
    for n, cls in enumerate(classes):
        value = f"Sntl{n:02d}x{secrets.token_hex(8)}"
        env["R9_" + cls.upper()] = value
        owned[cls] = [value]
    extra = {
        "presigned_url_session_token": {
            "R9_PRESIGN_KEY_ID": "ASIA" + rand(UPPER_DIGITS, 16),
            "R9_PRESIGN_SECRET_KEY": rand(ALNUM + "/+", 40),
            "R9_PRESIGN_SESSION": "IQoJb3JpZ2luX2VjE" + rand(ALNUM, 120),
        },
        "s3_multipart_credentials_file": {
            "R9_MPU_KEY_ID": "AKIA" + rand(UPPER_DIGITS, 16),
            "R9_MPU_SECRET_KEY": rand(ALNUM + "/+", 40),
        },
        "s3_presigned_post_policy": {
            "R9_POST_KEY_ID": "ASIA" + rand(UPPER_DIGITS, 16),
            "R9_POST_SECRET_KEY": rand(ALNUM + "/+", 40),
            "R9_POST_SESSION": "IQoJb3JpZ2luX2VjE" + rand(ALNUM, 120),
        },
        "secretsmanager_slack_webhook": {"R9_SLACK_TAIL": rand(ALNUM, 24)},
        "account_id_in_bucket_name": {"R9_ACCOUNT_ID": "2" + rand(string.digits, 11)},
        "access_key_id_in_object_text": {"R9_TEXT_KEY_ID": "AKIA" + rand(UPPER_DIGITS, 16)},
        "http_telegram_bot_path": {
            "R9_TELEGRAM": rand(string.digits, 9) + ":AA" + rand(ALNUM + "_-", 33)
        },
        "profile_file_credentials": {
            "R9_PROF_KEY_ID": "AKIA" + rand(UPPER_DIGITS, 16),
            "R9_PROF_SECRET_KEY": rand(ALNUM + "/+", 40),
            "R9_PROF_SESSION": "FwoGZXIvYXdzE" + rand(ALNUM, 100),
        },
    }
    for cls, values in extra.items():
        if cls in owned:
            env.update(values)
            owned[cls] = list(values.values())  # the class sentinel itself is unused there

    def b64u(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    claims = {"sub": "alice", "sid": rand(ALNUM, 24), "exp": 1893456000}
    env["R9_JWT"] = ".".join(
        [
            b64u(b'{"alg":"HS256","typ":"JWT"}'),
            b64u(json.dumps(claims).encode()),
            b64u(secrets.token_bytes(32)),
        ]
    )
    if "s3_metadata_jwt_value" in owned:
        owned["s3_metadata_jwt_value"] = [env["R9_JWT"].rsplit(".", 1)[1], claims["sid"]]
    pieces = {
        "cfn_parameter_value_with_base64_chars": ("R9_CFN_VALUE", "+/", "=="),
        "http_query_secret_with_reserved_chars": ("R9_QUERY_VALUE", "&%+= ", "#"),
        "http_unicode_secret_echo": ("R9_UNICODE_VALUE", "\u00e9\u20ac", "\u00df"),
    }
    for cls, (name, middle, end) in pieces.items():
        head, tail = "Sntl" + secrets.token_hex(6), secrets.token_hex(6) + "q"
        env[name] = head + middle + tail + end
        if cls in owned:  # the whole value and each half alone
            owned[cls] = [env[name], head, tail]
    env["R9_STRIPE"] = "sk_live_" + rand(ALNUM, 24)  # beside s3_dotenv_text_body's own
    owned["s3_dotenv_text_body"].append(env["R9_STRIPE"])
    return env, owned


class Api:
    """The loopback API of the other-HTTP classes; it records the tokens it makes."""

    def __init__(self) -> None:
        self.made: dict[str, list[str]] = {}
        self.sid = "s" + secrets.token_hex(16)
        self.access = "at" + rand(ALNUM, 30)
        self.refresh = "rt" + rand(ALNUM, 30)
        self.access2 = "at" + rand(ALNUM, 30)
        self.made["http_set_cookie_session"] = [self.sid]
        self.deflated = "dt" + rand(ALNUM, 30)
        self.streamed = ["st" + rand(ALNUM, 30), "st" + rand(ALNUM, 30)]
        self.made["http_raw_deflate_response"] = [self.deflated]
        self.made["http_ndjson_stream_tokens"] = list(self.streamed)
        import boto3
        from botocore.config import Config

        self.presign_key = "ASIA" + rand(UPPER_DIGITS, 16)
        self.presign_token = "IQoJb3JpZ2luX2VjE" + rand(ALNUM, 120)
        self.presigned = boto3.client(
            "s3",
            region_name="us-east-1",
            aws_access_key_id=self.presign_key,
            aws_secret_access_key=rand(ALNUM, 40),
            aws_session_token=self.presign_token,
            config=Config(signature_version="s3v4"),
        ).generate_presigned_url(
            "put_object", Params={"Bucket": "r9-up", "Key": "in/a.csv"}, ExpiresIn=600
        )
        self.made["http_json_with_presigned_url"] = [self.presign_key, self.presign_token]
        self.soap = "SS" + rand(ALNUM, 40)
        self.made["http_soap_xml_session_token"] = [self.soap]
        self.made["httpx_refresh_token_roundtrip"] = [self.access, self.refresh, self.access2]

    def handle(self, request: HttpRequest) -> HttpResponse:
        parts = urlsplit(request.url)
        path = parts.path
        js = {"Content-Type": "application/json"}
        if path == "/r9/echo":
            key = json.loads(request.body)["api_key"]
            text = f"invalid api key {key} for this account"
            return HttpResponse(401, {"Content-Type": "text/plain"}, text.encode())
        if path == "/r9/login":
            headers = {**js, "Set-Cookie": f"sid={self.sid}; Path=/; HttpOnly"}
            return HttpResponse(200, headers, b'{"ok": true}')
        if path == "/r9/me":
            user = "alice" if self.sid in (request.header("Cookie") or "") else "nobody"
            return HttpResponse(200, js, json.dumps({"user": user}).encode())
        if path == "/r9/basic":
            ok = (request.header("Authorization") or "").startswith("Basic ")
            return HttpResponse(200, js, json.dumps({"ok": ok}).encode())
        if path == "/r9/redirect":
            nxt = parse_qs(parts.query)["next"][0]
            return HttpResponse(200, js, json.dumps({"next": nxt}).encode())
        if path == "/r9/oauth/token":
            form = parse_qs(request.body.decode())
            if form["grant_type"] == ["password"]:
                data = {"access_token": self.access, "refresh_token": self.refresh}
            elif form.get("refresh_token") == [self.refresh]:
                data = {"access_token": self.access2, "token_type": "Bearer"}
            else:
                return HttpResponse(400, js, b'{"error": "invalid_grant"}')
            return HttpResponse(200, js, json.dumps(data).encode())
        if path == "/r9/deflate":
            data = json.dumps({"access_token": self.deflated, "expires_in": 3600}).encode()
            squeeze = zlib.compressobj(wbits=-15)  # raw deflate, as some servers send it
            body = squeeze.compress(data) + squeeze.flush()
            return HttpResponse(200, {**js, "Content-Encoding": "deflate"}, body)
        if path == "/r9/ndjson":
            users = ("alice", "bob")
            rows = [{"user": u, "token": t} for u, t in zip(users, self.streamed, strict=True)]
            body = "".join(json.dumps(r) + "\n" for r in rows).encode()
            return HttpResponse(200, {"Content-Type": "application/x-ndjson"}, body)
        if path == "/r9/yaml":
            return HttpResponse(200, {"Content-Type": "application/yaml"}, request.body)
        if path == "/r9/proxyauth":
            ok = (request.header("Proxy-Authorization") or "").startswith("Basic ")
            return HttpResponse(200, js, json.dumps({"ok": ok}).encode())
        if path == "/r9/graphql":
            ok = "password" in json.loads(request.body)["query"]
            return HttpResponse(200, js, json.dumps({"data": {"login": {"ok": ok}}}).encode())
        if path.startswith("/bot") and path.endswith("/getMe"):
            return HttpResponse(200, js, b'{"ok": true, "result": {"username": "r9bot"}}')
        if path == "/r9/soap":
            assert b"<Password>" in request.body
            xml = (
                '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/'
                f'soap/envelope/"><soap:Body><LoginResponse><SessionToken>{self.soap}'
                "</SessionToken></LoginResponse></soap:Body></soap:Envelope>"
            )
            return HttpResponse(200, {"Content-Type": "text/xml"}, xml.encode())
        if path == "/r9/upload-url":
            return HttpResponse(200, js, json.dumps({"url": self.presigned}).encode())
        if path == "/r9/echo-q":
            return HttpResponse(200, js, json.dumps(dict(parse_qsl(parts.query))).encode())
        if path == "/r9/headers":
            echo = {"Authorization": request.header("Authorization")}
            return HttpResponse(200, js, json.dumps({"headers": echo}).encode())
        if path == "/r9/cookies":
            pairs = (c.strip().split("=", 1) for c in (request.header("Cookie") or "").split(";"))
            return HttpResponse(200, js, json.dumps({"cookies": dict(pairs)}).encode())
        if path == "/r9/ingest":
            doc = json.loads(gzip.decompress(request.body))
            return HttpResponse(200, js, json.dumps({"accepted": len(doc["events"])}).encode())
        if path == "/r9/upload":
            assert b"password" in request.body
            return HttpResponse(200, js, b'{"ok": true}')
        if path == "/r9/echo-u":
            text = "wrong password " + json.loads(request.body)["password"]
            headers = {"Content-Type": "text/plain; charset=utf-8"}
            return HttpResponse(401, headers, text.encode("utf-8"))
        if path == "/r9/register":
            key = json.loads(request.body)["api_key"]
            data = {"cache_key": "apikey_" + key, "status": "ok"}
            return HttpResponse(200, js, json.dumps(data).encode())
        if path == "/r9/oauth/me":
            ok = request.header("Authorization") == "Bearer " + self.access2
            return HttpResponse(200, js, json.dumps({"user": "alice" if ok else "?"}).encode())
        return HttpResponse(404, js, b"{}")


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
    found[quote_plus(text).encode()] = "url-encoded(plus)"
    found[quote(text, safe="").encode()] = "url-encoded"
    found[json.dumps(text, ensure_ascii=False)[1:-1].encode()] = "json-escaped"
    found[raw] = "raw"
    return {k: v for k, v in found.items() if len(k) >= 8}


B64_RUN = re.compile(rb"[A-Za-z0-9+/=_\-\r\n ]{24,}")


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


def search(data: bytes, values: dict[str, list[bytes]]) -> list[tuple[str, str]]:
    """(class, encoding) of each sentinel in the data or a layer decoded from it."""
    hits: list[tuple[str, str]] = []
    layers = [("", data), *decoded_layers(data)]
    for cls, raws in values.items():
        for raw in raws:
            for how, blob in layers:
                for form, enc in forms(raw).items():
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

    work = Path(args.keep or tempfile.mkdtemp(prefix="r9-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    suite, temp, home, obs, out = (work / n for n in ("suite", "tmp", "home", "obs", "out"))
    for folder in (suite, temp, home, obs, out):
        folder.mkdir(parents=True)
    source = (HERE / "corpus_suite.py").read_text()
    (suite / "test_r9.py").write_text(source)
    (suite / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")

    env_sent, owned = make_sentinels(classes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_", "R9_"))}
    env.update(env_sent)
    env["PYTHONPATH"] = str(ROOT)
    creds = out / "credentials"  # outside the searched folders: the user's own file
    creds.write_text(
        "[r9prof]\n"
        f"aws_access_key_id = {env_sent['R9_PROF_KEY_ID']}\n"
        f"aws_secret_access_key = {env_sent['R9_PROF_SECRET_KEY']}\n"
        f"aws_session_token = {env_sent['R9_PROF_SESSION']}\n"
    )
    env.update(
        HOME=str(home),
        TMPDIR=str(temp),
        R9_OBSERVED=str(obs),
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SHARED_CREDENTIALS_FILE=str(creds),
        AWS_CONFIG_FILE=str(out / "no-config"),
        AWS_EC2_METADATA_DISABLED="true",
        HARNESS_CHECK_CACHE=str(suite / ".harness_cache"),
    )
    selection = ["-k", " or ".join(f"test_{c}" for c in chosen)] if args.only else []
    base = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:hypothesispytest"]
    base += ["-p", "no:xdist", "-q", "-rN", *selection]

    def pytest_run(phase: str, *extra: str) -> str:
        env["R9_PHASE"] = phase
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
    with moto_server() as moto, LoopbackServer(api.handle) as loopback:
        env["R9_MOTO"], env["R9_API"] = moto, loopback.endpoint_url
        pytest_run("record", "--aws-record-mode=once", "--aws-keep-failed-recordings")
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
        cls = seen.name.split(".")[0]
        if cls in values:
            text = seen.read_text()
            if cls == "ec2_create_key_pair_pem":  # a line of the key's base64 too
                values[cls].append(text.splitlines()[3].encode())
            raw = base64.b64decode(text) if cls == "kms_generate_data_key" else text.encode()
            values[cls].append(raw)

    leaks: dict[str, list[str]] = {c: [] for c in chosen}
    for root in (suite, temp, home):
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(work)
            for cls, raws in values.items():
                if any(r.decode("utf-8", "replace") in str(rel) for r in raws):
                    leaks[cls].append(f"{rel} (file name)")
            if not path.is_file() or path.name in ("test_r9.py", "pytest.ini"):
                continue
            if "__pycache__" in path.parts and path.name.startswith("test_r9"):
                continue
            for cls, enc in search(path.read_bytes(), values):
                owner = "pytest" if ".pytest_cache/v/cache" in str(rel) else "harness"
                if path.name == "app-errors.log":
                    owner = "harness's error text, logged by the app"
                leaks[cls].append(f"{rel} [{enc}] ({owner})")

    totals = {"fix": [0, 0, 0], "held-out": [0, 0, 0]}  # classes, leaked, replayed wrongly
    print(f"run folder: {work}\nharness scan: exit {scan.returncode}")
    for cls in chosen:
        half = halves[cls]
        name = "test_" + cls
        rec, rep = recorded.get(name, "missing"), replayed.get(name, "missing")
        theirs = [x for x in leaks[cls] if not x.endswith("(pytest)")]
        status = "LEAKED" if theirs else "clean"
        if cls == "keep_failed_recording":  # fails on purpose, live and in replay
            replay_bad = "fails on purpose" not in rep
        elif cls == "miss_report_error_text":  # misses on purpose in replay
            replay_bad = False
        else:
            replay_bad = rec == "passed" and rep != "passed"
        totals[half][0] += 1
        totals[half][1] += bool(theirs)
        totals[half][2] += replay_bad
        print(f"{half:9} {cls:38} {status:6} record={rec[:60]} replay={rep[:90]}")
        for where in leaks[cls]:
            print(f"{'':10}{where}")
    for half, (n, leaked, wrong) in totals.items():
        print(f"{half}: {leaked} of {n} classes leaked; {wrong} replayed wrongly")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
