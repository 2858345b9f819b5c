"""What a replay miss says: the request, the closest recordings and what to do, in a few lines.

``CassetteMiss`` is the error a test sees when replay has no recording for a request; its
text is written here from facts the recorder gathers (the closest recorded requests with
their differences, the values that look generated per run, the writes replayed before).
Every line is bounded: a request holding a large document shows its start and how much was
left out (the whole of it is ``miss.params``), never one line of 100,000 characters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness.aws.models import operation_model
from harness.errors import HarnessAssertionError
from harness.replay.match_keys import canonical
from harness.replay.matching import MatchIndex
from harness.replay.nearest import Near

#: The longest line a miss prints (a parameter's value, a difference); longer ones are cut
#: with a note of how much was left out.
LINE_WIDTH = 400


class CassetteMiss(HarnessAssertionError):
    """A request had no recorded match during replay (the test fails, naming the request).

    Besides its readable text it carries fields for tools: ``cassette`` (path), ``record_mode``,
    ``service``, ``operation``, ``params`` (as sent, redacted) and ``near`` (the closest
    recorded requests, each a ``Near`` with its per-member ``differences``).
    """

    def __init__(
        self,
        message: str,
        *,
        cassette: Path | None = None,
        record_mode: str = "none",
        service: str = "",
        operation: str = "",
        params: dict[str, Any] | None = None,
        near: Sequence[Near] = (),
    ) -> None:
        super().__init__(message)
        self.cassette = cassette
        self.record_mode = record_mode
        self.service = service
        self.operation = operation
        self.params = dict(params or {})
        self.near = list(near)


def bounded(text: str, width: int = LINE_WIDTH) -> str:
    """``text`` on one line of at most about ``width`` characters, saying what was cut."""
    text = text.replace("\n", "\\n")
    if len(text) <= width:
        return text
    return f"{text[:width]}... ({len(text) - width:,} more characters)"


def miss(
    *,
    cassette: Path,
    record_mode: str,
    existed: bool,
    service: str,
    operation: str,
    params: dict[str, Any],
    near: list[Near],
    index: MatchIndex,
    writes: list[str],
    rerecord_command: Callable[[str], str] | None,
    why: str | None = None,
    swept: Sequence[str] = (),
) -> CassetteMiss:
    """The miss of a request (``params`` as sent, redacted) against ``cassette``.

    ``near``: the closest recorded requests (empty when ``why`` says why there is no
    recording to compare); ``writes``: operations of the test that changed the service's
    state when recorded and were replayed before this call; ``rerecord_command(mode)``: the
    command that records the cassette again in ``mode``; ``swept``: why no value sent in
    clear was read as the placeholder recorded in its place (``swept_values``).
    """
    label = f"{service}:{operation}"
    lines = [
        f"No recorded response for {label} in cassette {cassette} (record mode {record_mode!r})."
    ]
    if why:
        lines.append(why)
    else:
        lines += ["Sent parameters:", f"  {bounded(canonical(params))}"]
        if not existed:
            lines.append("The cassette file does not exist.")
        else:
            lines += _describe_near(near, label)
    taught, bind_instead = _volatile_lesson(near, label, params, index)
    lines += taught
    if swept:
        lines.append("A value sent in clear was not taken for the secret recorded in its place:")
        lines += [bounded(f"  {why}") for why in swept[-3:]]
    mode = "once" if not existed else "new_episodes"
    if rerecord_command is not None and rerecord_command(mode) == rerecord_command("all"):
        mode = "all"  # the advice records it all anyway and says why (a shared fixture's)
    if writes and existed and mode != "all":
        # new_episodes would send this call to a service that never saw those writes
        mode = "all"
        lines.append(
            f"Earlier calls of this test changed the service's state when recorded "
            f"({', '.join(writes)}); this call may depend on it, which new_episodes "
            "would send to a service without it: re-record the whole test."
        )
    if rerecord_command is not None and not bind_instead:
        lines += ["To record it, run:", f"  {rerecord_command(mode)}"]
    return CassetteMiss(
        "\n".join(lines),
        cassette=cassette,
        record_mode=record_mode,
        service=service,
        operation=operation,
        params=params,
        near=near,
    )


def _volatile_lesson(
    near: list[Near], label: str, params: dict[str, Any], index: MatchIndex
) -> tuple[list[str], bool]:
    """What a miss says about values that look generated per run: the setting that would
    bind them, or why they were not bound. The flag is True when binding (not re-recording,
    which appends forever) is the way out."""
    from harness.replay.volatile import SPECIFIC, blob_differences, generated_differences

    same = [n for n in near if n.exchange.label == label and n.differences]
    if not same:
        return [], False
    closest = same[0]
    service, _, operation = label.partition(":")
    try:
        shape = operation_model(service, operation).input_shape
    except Exception:  # an operation botocore does not know: judge values without a model
        shape = None
    found = generated_differences(closest.exchange.params, params, shape=shape)
    known = index.known or (lambda value: None)
    data = [(path, r, s, known(s)) for path, r, s, _ in found if known(s) is not None]
    generated = [d for d in found if known(d[2]) is None]
    lines: list[str] = []
    blobs = blob_differences(closest.exchange.params, params, shape)
    if blobs:
        lines += [
            f"{', '.join(blobs)} differ: a blob is compared by its bytes (aws_volatile never "
            "binds inside one). If its bytes are made up per run, leave it out of the match:",
            f"  @pytest.mark.aws_cassette(ignore={{{label!r}: {blobs!r}}})",
        ]
    if data:
        lines.append("Values that look generated but are not (so they are never bound):")
        lines += [bounded(f"  {path}: sent {s!r}, {where}") for path, _, s, where in data[:5]]
    others = [d for d in closest.differences if "time mismatch" not in d]
    # made up per run, all of it (generated values, blobs): re-recording would only append
    made_up = [f"/{b}" for b in blobs] + [path for path, *_ in generated]
    only_made_up = (
        bool(blobs)
        and not data
        and all(any(d.startswith((p + ":", p + "/")) for p in made_up) for d in others)
    )
    if not generated:
        return lines, only_made_up
    declared = index.policy.volatile.kinds
    missing = sorted({kind for *_, kind in generated} - set(declared), key=SPECIFIC.index)
    only_generated = not data and len(generated) >= len(others)
    lines.append("These differences look generated per run (a new value on every run):")
    lines += [
        bounded(f"  {path}: recorded {r!r}, sent {s!r} ({kind})")
        for path, r, s, kind in generated[:5]
    ]
    bound = {path for path, *_ in generated}
    rest = [d for d in others if not any(d.startswith((p + ":", p + "/")) for p in bound)]
    # a real change among made-up values is what the reader must not miss: named apart
    besides = (
        [
            "Besides them, the request differs where nothing looks generated (the code or "
            "its data changed; binding will not make it match):",
            *(bounded(f"  {d}") for d in rest[:5]),
        ]
        if rest
        else []
    )
    if missing:
        words = " ".join(sorted({*declared, *missing}, key=SPECIFIC.index))
        lines += [
            "Declare them volatile once and replay binds each recorded value to the live one "
            "(and gives the live one back in responses):",
            f"  ini: aws_volatile = {words}   (or --aws-volatile={words.replace(' ', ',')}, "
            f"or @pytest.mark.aws_cassette(volatile={missing!r}))",
            *besides,
        ]
        return lines, only_generated or only_made_up
    if index.refusals:
        lines.append("They were not bound:")
        lines += [bounded(f"  {why}") for why in index.refusals[-3:]]
        lines += besides
    else:
        lines.append(
            f"Their kinds are declared (aws_volatile = {' '.join(declared)}): they bind once "
            "the rest of the request matches" + (", and it does not:" if rest else ".")
        )
        lines += [bounded(f"  {d}") for d in rest[:5]]
    return lines, only_made_up


def _describe_near(near: list[Near], label: str) -> list[str]:
    if not near:
        return ["The cassette holds no interactions."]
    lines = ["Closest recorded requests:"]
    for item in near:
        used = " (already replayed in this test)" if item.used else ""
        lines.append(f"  #{item.index} {item.exchange.label}{used}")
        if item.exchange.label != label:
            lines.append("      a different operation")
        elif not item.differences:
            lines.append(
                "      same parameters: every recorded response for this request was already "
                "used (the code sent it more often than when it was recorded)"
            )
        lines += [bounded(f"      {d}") for d in item.differences[:10]]
        if len(item.differences) > 10:
            lines.append(f"      ... and {len(item.differences) - 10} more difference(s)")
        if any("/$sha256: " in d for d in item.differences[:10]):
            lines.append(
                "      (a body over 4 KiB is matched by its size and SHA-256: the bytes sent "
                "are not the bytes recorded)"
            )
    return lines
