"""Are the recordings still true? Send each recorded request again, compare the answers.

``verify_entries`` replays every recorded AWS request of a cassette against a live endpoint
(AWS itself, moto server, ``harness serve``) through a real botocore client built from the
recorded service, operation and parameters (decoded from the recorded HTTP request by the
protocol's codec), and compares the live answer with the recorded one as botocore's parser
reads both. Each difference is classified:

- ``drift``: the contract moved. The call fails where it succeeded (or the reverse) with an
  error the model does not list, or its error code changed; a member the model requires is
  on one side only; a value's type or shape changed; an enum value is outside the model; or
  the contract checker (``harness.contract.checker``) judges the two answers differently (a member
  the model does not know, a wrong type, an unmodeled error code...).
- ``volatile``: values that change by nature: timestamps (the model's ``timestamp`` shapes,
  and strings the ``time`` kind reads), generated ids (``uuid``, ``hex``, ``hash`` kinds of
  ``harness.replay.volatile``; any letters and digits in members named like ids, tokens, ARNs,
  handles and ETags), request ids (never compared), redaction placeholders.
- ``data``: the same shape with other values: another count, another name, an optional
  member present on one side only, more or fewer list items, a modeled error instead of a
  success.

What is sent: only read-only operations unless ``allow_writes`` (see :func:`read_only`).
Never sent, with the reason: a request holding a redaction placeholder (the real value is
unknown), a request carrying a pagination token from a recorded answer (the live service
never issued it), a call to no AWS operation. The live answer is redacted exactly as a
recording is before anything compares or shows it, so a secret it holds is never printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.aws import protocols
from harness.aws.models import members_by_key, operation_model, pagination_tokens
from harness.cassettes.entries import Entry
from harness.errors import HarnessUsageError
from harness.exchange import Exchange, HttpResponse
from harness.replay.volatile import Volatile

Kind = Literal["drift", "data", "volatile"]
Outcome = Literal["same", "volatile", "data", "drift", "transient", "skipped"]

#: Operation names starting with one of these verbs (then a capital or the end) read.
READ_VERBS = ("Get", "List", "Describe", "Head", "BatchGet", "Query", "Scan", "Search", "Lookup")
#: HTTP methods that write, whatever an operation is called.
WRITE_METHODS = ("PUT", "PATCH", "DELETE")
#: Protocols whose model binds each operation to its own HTTP method.
REST_PROTOCOLS = ("rest-json", "rest-xml")
#: Request members holding a page token from a previous answer, besides botocore's paginators'.
TOKEN_NAMES = frozenset(
    {"nexttoken", "marker", "nextmarker", "continuationtoken", "paginationtoken", "pagetoken"}
)
#: Member names whose letters-and-digits values are generated (ids, tokens, ARNs).
_ID_NAME = re.compile(r"(Id|ID|Ids|Token|Arn|ARN|Handle|ETag|Etag|RequestId)$")
_GENERATED = Volatile(("uuid", "hex", "hash", "time"))
_ID_LIKE = Volatile(("uuid", "hex", "hash", "time", "alnum"))
_THROTTLING = re.compile(r"Throttl|TooManyRequests|RequestLimitExceeded|SlowDown", re.I)
ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()


@dataclass(kw_only=True, frozen=True)
class Difference:
    """One difference between the recorded and the live answer."""

    kind: Kind
    path: str
    why: str
    recorded: Any = ABSENT
    live: Any = ABSENT

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (a side without the member has no key)."""
        found: dict[str, Any] = {"kind": self.kind, "path": self.path, "why": self.why}
        if self.recorded is not ABSENT:
            found["recorded"] = self.recorded
        if self.live is not ABSENT:
            found["live"] = self.live
        return found


@dataclass(kw_only=True)
class Result:
    """What became of one recorded interaction."""

    cassette: str
    index: int
    operation: str
    outcome: Outcome
    reason: str = ""
    differences: list[Difference] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "cassette": self.cassette,
            "index": self.index,
            "operation": self.operation,
            "outcome": self.outcome,
            "reason": self.reason,
            "differences": [d.to_dict() for d in self.differences],
        }


# --------------------------------------------------------------------------- what is sent


def read_only(service: str, operation: str) -> tuple[bool, str]:
    """Whether verify may send the operation without ``--allow-writes``, and why.

    Read-only: the model does not bind it to PUT, PATCH or DELETE, and either its name starts
    with a read verb (``READ_VERBS``, followed by a capital letter or nothing: ``GetObject``,
    ``ListQueues``, ``BatchGetItem``, not ``Getaway``), or it is a REST operation (rest-json,
    rest-xml) the model binds to GET or HEAD. json and query operations are all POST, so only
    their names speak for them.
    """
    model = operation_model(service, operation)
    method = str((model.http or {}).get("method") or "POST").upper()
    if method in WRITE_METHODS:
        return False, f"{operation} is a {method} in botocore's model"
    if any(re.match(rf"{verb}(?:[A-Z0-9]|$)", operation) for verb in READ_VERBS):
        return True, f"{operation} starts with a read verb"
    protocol = protocols.protocol_of(model.service_model)
    if protocol in REST_PROTOCOLS and method in ("GET", "HEAD"):
        return True, f"{operation} is a {method} in botocore's model"
    return False, f"{operation} starts with no read verb and is a {method} in botocore's model"


def _placeholder(params: Any) -> str | None:
    from harness.replay.match_keys import canonical
    from harness.secrets.vault import SLOT

    found = SLOT.search(canonical(params)) if isinstance(params, dict) else None
    return found.group(0) if found else None


def _page_token(service: str, operation: str, params: dict[str, Any]) -> str | None:
    names = set(pagination_tokens(service, operation))
    names |= {name for name in params if name.lower() in TOKEN_NAMES}
    return next((name for name in sorted(names) if params.get(name) not in (None, "", {})), None)


def why_not_sent(entry: Entry, allow_writes: bool) -> str | None:
    """The reason an interaction is not sent, None when it is."""
    exchange = entry.exchange
    if exchange is None:
        return "not a call to an AWS operation botocore knows"
    if not allow_writes:
        allowed, why = read_only(exchange.service, exchange.operation)
        if not allowed:
            return f"a write: {why}; --allow-writes sends it"
    placeholder = _placeholder(exchange.params)
    if placeholder is not None:
        return f"holds the placeholder {placeholder} of a redacted value; the real one is unknown"
    token = _page_token(exchange.service, exchange.operation, exchange.params)
    if token is not None:
        return f"{token} comes from a recorded answer; the live service never issued it"
    return None


# --------------------------------------------------------------------------- sending


class Sender:
    """Real botocore clients to one endpoint (``None``: AWS's own), one per service and region,
    keeping the raw HTTP answer of each call."""

    def __init__(self, endpoint: str | None, region: str | None) -> None:
        import botocore.session

        self.endpoint = endpoint
        self.region = region
        self._session = botocore.session.Session()
        self._clients: dict[tuple[str, str], Any] = {}
        self._last: HttpResponse | None = None

    def region_for(self, entry: Entry) -> str:
        from botocore.exceptions import InvalidRegionError
        from botocore.utils import validate_region_name

        from harness.replay.match_keys import region_of

        sources = (
            (self.region, "--region"),
            (entry.tag.get("region"), f"recorded in interaction #{entry.index}"),
            (region_of(entry.request.url), f"of interaction #{entry.index}'s URL"),
            (self._session.get_config_variable("region"), "botocore's configured region"),
        )
        region, source = next(((r, s) for r, s in sources if r), (None, ""))
        if not region:
            raise HarnessUsageError(
                f"No region for interaction #{entry.index} ({entry.label}): it recorded none. "
                "Pass --region (or set AWS_DEFAULT_REGION)."
            )
        try:
            validate_region_name(str(region))
        except InvalidRegionError:
            raise HarnessUsageError(
                f"Cannot send {entry.label} to region {str(region)!r} ({source}): botocore "
                "takes letters, digits and dashes only, like us-east-1. Pass --region with a "
                "real region."
            ) from None
        return str(region)

    def _client(self, service: str, region: str) -> Any:
        found = self._clients.get((service, region))
        if found is None:
            from botocore.config import Config

            found = self._session.create_client(
                service,
                region_name=region,
                endpoint_url=self.endpoint,
                config=Config(retries={"mode": "standard", "max_attempts": 3}),
            )
            found.meta.events.register("after-call", self._keep)
            self._clients[(service, region)] = found
        return found

    def _keep(self, http_response: Any = None, **_: Any) -> None:
        if http_response is not None:
            self._last = HttpResponse(
                int(http_response.status_code),
                {str(k): str(v) for k, v in http_response.headers.items()},
                bytes(http_response.content or b""),
            )

    def send(self, entry: Entry) -> HttpResponse | str:
        """The live HTTP answer to the entry's recorded request, or why there is none."""
        import botocore.exceptions as errors
        from botocore import xform_name

        exchange = entry.exchange
        assert exchange is not None
        model = operation_model(exchange.service, exchange.operation)
        params = protocols.decode_request(model, entry.request)
        client = self._client(exchange.service, self.region_for(entry))
        self._last = None
        try:
            getattr(client, xform_name(exchange.operation))(**params)
        except errors.ClientError:
            pass  # the answer is kept all the same
        except errors.ParamValidationError as exc:
            return f"botocore refuses the recorded parameters: {_first_line(exc)}"
        except errors.NoCredentialsError:
            raise HarnessUsageError(
                "No AWS credentials: verify sends signed requests. Set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY or a profile (against moto or harness serve, any value "
                "will do)."
            ) from None
        except (errors.EndpointConnectionError, errors.ConnectionClosedError) as exc:
            raise HarnessUsageError(
                f"Cannot reach {self.endpoint or 'AWS'} for {exchange.label}: "
                f"{_first_line(exc)}. Check --endpoint and that the server is running."
            ) from None
        except errors.BotoCoreError as exc:
            return f"botocore could not send it: {_first_line(exc)}"
        if self._last is None:
            return "botocore kept no HTTP answer (an event stream or a streamed body)"
        return self._last


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# --------------------------------------------------------------------------- comparing


def verify_entries(
    label: str,
    entries: Iterable[Entry],
    send: Callable[[Entry], HttpResponse | str],
    *,
    allow_writes: bool = False,
) -> list[Result]:
    """Send each entry of cassette ``label`` (unless told why not) and compare the answers."""
    from harness.secrets import Redactor

    results = []
    for entry in entries:
        operation = entry.label
        why = why_not_sent(entry, allow_writes)
        answer = why if why is not None else send(entry)  # (a text: why it was not sent)
        if isinstance(answer, str):
            results.append(
                Result(
                    cassette=label,
                    index=entry.index,
                    operation=operation,
                    outcome="skipped",
                    reason=answer,
                )
            )
            continue
        exchange = entry.exchange
        assert exchange is not None
        model = operation_model(exchange.service, exchange.operation)
        live = Redactor().response(answer, model)  # before anything reads it
        results.append(compare(label, entry, live))
    return results


def compare(label: str, entry: Entry, live: HttpResponse) -> Result:
    """The recorded answer of ``entry`` against ``live`` (redacted), classified."""
    exchange = entry.exchange
    assert exchange is not None
    result = Result(cassette=label, index=entry.index, operation=entry.label, outcome="same")
    recorded = entry.response
    live_down = live.status >= 500 or _throttled(exchange.service, live)
    if live_down and not (recorded.status >= 500 or _throttled(exchange.service, recorded)):
        result.outcome = "transient"
        result.reason = f"the live service answered {_status(exchange.service, live)}; try again"
        return result
    found = result.differences
    if (recorded.status < 300) != (live.status < 300) or recorded.status >= 300:
        found += _error_differences(exchange.service, exchange.operation, recorded, live)
    if recorded.status < 300 and live.status < 300:
        model = operation_model(exchange.service, exchange.operation)
        before, after = _parsed(model, recorded), _parsed(model, live)
        if isinstance(before, dict) and isinstance(after, dict):
            walk(model.output_shape, before, after, "", found)
        elif before != after:
            found.append(Difference(kind="data", path="/", why="the body differs"))
    found += _verdict_drift(exchange, live, {d.path for d in found if d.kind == "drift"})
    kinds = {d.kind for d in found}
    worst: tuple[Outcome, ...] = ("drift", "data", "volatile")
    result.outcome = next((k for k in worst if k in kinds), "same")
    return result


def _parsed(model: Any, response: HttpResponse) -> Any:
    try:
        parsed = protocols.decode_response(model, response)
    except Exception:  # botocore's parser gave up: compare the bytes
        return response.body
    parsed.pop("ResponseMetadata", None)
    return protocols.to_data(parsed)


def _throttled(service: str, response: HttpResponse) -> bool:
    if response.status == 429:
        return True
    if response.status < 400:
        return False
    from harness.aws.protocols.wire_form import decode_error

    return bool(_THROTTLING.search(decode_error(service, response).code or ""))


def _status(service: str, response: HttpResponse) -> str:
    if response.status < 300:
        return f"{response.status}"
    from harness.aws.protocols.wire_form import decode_error

    return f"{response.status} {decode_error(service, response).code or ''}".rstrip()


def _error_differences(
    service: str, operation: str, recorded: HttpResponse, live: HttpResponse
) -> list[Difference]:
    from harness.aws.protocols.wire_form import decode_error
    from harness.contract.rules import modeled_errors
    from harness.ops.common import AWS_COMMON_ERRORS

    modeled = modeled_errors(service, operation)
    before = decode_error(service, recorded) if recorded.status >= 300 else None
    after = decode_error(service, live) if live.status >= 300 else None
    code_before = before.code if before else None
    code_after = after.code if after else None
    if code_before == code_after:
        if before and after and before.message != after.message:
            return [
                Difference(
                    kind="data",
                    path="/Error/Message",
                    why="the error message",
                    recorded=before.message,
                    live=after.message,
                )
            ]
        return []
    shown_before = code_before or f"a {recorded.status} success"
    shown_after = code_after or f"a {live.status} success"
    if code_before and code_after:
        return [
            Difference(
                kind="drift",
                path="/Error/Code",
                why="the error code changed",
                recorded=shown_before,
                live=shown_after,
            )
        ]
    code = code_after or code_before
    known = code in modeled or code in AWS_COMMON_ERRORS or not modeled
    if known:
        why = f"{code} is an error botocore's model lists for {operation}"
        return [
            Difference(
                kind="data", path="/Error/Code", why=why, recorded=shown_before, live=shown_after
            )
        ]
    return [
        Difference(
            kind="drift",
            path="/Error/Code",
            why=f"{code} is no error botocore's model lists",
            recorded=shown_before,
            live=shown_after,
        )
    ]


def walk(shape: Any, recorded: Any, live: Any, path: str, out: list[Difference]) -> None:
    """Classify how ``live`` differs from ``recorded`` (parsed data, read through ``shape``)."""
    if recorded == live and type(recorded) is type(live):
        return
    kind = getattr(shape, "type_name", None)
    if _category(recorded) != _category(live):
        out.append(
            Difference(
                kind="drift", path=path or "/", why="the type changed", recorded=recorded, live=live
            )
        )
        return
    if isinstance(recorded, dict) and isinstance(live, dict):
        if kind == "structure":
            members = members_by_key(shape)
            required = set(shape.required_members)
            for name in sorted(set(recorded) | set(live)):
                where = f"{path}/{name}"
                a, b = recorded.get(name, ABSENT), live.get(name, ABSENT)
                if a is ABSENT or b is ABSENT:
                    side = "recorded" if b is ABSENT else "live"
                    if name in required:
                        why = f"{name} is required by botocore's model, present only {side}"
                        out.append(
                            Difference(kind="drift", path=where, why=why, recorded=a, live=b)
                        )
                    else:
                        out.append(
                            Difference(
                                kind="data",
                                path=where,
                                why=f"present only {side}",
                                recorded=a,
                                live=b,
                            )
                        )
                else:
                    walk(members.get(name), a, b, where, out)
        else:  # a map (or a document)
            value = getattr(shape, "value", None)
            for key in sorted(set(recorded) | set(live)):
                a, b = recorded.get(key, ABSENT), live.get(key, ABSENT)
                if a is ABSENT or b is ABSENT:
                    side = "recorded" if b is ABSENT else "live"
                    out.append(
                        Difference(
                            kind="data",
                            path=f"{path}/{key}",
                            why=f"key present only {side}",
                            recorded=a,
                            live=b,
                        )
                    )
                else:
                    walk(value, a, b, f"{path}/{key}", out)
        return
    if isinstance(recorded, list) and isinstance(live, list):
        item = getattr(shape, "member", None)
        if len(recorded) != len(live):
            why = f"{len(recorded)} item(s) recorded, {len(live)} live"
            out.append(
                Difference(
                    kind="data", path=path or "/", why=why, recorded=len(recorded), live=len(live)
                )
            )
            return
        for i, (a, b) in enumerate(zip(recorded, live, strict=True)):
            walk(item, a, b, f"{path}/{i}", out)
        return
    out.append(_scalar(shape, path or "/", recorded, live))


def _category(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def _scalar(shape: Any, path: str, recorded: Any, live: Any) -> Difference:
    kind = getattr(shape, "type_name", None)
    enum = list(getattr(shape, "enum", None) or [])
    if enum:
        outside = [v for v in (recorded, live) if v not in enum]
        if outside:
            return Difference(
                kind="drift",
                path=path,
                why=f"{outside[0]!r} is outside the model's enum",
                recorded=recorded,
                live=live,
            )
        return Difference(
            kind="data", path=path, why="another enum value", recorded=recorded, live=live
        )
    if kind == "timestamp":
        return Difference(kind="volatile", path=path, why="a time", recorded=recorded, live=live)
    if isinstance(recorded, str) and isinstance(live, str):
        generated = _generated(path, recorded, live)
        if generated:
            return Difference(
                kind="volatile", path=path, why=generated, recorded=recorded, live=live
            )
    return Difference(kind="data", path=path, why="another value", recorded=recorded, live=live)


def _generated(path: str, recorded: str, live: str) -> str | None:
    """The kind of generated value both sides are (a placeholder, a uuid...), if any."""
    from harness.secrets.vault import SLOT

    if SLOT.fullmatch(recorded) and SLOT.fullmatch(live):
        return "a redaction placeholder"
    probe = _ID_LIKE if _ID_NAME.search(path.rsplit("/", 1)[-1]) else _GENERATED
    a: list[Any] = []
    b: list[Any] = []
    if probe.mask_text(recorded, a) == probe.mask_text(live, b) and a:
        kinds = sorted({g.kind for g in a})
        return f"a generated value ({', '.join(kinds)})"
    return None


def _verdict_drift(exchange: Exchange, live: HttpResponse, seen: set[str]) -> list[Difference]:
    """Contract verdicts (error or drift) one answer has and the other has not."""
    from harness.contract.checker import check_exchange

    twin = Exchange(
        exchange.service,
        exchange.operation,
        exchange.request,
        live,
        "recorded",
        exchange.params,
        exchange.cassette,
        exchange.index,
    )

    def verdicts(of: Exchange) -> dict[tuple[str, str], str]:
        return {
            (v.rule, v.pointer): v.message
            for v in check_exchange(of)
            if v.severity in ("error", "drift")
        }

    before, after = verdicts(exchange), verdicts(twin)
    if "/Error/Code" in seen:  # said already: the error code changed
        before = {k: v for k, v in before.items() if not k[0].startswith("errors.")}
        after = {k: v for k, v in after.items() if not k[0].startswith("errors.")}
    found = []
    for (rule, pointer), message in after.items():
        if (rule, pointer) not in before and pointer.removeprefix("/response") not in seen:
            found.append(
                Difference(
                    kind="drift", path=pointer or "/", why=f"live answer breaks {rule}: {message}"
                )
            )
    for (rule, pointer), message in before.items():
        if (rule, pointer) not in after and pointer.removeprefix("/response") not in seen:
            found.append(
                Difference(
                    kind="drift",
                    path=pointer or "/",
                    why=f"recorded answer breaks {rule}: {message}",
                )
            )
    return found


__all__ = [
    "READ_VERBS",
    "Difference",
    "Result",
    "Sender",
    "compare",
    "read_only",
    "verify_entries",
    "walk",
    "why_not_sent",
]
