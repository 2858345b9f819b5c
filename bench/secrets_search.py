"""The secrets red team's own search: is a value anywhere in the files a run wrote?

The rounds' runners (``bench/secrets_r*/run.py``) use it to decide whether a class leaked.
It is independent of the thing it measures: nothing of ``harness.secrets`` is imported here,
and none of its detectors' ideas are borrowed; it looks for the *values* themselves.

Forms of a value (``forms``): raw, URL-encoded (``quote``/``quote_plus``, once and twice),
JSON-escaped (also with ``\\/`` and with every character ``\\uXXXX``-escaped), hex (either
case), base64 and URL-safe base64 at each alignment, UTF-16 (LE and BE). Layers of a file
(``decoded_layers``): every gzip/zlib/raw-deflate/zstd/brotli stream, every base64 run (and
any compressed stream inside it), a quoted-printable decoding (soft line breaks joined) for
any text with ``=`` at a line's end, recursively; and every string of a YAML or JSON file
once parsed (``strings_of``). This is round 14's search; a later round adds forms or layers
by passing ``more_forms``/``more_layers`` (``ROUND15_FORMS``, ``ROUND15_LAYERS``), so an older
round's figures stay its own.
"""

from __future__ import annotations

import base64
import binascii
import bz2
import contextlib
import gzip
import html
import json
import lzma
import quopri
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote_to_bytes

import yaml

FormMaker = Callable[[bytes, str], dict[bytes, str]]
LayerMaker = Callable[[bytes], list[tuple[str, bytes]]]


def forms(raw: bytes, more: Iterable[FormMaker] = ()) -> dict[bytes, str]:
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
    found[text.encode("utf-16-le")] = "utf-16-le"
    found[text.encode("utf-16-be")] = "utf-16-be"
    for maker in more:
        for form, name in maker(raw, text).items():
            found.setdefault(form, name)
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


def decoded_layers(
    data: bytes, depth: int = 0, more: Iterable[LayerMaker] = ()
) -> list[tuple[str, bytes]]:
    """(how, bytes) for the data's gzip/zlib streams and base64 runs, recursively."""
    more = tuple(more)
    out: list[tuple[str, bytes]] = []
    if depth > 2:
        return out
    if b"=\n" in data or b"=\r\n" in data:
        with contextlib.suppress(Exception):
            out.append(("quoted-printable", quopri.decodestring(data)))
    for maker in more:
        for how, inner in maker(data):
            out.append((how, inner))
            out += [(f"{how}>{h}", b) for h, b in decoded_layers(inner, depth + 1, more)]
    for opener, name in OPENERS:
        try:
            inner = opener(data)
        except Exception:
            continue
        out.append((name, inner))
        out += [(f"{name}>{h}", b) for h, b in decoded_layers(inner, depth + 1, more)]
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


def search(
    data: bytes,
    name: str,
    values: dict[str, list[bytes]],
    more_forms: Iterable[FormMaker] = (),
    more_layers: Iterable[LayerMaker] = (),
) -> list[tuple[str, str]]:
    """(class, encoding) of each sentinel in the data or a layer decoded from it."""
    more_forms, more_layers = tuple(more_forms), tuple(more_layers)
    hits: list[tuple[str, str]] = []
    layers = [("", data), *decoded_layers(data, 0, more_layers)]
    parsed = strings_of(data, name)
    if parsed:
        layers.append(("parsed", b"\x00".join(parsed)))
        for s in parsed:
            layers += [(f"parsed>{h}", b) for h, b in decoded_layers(s, 1, more_layers)]
    table = {cls: [forms(raw, more_forms) for raw in raws] for cls, raws in values.items()}
    for cls, all_forms in table.items():
        for how, blob in layers:
            for fs in all_forms:
                for form, enc in fs.items():
                    if form in blob:
                        hits.append((cls, f"{how}>{enc}" if how else enc))
                        break
    return sorted(set(hits))


def search_tree(
    roots: Iterable[Path],
    work: Path,
    values: dict[str, list[bytes]],
    skip: Callable[[Path], bool],
    more_forms: Iterable[FormMaker] = (),
    more_layers: Iterable[LayerMaker] = (),
) -> dict[str, list[str]]:
    """class -> each place its values were found under the roots: a file name, or a file and
    the encoding. Files pytest itself writes (``.pytest_cache/v/cache``) end ``(pytest)``,
    the rest ``(harness)``; ``skip(path)`` leaves a file's bytes unread (its name is read)."""
    leaks: dict[str, list[str]] = {c: [] for c in values}
    for root in roots:
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(work)
            for cls, raws in values.items():
                if any(r.decode("utf-8", "replace") in str(rel) for r in raws):
                    leaks[cls].append(f"{rel} (file name)")
            if not path.is_file() or skip(path):
                continue
            found = search(path.read_bytes(), path.name, values, more_forms, more_layers)
            for cls, enc in found:
                owner = "pytest" if ".pytest_cache/v/cache" in str(rel) else "harness"
                leaks[cls].append(f"{rel} [{enc}] ({owner})")
    return leaks


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


# -- round 15's additions ------------------------------------------------------------------


def _more_forms_r15(raw: bytes, text: str) -> dict[bytes, str]:
    """Base32 at each alignment (an otpauth or a TOTP seed's alphabet), HTML entity-escaped."""
    found: dict[bytes, str] = {}
    for pad in range(5):
        encoded = base64.b32encode(b"\x00" * pad + raw)
        start, end = -(-8 * pad // 5), 8 * (pad + len(raw)) // 5
        found[encoded[start:end]] = "base32"
    found[html.escape(text).encode()] = "html-escaped"
    return found


_CHUNK = re.compile(rb"(?m)^([0-9a-fA-F]{1,8})(;[^\r\n]*)?\r\n")


def _dechunked(data: bytes) -> list[tuple[str, bytes]]:
    """An HTTP chunked or aws-chunked body, its chunks joined (signatures dropped)."""
    if not _CHUNK.match(data):
        return []
    out, pos = b"", 0
    while True:
        m = _CHUNK.match(data, pos)
        if not m:
            return []
        size = int(m.group(1), 16)
        if not size:
            break
        out += data[m.end() : m.end() + size]
        pos = m.end() + size + 2
    return [("chunked", out)] if out else []


def _percent_decoded(data: bytes) -> list[tuple[str, bytes]]:
    """A text with %XX escapes, unescaped once (a value split across escapes in a URL's
    fragment or a cookie)."""
    if b"%" not in data or len(data) > 5_000_000:
        return []
    inner = unquote_to_bytes(data)
    return [("percent-decoded", inner)] if inner != data else []


def _html_unescaped(data: bytes) -> list[tuple[str, bytes]]:
    if b"&" not in data or len(data) > 5_000_000:
        return []
    text = data.decode("utf-8", "surrogateescape")
    inner = html.unescape(text).encode("utf-8", "surrogateescape")
    return [("html-unescaped", inner)] if inner != data else []


ROUND15_FORMS: tuple[FormMaker, ...] = (_more_forms_r15,)


def _bz2_xz(data: bytes) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for opener, name in ((bz2.decompress, "bzip2"), (lzma.decompress, "xz")):
        with contextlib.suppress(Exception):
            out.append((name, opener(data)))
    return out


def _unfolded(data: bytes) -> list[tuple[str, bytes]]:
    """Folded lines (iCalendar, MIME headers: a line break then a space or tab) joined."""
    if b"\n " not in data and b"\n\t" not in data:
        return []
    return [("unfolded", re.sub(rb"\r?\n[ \t]", b"", data))]


ROUND15_LAYERS: tuple[LayerMaker, ...] = (
    _bz2_xz,
    _dechunked,
    _percent_decoded,
    _html_unescaped,
    _unfolded,
)
