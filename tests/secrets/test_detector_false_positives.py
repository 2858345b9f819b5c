"""Ordinary text nobody here wrote is left alone: the detectors' false positives found by
running them over third-party prose (botocore's service documentation and examples, installed
packages' READMEs and docstrings), each fixed in general, each kept fixed here.

A false positive replaces an ordinary value with a placeholder: replay then misses, or serves
the placeholder where the service gave the word back. Each text below is quoted (or cut down)
from where it was found; beside each, a real secret in the same place is still found.
"""

from __future__ import annotations

import pytest

from harness.secrets.detectors import find_secrets


def _values(text: str) -> list[str]:
    return [text[f.start : f.end] for f in find_secrets(text)]


ORDINARY = {
    # docstrings' field lists (botocore/session.py, boto3/session.py, botocore/paginate.py)
    "sphinx param": ":param aws_secret_access_key: The secret key to use when creating the client.",
    "sphinx type": "        :type token: str\n        :param token: A token string given out.",
    "sphinx typed param": ":param str secret_key: The secret key part of the credentials.",
    "sphinx dict param": ":param dict master_keys: Mapping of a KmsBackend's keys.",
    # prose after "token:" (identitystore, signin documentation)
    "contraction": "Treat this value as an opaque token: don't parse it or rely on it.",
    "sentence": "<p>Subject of the token: the IAM principal ARN.</p>",
    "list item": "<li>grant_type=refresh_token: Requires refresh_token</li>",
    # a scheme's name in prose (kafka, sso-oidc documentation)
    "bearer assertion": "<p>The audience for the JWT Bearer assertion.</p>",
    "bearer word": "configure the JWT Bearer GrantOptions for the application",
    # an HTML page's Authorization header: the value ends at the next tag
    "authorization html": "<p>Authentication and authorization: </p> <ul> <li>sigv4 signing</li>",
    "authorization slot": "<p>Ready-to-send <code>Authorization: Payment &lt;base64url-token&gt;"
    "</code> value.</p>",
    "authorization quoted": "the username:password string for 'authorization: basic ...' header.",
    # template slots (cognito-idp, apigateway, kms examples)
    "bracket slot": '{"USERNAME": "[username]", "PASSWORD": "[password]"}',
    "bracket list slot": '{"SOFTWARE_TOKEN_MFA_CODE": [authenticator_code]}',
    "angle slot": '{"Signature": "<binary data>", "PrivateKeyPlaintext": "<binary data>"}',
    "brace slot": "action/GetObject&Bucket={bucket}&Key={key}",
    "brace words": '{"SecretString": "{JSON STRING WITH CREDENTIALS}"}',
    "italic slot": '{ "internalDiskPassword":"<i>internal-disk-admin_password</i>" }',
    # values that name themselves (cognito-idp, transfer, bedrock-agentcore documentation)
    "self-named": '{"client_id": "1example23456789",'
    ' "client_secret": "provider-app-client-secret"}',
    "self-named short": '{ "Username": "user-name", "Password": "user-password" }',
    "self-named snake": '{"username": "proxy_user", "password": "secure_password"}',
    # an upper-case name in the value's place (boto3's README, aiobotocore's, wafv2 docs)
    "your key": "[default]\naws_access_key_id = YOUR_KEY\naws_secret_access_key = YOUR_SECRET\n",
    "the password": '{ "form": { "password": "THE_PASSWORD" } }',
    "constant": "async with session.create_client('s3',"
    " aws_secret_access_key=AWS_SECRET_ACCESS_KEY,",
    # code: a call in the value's place (boto3's cloudfront example, cryptography, schema)
    "call": "    private_key = serialization.load_pem_private_key(\n",
    "call with args": '>>> token = f.encrypt(b"A really secret message.")',
    "call unquoted": "Schema({'password': And(str, lambda s: len(s) > 6)})",
    "annotation": "class User:\n    id: str\n    name: str\n    password: str\n",
    # words written where a value goes (yarl's changelog, moto's docstring)
    "key=value": "* Support relative URLs like ``'?key=value'`` (#100)",
    "flag value": "Support for MFA TOTP can be enabled by setting "
    "`MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true`.\n    Moto will validate the TOTP MFA "
    "provided by the user when authenticating.",
    # documentation sentences in the value's place (kms examples' comments)
    "sentence value": '{"Signature": "The signature to be verified."}',
    "sentence password": '{"KeyStorePassword": "The password for the kmsuser crypto user in the'
    ' CloudHSM cluster."}',
    # files and command substitution after a flag (transfer documentation)
    "file reference": "For example, --private-key file://encryption-key.pem. Alternatively",
    "command substitution": 'For example, --private-key "`cat encryption-key.pem`"',
    # the documentation's URL (botocore/httpsession.py, urllib3)
    "url placeholder": ":param proxy_url: The proxy url, i.e. https://username:password@proxy.com",
    # a contraction after "credential" is no quoted signature (flask-cors' README)
    "credential'ed": "how to enable credential'ed requests, and please make sure you add some"
    " sort of CSRF protection. See Flask-Cors's docs",
    # a member named password whose value is empty or a structure: the SQL clause read the
    # text up to the next quote (bench/bench_false_positives.py over botocore's examples,
    # dms ModifyEndpoint, ecs DescribeTaskDefinition; jsonschema_rs' README)
    "empty password member": '{"Username": "admin", "Password": "", "Port": 3306}',
    "password member holds a list": '"repositoryCredentials": {"password": [{"name": "x"}],}',
    "password schema": '{"properties": {"password": {"type": "string"}}}',
}


@pytest.mark.parametrize("name", list(ORDINARY))
def test_ordinary_text_is_left_alone(name: str) -> None:
    assert _values(ORDINARY[name]) == []


SECRETS_IN_THE_SAME_PLACES = {
    "yaml after a name": ("token: sntlFpToken01\n", "sntlFpToken01"),
    "yaml word value": ("password: hunter\nuser: ci\n", "hunter"),
    "bearer token": ("Authorization: Bearer sntlFpBearer02abc\n", "sntlFpBearer02abc"),
    "quoted authorization": (
        'git -c http.extraheader="AUTHORIZATION: bearer sntlFpBearer03abc" fetch',
        "sntlFpBearer03abc",
    ),
    "braces with digits": (
        "<password>{AQAAABAAAAAQsntlFp04=}</password>",
        "{AQAAABAAAAAQsntlFp04=}",
    ),
    "hyphenated sentinel": ("?api_key=sntl-fp-query-key&page=2", "sntl-fp-query-key"),
    "url password": ("https://admin:sntlFp05@proxy.example.com", "sntlFp05"),
    "url weak password": ("https://admin:password@proxy.example.com", "password"),
    "upper-case password": ('{"password": "CORRECT_HORSE_BATTERY"}', "CORRECT_HORSE_BATTERY"),
    "signature quoted": (
        "The String-to-Sign should have been 'AWS4-HMAC-SHA256\n20240101T000000Z'",
        "AWS4-HMAC-SHA256\n20240101T000000Z",
    ),
    "passphrase": (
        '{"passphrase": "correct horse battery staple"}',
        "correct horse battery staple",
    ),
    "sql password in a json string": (
        '{"Sql": "ALTER USER app WITH PASSWORD \'sntlFpSql06\'", "Database": "dev"}',
        "sntlFpSql06",
    ),
    "sql password after =": ("SET PASSWORD = 'sntlFpSql07'", "sntlFpSql07"),
}


@pytest.mark.parametrize("name", list(SECRETS_IN_THE_SAME_PLACES))
def test_a_secret_in_the_same_place_is_still_found(name: str) -> None:
    text, secret = SECRETS_IN_THE_SAME_PLACES[name]
    assert secret in _values(text)


# Formats of round 4 that leaked (each also recorded in every protocol in
# test_format_sentinels.py): the detector alone, for a fast answer.
LEAKED = {
    "gem credentials": ("---\n:rubygems_api_key: sntlFp10abcdef\n", "sntlFp10abcdef"),
    "docker identitytoken": ('{"identitytoken": "sntlFp11abc"}', "sntlFp11abc"),
    "composer bearer": ('{"bearer": {"repo.example.org": "sntlFp12"}}', "sntlFp12"),
    "msmtprc": ("account a\nhost smtp.example.com\nuser me\npassword sntlFp13\n", "sntlFp13"),
    "fetchmailrc": ('poll mail.example.com user "joe" password "sntlFp14"\n', "sntlFp14"),
    "redis-cli": ("redis-cli -h r.example.com -a sntlFp15 ping\n", "sntlFp15"),
    "sqlcmd": ("sqlcmd -S db -U sa -P sntlFp16\n", "sntlFp16"),
    "ldapwhoami": ('ldapwhoami -x -D "cn=admin" -w sntlFp17\n', "sntlFp17"),
    "keytool": ("keytool -list -keystore k.jks -storepass sntlFp18\n", "sntlFp18"),
    "docker login": ("docker login -u ci -p sntlFp19 registry.example.com\n", "sntlFp19"),
    "psexec": ("psexec \\\\marklap -u ci -p sntlFp20 ipconfig\n", "sntlFp20"),
    "7z": ("7z a -psntlFp21 backup.7z data\n", "sntlFp21"),
    "smbclient": ("smbclient //server/share -U ci%sntlFp22\n", "sntlFp22"),
    "cmdkey": ("cmdkey /add:server01 /user:ci /pass:sntlFp23\n", "sntlFp23"),
    "ansible": ("web1 ansible_user=ci ansible_ssh_pass=sntlFp24\n", "sntlFp24"),
    "mutt": ('set imap_pass = "sntlFp25"\n', "sntlFp25"),
    "mysql in an XML value": ("<value>mysql -u app -psntlFp26 app</value>", "sntlFp26"),
}


@pytest.mark.parametrize("name", list(LEAKED))
def test_round_four_formats_are_found(name: str) -> None:
    text, secret = LEAKED[name]
    assert secret in _values(text)


COMMAND_PROSE = {
    "zip in prose": "Download the zip -P option is described in the manual.",
    "password heading": "Password\nrequired for every account\n",
    "keyword line without a login": "Pass the value below\n",
    "gzip": "gzip -P file",
    "a yaml key in an ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
}


@pytest.mark.parametrize("name", list(COMMAND_PROSE))
def test_round_four_patterns_leave_prose_alone(name: str) -> None:
    assert _values(COMMAND_PROSE[name]) == []
