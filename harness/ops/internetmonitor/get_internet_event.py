"""Internet Monitor GetInternetEvent: one internet health event (where, when, status).

Everything the harness knows about it beyond botocore's model, with the sentences of its API
reference page (``tests/reference_pages/internetmonitor-get_internet_event.txt``): rules,
strategies and the synthetic backend's answer.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.lazy_hypothesis import st
from harness.aws.protocols import wire_form as wire
from harness.aws.shapes import timestamps
from harness.ops.base import Backend, Breaker, Knowledge
from harness.ops.checks import ABSENT, as_dict, is_number, iso, to_epoch
from harness.ops.draw import (
    Clock,
    account_ids,
    internet_event_ids,
    replaced,
    uuid_from,
    without,
)

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

    from harness.ops.verdict import RuleContext, Violation
from harness.ops.internetmonitor import GIEV, VALIDATION_ERROR

PAGE = GIEV
K = Knowledge("internetmonitor", "GetInternetEvent", PAGE)

# =========================================================================== rules
# Each rule's ``breaks`` turns a valid wire-form exchange (ISO 8601 times) into one that
# violates it: the rule's violating example, used by the registry tests.


def _earlier(value: Any, delta: dt.timedelta) -> Any:
    """The wire timestamp ``value`` moved ``delta`` earlier, in the form it came in."""
    when = wire.parse_timestamp(value) - delta
    if is_number(value):
        return int(when.timestamp()) if isinstance(value, int) else when.timestamp()
    return wire.encode_timestamp(when, "iso8601")


def _other_event(request: dict[str, Any], response: dict[str, Any]) -> bool:
    wanted = str(request["EventId"])
    other = wanted[:-1] + ("0" if wanted[-1] != "0" else "1")
    response["EventId"] = other
    response["EventArn"] = str(response["EventArn"]).replace(wanted, other)
    return True


def _resolved_without_end(request: dict[str, Any], response: dict[str, Any]) -> bool:
    response["EventStatus"] = "RESOLVED"
    response.pop("EndedAt", None)
    return True


def _ends_before_start(request: dict[str, Any], response: dict[str, Any]) -> bool:
    response["EventStatus"] = "RESOLVED"
    response["EndedAt"] = _earlier(response["StartedAt"], dt.timedelta(hours=1))
    return True


def _past_the_pole(request: dict[str, Any], response: dict[str, Any]) -> bool:
    location = response.get("ClientLocation")
    if not isinstance(location, dict):
        return False
    location["Latitude"] = 91.5
    return True


@K.rule(
    "event-id-echo",
    description="The returned EventId is the requested one and appears in EventArn.",
    doc="The ``EventId`` of the internet event to return information for.",
    breaks=_other_event,
)
def _internet_echo(ctx: RuleContext) -> Iterator[Violation]:
    wanted = ctx.request.get("EventId")
    got = ctx.response.get("EventId")
    if got is not None and got != wanted:
        yield ctx.fail(
            "/response/EventId",
            got,
            f"the requested EventId {wanted!r}",
            "a different internet event was returned",
        )
    arn = ctx.response.get("EventArn")
    if isinstance(arn, str) and isinstance(wanted, str) and wanted not in arn:
        yield ctx.fail(
            "/response/EventArn",
            arn,
            f"an ARN containing {wanted!r}",
            "EventArn does not name the requested event",
        )


@K.rule(
    "resolved-iff-ended",
    description="EventStatus is RESOLVED exactly when EndedAt is present.",
    doc=(
        "The time when the internet event ended. If the event hasn't ended yet, this value "
        "is empty."
    ),
    breaks=_resolved_without_end,
)
def _internet_status(ctx: RuleContext) -> Iterator[Violation]:
    status = ctx.response.get("EventStatus")
    ended = ctx.response.get("EndedAt") not in (None, "")
    if status == "RESOLVED" and not ended:
        yield ctx.fail(
            "/response/EndedAt",
            ABSENT,
            "an EndedAt (EventStatus is RESOLVED)",
            "a RESOLVED event has no EndedAt",
        )
    elif status == "ACTIVE" and ended:
        yield ctx.fail(
            "/response/EventStatus",
            status,
            "RESOLVED (EndedAt is present)",
            "an event that has ended is still ACTIVE",
        )


@K.rule(
    "started-not-after-ended",
    description="StartedAt is not after EndedAt.",
    doc=(
        "The information returned here includes the impacted location, when the event started "
        "and (if the event is over) ended,"
    ),
    breaks=_ends_before_start,
)
def _internet_times(ctx: RuleContext) -> Iterator[Violation]:
    start = to_epoch(ctx.response.get("StartedAt"))
    end = to_epoch(ctx.response.get("EndedAt"))
    if start is not None and end is not None and start > end:
        yield ctx.fail(
            "/response/EndedAt",
            ctx.response.get("EndedAt"),
            f"at or after StartedAt ({iso(start)})",
            "the event ends before it started",
        )


@K.rule(
    "coordinates-range",
    description="Latitude is within [-90, 90] and Longitude within [-180, 180].",
    doc=(
        "The latitude where the internet event is located. […] The longitude where the "
        "internet event is located."
    ),
    breaks=_past_the_pole,
)
def _internet_coordinates(ctx: RuleContext) -> Iterator[Violation]:
    location = as_dict(ctx.response.get("ClientLocation"))
    for name, bound in (("Latitude", 90), ("Longitude", 180)):
        value = location.get(name)
        if is_number(value) and not -bound <= value <= bound:
            yield ctx.fail(
                f"/response/ClientLocation/{name}",
                value,
                f"within [-{bound}, {bound}]",
                f"{name} out of range",
            )


# =========================================================================== strategies


def internet_event_request() -> SearchStrategy[dict[str, Any]]:
    """internetmonitor:GetInternetEvent requests."""
    ids = internet_event_ids()

    @st.composite
    def draw_request(draw: DrawFn) -> dict[str, Any]:
        return {"EventId": ids.draw(draw)}

    return draw_request()


def internet_event_breakers() -> list[Breaker]:
    """GetInternetEvent constraints."""
    service = VALIDATION_ERROR
    return [
        Breaker("required.EventId", "client", without("EventId")),
        Breaker("EventId.min", "client", replaced("EventId", st.just(""))),
        Breaker(
            "EventId.max",
            service,
            replaced("EventId", st.from_regex(r"[a-zA-Z0-9-]{256}", fullmatch=True)),
        ),
        Breaker(
            "EventId.pattern", service, replaced("EventId", st.text("_~", min_size=1, max_size=12))
        ),
    ]


def internet_event_response(
    request: Mapping[str, Any], clock: Clock
) -> SearchStrategy[dict[str, Any]]:
    """internetmonitor:GetInternetEvent output: RESOLVED exactly when EndedAt is present."""

    @st.composite
    def draw_response(draw: DrawFn) -> dict[str, Any]:
        ref = clock.now()
        event_id = str(request.get("EventId") or internet_event_ids().draw(draw))
        status = draw(st.sampled_from(["ACTIVE", "RESOLVED"]))
        started = draw(timestamps(ref - dt.timedelta(days=365), ref, milliseconds=True))
        location = draw(
            st.fixed_dictionaries(
                {
                    "ASName": st.sampled_from(["Comcast", "Deutsche Telekom AG", "NTT"]),
                    "ASNumber": st.integers(1, 2**32 - 1),
                    "Country": st.sampled_from(["United States", "Germany", "Japan"]),
                    "City": st.sampled_from(["Seattle", "Berlin", "Tokyo"]),
                    "Latitude": st.floats(-90, 90, allow_nan=False),
                    "Longitude": st.floats(-180, 180, allow_nan=False),
                },
                optional={
                    "Subdivision": st.sampled_from(["Washington", "Berlin", "Tokyo"]),
                    "Metro": st.sampled_from(["Seattle-Tacoma", "Berlin", "Kanto"]),
                },
            )
        )
        response: dict[str, Any] = {
            "EventId": event_id,
            "EventArn": f"arn:aws:internetmonitor::{draw(account_ids())}:internet-event/{event_id}",
            "StartedAt": started,
            "ClientLocation": location,
            "EventType": draw(st.sampled_from(["AVAILABILITY", "PERFORMANCE"])),
            "EventStatus": status,
        }
        if status == "RESOLVED":
            response["EndedAt"] = draw(timestamps(started, ref, milliseconds=True))
        return response

    return draw_response()


# =========================================================================== synthetic backend


def answer(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """The event of the requested id, as the world holds it."""
    return dict(backend.world().internet_event(params["EventId"]))


def sample(gen: random.Random, backend: Backend) -> dict[str, Any]:
    """A plausible request: some event."""
    return {"EventId": uuid_from(gen)}


PACK = K.pack(
    requests=lambda clock: internet_event_request(),
    breakers=lambda clock: internet_event_breakers(),
    responses=internet_event_response,
    answer=answer,
    sample=sample,
)
