"""What botocore sessions learn while a test is offline, forgotten when the test ends.

A session reads its configuration and resolves its credentials once, then keeps them. One
made before an offline test, or made in one and kept (``boto3.DEFAULT_SESSION``, a
module's ``boto3.Session()``), learns replay's world there: the empty config and
credentials files, the region default, a credential chain ending with the stand-in keys.
Kept, that world reached the live tests after it: a test recording beside replayed ones
(record mode ``once`` or ``new_episodes``) found no credentials, or signed real requests
with the stand-in keys, in the wrong region. So each session the offline lookup answers is
noted with what it had not learnt yet, and at the test's end exactly that is forgotten:
what it knew before the test, and what the test's code gave it (``set_credentials``, a
component it registered), it keeps, as live.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

#: What a session caches once learnt (its attribute: None until then).
_CACHES = ("_config", "_profile_map", "_credentials", "_auth_token")
#: Its components built lazily from what it learnt, and the session's method building each.
_LAZY = {
    "credential_provider": "_create_credential_resolver",
    "token_provider": "_create_token_resolver",
}


class OfflineMemory:
    """The sessions an offline test's lookups answered, and what each is to forget."""

    def __init__(self) -> None:
        self._noted: weakref.WeakKeyDictionary[Any, _Unlearnt] = weakref.WeakKeyDictionary()

    def note(self, session: Any) -> None:
        """Called on each configuration lookup while offline (cheap after the first)."""
        try:
            if session not in self._noted:  # (two threads: the first to note it wins)
                self._noted.setdefault(session, _Unlearnt(session))
        except TypeError:  # (not weakly referable: a stand-in object, nothing to forget)
            return

    def forget(self) -> None:
        """Each noted session forgets what it learnt since it was noted."""
        for session, unlearnt in list(self._noted.items()):
            unlearnt.forget(session)
        self._noted.clear()


class _Unlearnt:
    """What one session had not learnt when first noted, and the components it had."""

    def __init__(self, session: Any) -> None:
        self.caches = [name for name in _CACHES if getattr(session, name, 0) is None]
        built = getattr(getattr(session, "_components", None), "_components", {})
        self.components = {name: built.get(name) for name in _LAZY}

    def forget(self, session: Any) -> None:
        for name in self.caches:
            value = getattr(session, name, None)
            # (credentials the test's code set are explicit, with no chain's method: kept)
            if name == "_credentials" and value is not None and not getattr(value, "method", 0):
                continue
            setattr(session, name, None)
        locator = session._components
        for name, before in self.components.items():
            now = locator._components.get(name)
            # Built since (often while first noted: the chain's build asks the lookup), by
            # botocore's factory, not registered by the test's code: built again when asked,
            # by the session's method as it is then (a factory registered during the test is
            # bound to the offline chain's).
            if name in locator._deferred or (now is not before and _botocores(now)):
                locator.lazy_register_component(name, _method_of(session, _LAZY[name]))


def _botocores(component: Any) -> bool:
    return type(component).__module__.split(".")[0] in ("botocore", "aiobotocore")


def _method_of(session: Any, method: str) -> Callable[[], Any]:
    owner = weakref.ref(session)  # (the session holds this factory: no cycle through it)
    return lambda: getattr(owner(), method)()
