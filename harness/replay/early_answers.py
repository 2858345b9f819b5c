"""Answering a call before botocore prepares, signs and sends it (``intercept(...,
early=True)``).

Replay answers most calls there: the request's bytes are known from the serialized body
(``early_body``), and only a success botocore keeps a success may be served so
(``answers_early``); anything else takes botocore's whole pipeline, retry loop included."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlencode

from harness.exchange import HttpResponse

#: guards the caches below (threads of a test, a server's threads)
_lock = threading.Lock()


def early_body(body: Any) -> bytes | None:
    """The bytes botocore would send for a serialized body (None: not known before sending)."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, dict):  # query protocols: form fields, encoded as AWSRequest does
        fields = tuple(body.items())
        try:
            found, hashable = _forms.get(fields), True
        except TypeError:  # (a value that is no string: a list, for ``doseq``)
            found, hashable = None, False
        if found is None:
            text = urlencode([(_utf8(k), _utf8(v)) for k, v in body.items()], doseq=True)
            found = text.encode("utf-8")
            if hashable and len(found) <= _FORM_KEPT_BYTES:  # (a 256 KiB message is not kept)
                with _lock:
                    if len(_forms) >= _VERDICTS_KEPT:
                        _forms.clear()
                    _forms[fields] = found
        return found
    return None


_forms: dict[tuple[Any, ...], bytes] = {}  # query forms as sent (a test sends one often)


_FORM_KEPT_BYTES = 4096


def _utf8(value: Any) -> Any:
    return value.encode("utf-8") if isinstance(value, str) else value


def answers_early(operation_model: Any, response: HttpResponse) -> bool:
    """True when ``response`` may answer an early call: a success botocore keeps a success.

    S3 answers some calls (CopyObject, CompleteMultipartUpload) with status 200 and an
    ``<Error>`` body; botocore's ``before-parse`` handler for S3 turns it into a 500 that
    its retry loop retries. Answered early, outside that loop, it would come back as a
    success holding the error: such an answer takes the normal path. botocore's own test
    decides (``handlers._should_handle_200_error`` and ``_looks_like_special_case_error``).
    """
    if not 0 < response.status < 300:  # (0: the call got no response)
        return False
    if response.status != 200 or operation_model.service_model.service_name != "s3":
        return True
    kept = _s3_verdicts.get(id(response))  # (a recorded answer is offered on every call)
    if kept is not None and kept[0] is response and kept[1] is operation_model:
        return kept[2]
    response_dict = {"status_code": 200, "headers": response.headers, "body": response.body}
    try:
        from botocore import handlers

        verdict = not (
            handlers._should_handle_200_error(operation_model, response_dict)
            and handlers._looks_like_special_case_error(200, response.body)
        )
    except (AttributeError, ImportError):  # (botocore moved them: the safe answer)
        verdict = False
    if len(response.body) <= _FORM_KEPT_BYTES * 16:  # (a large listing is not held)
        with _lock:
            if len(_s3_verdicts) >= _VERDICTS_KEPT:
                _s3_verdicts.clear()
            _s3_verdicts[id(response)] = (response, operation_model, verdict)  # (held: ids stay)
    return verdict


_s3_verdicts: dict[int, tuple[HttpResponse, Any, bool]] = {}


_VERDICTS_KEPT = 4096
