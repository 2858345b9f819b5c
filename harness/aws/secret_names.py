"""Is a member, field, header or parameter *named* like a secret? In any case style.

A name is split into lower-case words (``MasterUserPassword`` -> master user password,
``client_secret``, ``X-Api-Key``, ``authKey``, ``PASSWORD``) and judged by its *head*, the
word a compound name is about (the last one; the one before ``to``/``for``/``of`` in
``SecretToAuthenticateTarget``), and the word just before the head (its qualifier):

- a password, passphrase, passcode, one-time password or secret is secret
  (``KdcAdminPassword``, ``client_secret``, ``ProcurementPortalSharedSecret``);
- a credential is secret (``PlatformCredential``, ``authorizerCredentials``);
- a token is secret unless its qualifier says it is a handle, not a capability: paging,
  idempotency, optimistic locking, sequencing (``NextToken``, ``ClientToken``,
  ``ChangeToken``, ``LockToken``, ``SequenceToken``...). A bare ``Token`` is secret;
- a key is secret only when qualified as one (``PrivateKey``, ``ApiKey``, ``authKey``,
  ``PreSharedKey``, ``SecretAccessKey``, the LoRaWAN ``AppKey``/``NwkSKey``...): a bare
  ``Key`` is an S3 object key or a tag key, ``PublicKey``, ``PartitionKey`` and ``KeyName``
  are not secret;
- an authorization or MFA code is secret (``AuthCode``, ``AuthenticationCode1``), any other
  ``code`` is not;
- a carrier head (``Value``, ``Data``, ``String``, ``Body``, ``Content``...) is judged as the
  rest of the name (``PasswordData``, ``TokenValue``, ``SecretString`` are secret);
- a head that is *about* a secret is not one (``PasswordLength``, ``SecretArn``,
  ``SecretId``, ``TokenType``, ``AuthTokenEnabled``, ``PasswordPolicy``,
  ``KmsKeyId``, ``CredentialProvider``...).

``judge_name`` returns ``True``/``False`` when a rule decides and ``None`` when the words
look secret-ish (``looks_secretish``) but no rule knows the head or qualifier: botocore's
members of that kind are each decided in ``harness.aws.unmarked_secrets`` (the sweep,
``tools/sweep_secret_members.py``, keeps that at zero undecided). ``is_secret_name`` is the
yes/no answer for any name (AWS members, OAuth fields, API-key headers): undecided names
are not secret.
"""

from __future__ import annotations

import functools
import re

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_|-)|[A-Z]?[a-z]+|[A-Z]+|\d+")

#: Words written together in all-lower-case or all-upper-case names: ``apikey``,
#: ``X-APIKEY``, ``authtoken``, ``passwd``...
_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "apikey": ("api", "key"),
    "apikeys": ("api", "keys"),
    "authkey": ("auth", "key"),
    "authtoken": ("auth", "token"),
    "accesstoken": ("access", "token"),
    "accesskey": ("access", "key"),
    "refreshtoken": ("refresh", "token"),
    "idtoken": ("id", "token"),
    "sessiontoken": ("session", "token"),
    "securitytoken": ("security", "token"),
    "bearertoken": ("bearer", "token"),
    "privatekey": ("private", "key"),
    "secretkey": ("secret", "key"),
    "pubkey": ("public", "key"),
    "publickey": ("public", "key"),
    "clientsecret": ("client", "secret"),
    "nexttoken": ("next", "token"),
    "pagetoken": ("page", "token"),
    "datakey": ("data", "key"),
    "appkey": ("app", "key"),
    "appskey": ("app", "s", "key"),
    "nwkskey": ("nwk", "s", "key"),
    "nwkkey": ("nwk", "key"),
    "xapikey": ("x", "api", "key"),
}

#: Words that make a name look secret-ish: the sweep examines every member holding one.
SECRETISH_WORDS = frozenset(
    {
        "password", "passwd", "pwd", "pw", "passphrase", "passcode", "secret", "token",
        "credential", "key", "auth", "authorization", "authentication", "authenticate",
        "authorizer", "oauth", "pin", "otp", "totp", "cert", "certificate", "private",
        "cookie", "apikey", "passwords", "secrets", "tokens", "credentials", "keys", "pins",
        "certs", "certificates", "cookies",
    }
)  # fmt: skip

#: (``pw``: a password's shortest name, ``db_pw``, an RDS Data parameter ``pw``)
_PASSWORDS = frozenset({"password", "passwd", "pwd", "pw", "passphrase", "passcode", "otp", "totp"})

#: A token qualified by one of these grants access to whoever holds it.
_SECRET_TOKEN = frozenset(
    {
        "access", "refresh", "id", "auth", "authorization", "authentication", "bearer",
        "session", "security", "secret", "api", "oauth", "jwt", "hec", "grafana",
        "participant", "connection", "personal", "signed", "sso", "login", "signin",
        "csrf", "xsrf", "identity", "webhook", "bot", "app", "user", "service", "account",
        "actor", "subject", "federation", "player", "gateway", "registration", "invite",
        "invitation", "join", "github", "gitlab", "slack", "pat", "sas", "temporary",
        "cookie", "new", "previous", "apple", "ms", "x",
    }
)  # fmt: skip
#: A token qualified by one of these is a handle (paging, idempotency, locking,
#: sequencing, a receipt...): whoever holds it can do nothing without credentials.
_PLAIN_TOKEN = frozenset(
    {
        "next", "page", "pagination", "continuation", "starting", "start", "marker",
        "client", "request", "idempotency", "idempotent", "change", "update", "updated",
        "lock", "sequence", "upload", "checkpoint", "creation", "version", "view",
        "workflow", "task", "lifecycle", "conditional", "retrieval", "result", "feedback",
        "export", "import", "purchase", "consumption", "grant", "billing", "block", "execute",
        "terminate", "provision", "preview", "offer", "term", "job", "unit", "chunk",
        "message", "forward", "backward", "last", "resume", "share", "product", "anomaly",
        "configuration", "hooks", "unique", "source", "dkim", "verification", "validation",
        "cancel", "cursor", "scroll", "iterator", "position", "receipt", "query", "sync",
        "callback", "work", "prev", "paging", "search", "batch", "wait",
        "confirmation", "event", "poll", "stream", "shard", "second", "first", "list",
        "policy", "profile", "acl", "lease", "fencing", "claim", "step", "state", "input",
        "output", "max", "total", "training", "sample", "billable", "prefill", "usage",
        "cache", "overlap", "dynamic", "pattern", "data", "continue", "ticket",
        "tracking", "transaction", "operation", "amzn", "redirect", "logout", "http",
        "action",
    }
)  # fmt: skip

#: The qualifiers that make a token a handle, not a capability (``NextToken``): public, for
#: the detectors' judging of the user's own names.
PLAIN_TOKEN_QUALIFIERS = _PLAIN_TOKEN

#: A key qualified by one of these is key material (or an API key), not a name of one.
_SECRET_KEY = frozenset(
    {
        "private", "api", "auth", "secret", "shared", "sign", "hmac", "session", "master",
        "root", "symmetric", "encryption", "decryption", "license", "activation", "app",
        "nwk", "int", "enc", "s", "gen", "recovery", "client", "integration", "function",
        "functions", "subscription", "application", "webhook", "stream", "ingest",
        "ingestion", "write", "read", "admin", "service", "account", "pre", "aes", "des",
        "mac", "static", "x", "developer", "mcp", "otp", "totp", "seed",
    }
)  # fmt: skip
#: A key qualified by one of these names or identifies something (a key pair by name, an
#: attribute, an object, a tag), or is public.
_PLAIN_KEY = frozenset(
    {
        "public", "partition", "sort", "hash", "range", "primary", "object", "s3", "kms",
        "cmk", "tag", "name", "prefix", "idempotency", "dedup", "deduplication", "cache",
        "caching", "metadata", "attribute", "foreign", "unique", "composite", "lookup",
        "routing", "grouping", "group", "search", "map", "json", "string", "file", "log",
        "manifest", "output", "input", "parameter", "param", "project", "resource", "route",
        "response", "filter", "dimension", "condition", "criterion", "field", "flag",
        "header", "metric", "rate", "start", "end", "ending", "starting", "bound", "low",
        "high", "exclusive", "evaluated", "last", "item", "collection", "surrogate", "value",
        "answer", "issue", "space", "match", "matching", "consolidation", "collapse",
        "device", "wrapped", "encrypted", "kek", "aws", "owned", "customer", "managed",
        "default", "replica", "indexed", "alternate", "clustering", "shortcut", "stage",
        "namespace", "bin", "user", "property", "mapping", "boundary", "artifacts",
        "artifact", "body", "custom", "explicit", "new", "remove", "delete", "add", "rename",
        "move", "with", "included", "excluded", "missing", "noncompliant", "transitive",
        "reporting", "activate", "deactivate", "capacity", "sso", "instance", "row",
        "security", "signing", "dnssec", "token", "data", "q", "watermark", "volume",
        "certificate", "request", "identity", "generic", "sharding", "shard",
        "selection", "sequence", "subject", "destination", "source", "location",
        "secondary", "trusted", "ca", "csv", "column", "jira", "roles", "role", "jwt",
        "dukpt", "transport", "working", "wrapping", "import", "export", "imported",
        "incoming", "outgoing", "verification", "pin", "card", "bdk", "ipek",
        "zone", "grant", "existing", "nitro", "macsec", "gre", "diffie",
        "script", "status", "code", "build", "notification", "setting", "billing",
        "preferences", "non", "filterable", "per", "index", "dynamo", "db", "table",
        "schema", "cluster", "server", "business", "hsm", "sse", "encoded", "ec2",
        "replace", "context", "include", "ssh", "host", "access",
    }
)  # fmt: skip

#: Heads that carry the value the rest of the name names: judged as the rest.
_CARRIERS = frozenset(
    {
        "value", "values", "data", "string", "text", "blob", "binary", "content", "contents",
        "body", "material", "bytes", "plaintext", "raw", "pem", "b64", "base64",
        "verifier", "hash", "assertion",
    }
)  # fmt: skip
#: Heads that are about a secret, not the secret: its name, id, size, age, kind, state,
#: where it lives or who provides it.
_ABOUT = frozenset(
    {
        "arn", "arns", "id", "ids", "identifier", "identifiers", "name", "names", "alias",
        "length", "size", "policy", "policies", "enabled", "disabled", "required", "enforced",
        "expiration", "expiry", "expires", "expired", "type", "types", "status", "state",
        "count", "version", "versions", "stage", "stages", "age", "date", "time",
        "timestamp", "at", "days", "hours", "minutes", "seconds", "ms", "millis", "duration",
        "period", "ttl", "validity", "units", "interval", "source", "sources", "location",
        "prefix", "suffix", "format", "formats", "algorithm", "algorithms", "mode", "modes",
        "region", "reason", "url", "urls", "uri", "endpoint", "endpoints", "host", "port",
        "path", "paths", "bucket", "role", "user", "username", "hint", "rotation",
        "strategy", "method", "methods", "scheme", "schemes", "issuer", "issuers",
        "audience", "audiences", "scope", "scopes", "field", "fields", "xpath", "link",
        "provider", "providers", "vendor", "configuration", "configurations", "config",
        "configs", "settings", "setting", "options", "option", "details", "detail", "info",
        "infos", "summary", "summaries", "metadata", "label", "labels", "history", "reuse",
        "prevention", "used", "usage", "utilization", "mechanism", "authority",
        "authorities", "factors", "flow", "flows", "grant", "grants", "properties",
        "parameters", "param", "params", "parameter", "list", "filter", "filters",
        "description", "tags", "tag", "attributes", "attribute", "selection",
        "requirements", "template", "templates", "timer", "buffer", "check", "checks",
        "constraints", "dictionary", "tokenization", "tokenized", "title", "generation",
        "standard", "output", "input", "response", "request", "requests", "result",
        "results", "events", "event", "action", "actions", "level", "class", "category",
        "kind", "family", "spec", "specs", "storage", "store", "vault", "manager", "locker",
        "map", "mapping", "mappings", "roles", "balance", "balances", "unit",
        "rule", "rules", "criteria", "statement", "document", "file", "files", "button",
        "resources", "resource", "server", "servers", "domain", "domains", "claims",
        "claim", "header", "headers", "context", "owner", "operator", "signature",
        "thumbprint", "fingerprint", "checksum", "digest", "index", "position", "offset",
        "reference", "ref", "pool", "pools", "group", "groups", "set", "sets", "entity",
        "entities", "principal", "principals", "account", "accounts", "authorizer",
        "authorizers", "association", "associations", "assignment", "assignments",
        "integration", "connector", "connectors", "client", "clients", "application",
        "app", "apps", "proxy", "authentication", "authorization", "authorized",
        "authorizations", "oauth", "cert", "certificate", "certificates", "certs",
        "chain", "bundle", "ca", "pin", "pins", "pinning", "key", "keys", "token", "tokens",
        "supported", "address", "addresses", "ip", "ips", "dns", "hostname", "gateway",
        "preference", "expression", "pattern", "marker", "override", "update", "origin",
        "usages", "variant", "exclusion", "peerings", "peering", "banner",
        "message", "behavior", "delimiter", "decision", "challenge", "protocol", "serial",
        "number", "subject", "boundaries", "prefixes", "equals", "function", "timing",
        "exportability", "cookies", "md5", "sha256", "updated", "wallet", "with",
        "character", "mask", "pair", "uid", "ciphertext", "encrypted", "record", "hashes",
        "statuses",
        "profile", "schema", "ipv4", "ipv6", "primary",
    }
)  # fmt: skip
#: Words that name a secret whatever they qualify: a name holding one whose head no rule
#: knows is left undecided (``PasswordVerifier``), not judged by its head.
_STRONG = frozenset(
    {"password", "passwd", "pwd", "passphrase", "passcode", "secret", "secrets", "credential",
     "credentials", "token", "tokens", "otp", "totp"}
)  # fmt: skip
_PASS_QUALIFIERS = frozenset(
    {"db", "user", "admin", "root", "master", "sql", "ftp", "smtp", "ldap", "proxy", "basic",
     "login", "mysql", "pg", "redis", "database", "bind", "account", "service"}
)  # fmt: skip
#: A name that starts with one of these is a flag or an action about a secret.
_VERBS = frozenset(
    {
        "manage", "rotate", "include", "enable", "disable", "use", "allow", "return", "reset",
        "generate", "hide", "encrypt", "expire", "require", "validate", "bypass", "reuse",
        "revoke", "has", "is", "should", "can", "must", "show", "reveal", "force", "skip",
        "no", "remove", "delete", "apply", "create", "update", "set", "change", "forgot",
        "send", "verify", "check", "import", "export", "describe", "list", "with",
    }
)  # fmt: skip
#: A value named with one of these is encrypted, wrapped or only a KMS key's reference.
_ENCRYPTED = frozenset({"encrypted", "wrapped", "ciphertext", "kms", "cmk"})
_PREPOSITIONS = frozenset({"to", "for", "of", "from", "by", "with", "on", "in", "per"})
#: A ``code`` so qualified is a credential: ``deviceCode`` is OAuth 2.0's device_code, which
#: "the client uses to poll the token endpoint" until the user approves (RFC 8628, 3.2 and
#: 3.4): whoever holds it in that window gets the access token.
_SECRET_CODE = frozenset(
    {
        "auth",
        "authorization",
        "authentication",
        "mfa",
        "otp",
        "totp",
        "access",
        "pin",
        "token",
        "device",
    }
)


def words(name: str) -> tuple[str, ...]:
    """The lower-case words of ``name`` in any case style (camel, snake, kebab, upper)."""
    out: list[str] = []
    for word in _WORDS.findall(name):
        lowered = word.lower()
        out.extend(_COMPOUNDS.get(lowered, (lowered,)))
    return tuple(out)


def looks_secretish(name: str) -> bool:
    """True when a word of ``name`` is one the sweep examines (password, token, key, ...)."""
    return any(w in SECRETISH_WORDS for w in words(name))


#: An environment variable's name: ``NPM_TOKEN``, ``HF_TOKEN``, ``OPENAI_KEY``.
_ENVIRONMENT_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


@functools.lru_cache(maxsize=65536)
def is_secret_name(name: str) -> bool:
    """True when a value named ``name`` is a secret (see the module doc).

    An environment variable's name the rules leave undecided is secret: a vendor's token
    or key is named after the vendor (``NPM_TOKEN``, ``HF_TOKEN``, ``OPENAI_KEY``), and no
    list of vendors keeps up; handles (``NEXT_TOKEN``, ``CACHE_KEY``) are decided not."""
    judged = judge_name(name)
    if judged is None and _ENVIRONMENT_NAME.fullmatch(name) is not None:
        found = words(name)
        return bool(found) and found[-1] in _SECRET_HEADS
    return judged is True


@functools.lru_cache(maxsize=65536)
def is_secret_parameter(name: str) -> bool:
    """True when a URL or form parameter named ``name`` carries a secret.

    A parameter is a credential's usual carrier: one named for a token, key or secret is
    secret unless its qualifier says it is a handle (``next_token``) or a plain key
    (``sort_key``, ``object_key``), whatever the qualifier is (``access_key``,
    ``reset_token``, a vendor's name): no list of secret qualifiers keeps up. The members'
    rule that a leading verb makes a flag (``ResetPassword``, ``RotateSecret``) does not
    apply: a parameter holds the value itself. A dotted name is a member path of the AWS
    query protocol (``Tag.1.Key``): judged as a member, not here."""
    if "." in name:
        return False
    found = [w for w in words(name) if not w.isdigit()]
    if not found:
        return False
    head = found[-1]  # (plural, a count or a list: max_keys, keys)
    qualifier = found[-2] if len(found) > 1 else None
    if head == "token":
        return qualifier not in _PLAIN_TOKEN
    if head == "key":
        if qualifier == "access":
            return True  # (a member AccessKey is IAM's structure; a parameter, the key)
        return qualifier is not None and qualifier not in _PLAIN_KEY and "public" not in found
    if head in ("secret", "credential", "verifier"):
        return True  # (a verifier: OAuth's oauth_verifier, PKCE's code_verifier)
    return judge_name(name) is True


#: The heads of an environment variable's name that make it a secret when no rule decides.
_SECRET_HEADS = frozenset({"token", "key", "secret", "password", "passwd", "pwd", "credential"})


#: A payment card's security code (card_cvv, cvc2): PCI DSS (3.3.2) forbids storing it once
#: a payment is authorized, so a recording must not keep it either.
_CARD_CODES = frozenset({"cvv", "cvc", "cvv2", "cvc2", "cvn", "cvn2"})


@functools.lru_cache(maxsize=65536)
def judge_name(name: str) -> bool | None:
    """``True`` secret, ``False`` not secret, ``None`` undecided by the rules."""
    found = [w for w in _merge_digits(words(name)) if not w.isdigit()]
    for index, word in enumerate(found):  # the head of "SecretToAuthenticateTarget"
        if word in _PREPOSITIONS and index > 0:
            found = found[:index]
            break
    return _judge(tuple(found))


def _merge_digits(found: tuple[str, ...]) -> list[str]:
    # "S3Key" -> s3 key, "Ec2SshKey" -> ec2 ssh key, "Base64" -> base64, "Ipv4" -> ipv4: a
    # short word and the digits after it are one word ("AuthenticationCode1" keeps its 1).
    out: list[str] = []
    for word in found:
        if (
            word.isdigit()
            and out
            and out[-1].isalpha()
            and (len(out[-1]) <= 3 or out[-1] == "base")
        ):
            out[-1] += word
        else:
            out.append(word)
    return out


def _singular(word: str) -> str:
    if word in {"credentials", "tokens", "keys", "secrets", "passwords", "pins", "codes"}:
        return word[:-1]
    return word


def _judge(found: tuple[str, ...]) -> bool | None:
    if not found:
        return False
    head = _singular(found[-1])
    qualifier = found[-2] if len(found) > 1 else None
    if _ENCRYPTED & set(found):
        return False  # "PrivateKeyCiphertextBlob", "EncryptedDecryptionKey", "KmsKeyArn"
    if len(found) > 1 and found[0] in _VERBS:
        return False  # a flag or an action: ManageMasterUserPassword, RotateSecret
    if head in _CARRIERS and len(found) > 1:
        return _judge(found[:-1])
    if head in _PASSWORDS or (head == "password" or head == "secret"):
        return True
    if head == "credential":
        return True
    if head == "cookie":
        return True
    if head == "token":
        if qualifier is None or qualifier in _SECRET_TOKEN:
            return True
        if qualifier in _PLAIN_TOKEN:
            return False
        return None
    if head == "key":
        if "public" in found:
            return False
        if qualifier in {"secret", "private"} or found[-3:-1] == ("secret", "access"):
            return True  # SecretKey, PrivateKey, SecretAccessKey
        if qualifier is None or qualifier in _PLAIN_KEY:
            return False  # Key, KeyName (head: name), PartitionKey, apiKeySecretJsonKey
        if "secret" in found or "private" in found:
            return True
        if qualifier in _SECRET_KEY:
            return True
        return None
    if head == "code":
        return qualifier in _SECRET_CODE or (qualifier is not None and qualifier in _PASSWORDS)
    if head == "pin":
        return len(found) == 1 or qualifier in {"personal", "new", "old", "current"}
    if head == "pass":
        return qualifier in _PASS_QUALIFIERS
    if head in _CARD_CODES:
        return True  # a card's security code: PCI DSS forbids keeping it after authorization
    if head == "authorization" and len(found) == 1:
        return True  # the value of an Authorization header
    if head in _ABOUT:
        return False
    if any(w in _STRONG for w in found):
        return None  # "PasswordVerifier": a secret's word qualifies a head no rule knows
    return False  # "PrivateIpAddress", "SmsAuthenticationMessage": about something else
