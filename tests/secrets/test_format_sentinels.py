"""Credential formats teams keep in texts, recorded through the pytest plugin in every
protocol: nothing on disk, ``harness scan`` clean, and the scan finds each one planted back.

Each text is a file or snippet as the tool that reads it writes it (the references are in
``FORMATS``: the tool's manual or the vendor's documentation page), with a sentinel where its
secret goes. An inner pytest suite (``@pytest.mark.aws_cassette``, moto server, recorded with
``--aws-record-mode=once``) stores each text as a DynamoDB attribute (json), publishes it to
SNS (query), uploads it to S3 (rest-xml), sets it as an API Gateway description (rest-json),
as an EC2 tag's value (ec2) and as a CloudWatch Omni view's description (smithy-rpc-v2-cbor:
moto serves no service of that protocol, so a loopback server of the test's own decodes the
CBOR request and answers in CBOR, as the service would), and reads it back where the service
gives it back. The texts reach the inner suite through
the environment, so no source file holds a sentinel. Every file the run left (cassettes,
indexes, pytest's cache) must hold no sentinel (raw or base64), ``harness scan`` must exit 0
on the cassettes, and exit 1 once a sentinel is written back in place of its placeholder.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest

from harness.aws.protocols import wire_form as wire
from harness.cli import run
from harness.exchange import HttpRequest, HttpResponse
from harness.serve.http import LoopbackServer
from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

pytest.importorskip("moto.server")

#: A PEM private key as a kubeconfig embeds it: base64 of the whole PEM text
_KUBE_KEY = base64.b64encode(
    b"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsntl7Kube01xxxxxxxxxxxxxxxx\n"
    b"-----END RSA PRIVATE KEY-----\n"
).decode()

#: name -> (text holding the sentinel, the sentinel, where the format is specified)
FORMATS: dict[str, tuple[str, str, str]] = {
    "netrc": (
        "machine api.example.com login ci account sntl5Acct01 password sntl5Netrc01\n",
        "sntl5Netrc01",
        "GNU inetutils, The .netrc file (ftp manual); Python's netrc module",
    ),
    "netrc account": (
        "machine ftp.example.com login ci account sntl5Acct02 password x9Kq2mPz\n",
        "sntl5Acct02",
        "GNU inetutils, The .netrc file: 'account string'",
    ),
    "smtp auth login": (
        "AUTH LOGIN\r\n334 VXNlcm5hbWU6\r\nY2k=\r\n334 UGFzc3dvcmQ6\r\nc250bDVTbXRwMDM=\r\n",
        "c250bDVTbXRwMDM=",
        "RFC 4954 (SMTP AUTH) and the LOGIN mechanism's draft-murchison-sasl-login",
    ),
    "mysql continued": (
        "mysql -h db.internal -u app \\\n  -psntl5Mysql04 app < schema.sql\n",
        "sntl5Mysql04",
        "MySQL 8.4 Reference Manual, 6.2.2.1 Using Options on the Command Line (-p)",
    ),
    "cli shorthand": (
        "aws cloudformation create-stack --stack-name app --parameters "
        "ParameterKey=DBPassword,ParameterValue=sntl5Cli05 ParameterKey=Env,ParameterValue=prod",
        "sntl5Cli05",
        "AWS CLI User Guide, Using shorthand syntax",
    ),
    "kubernetes env": (
        "env:\n  - name: DB_PASSWORD\n    value: sntl5K8s06\n"
        "  - name: LOG_LEVEL\n    value: info\n",
        "sntl5K8s06",
        "Kubernetes docs, Define Environment Variables for a Container",
    ),
    "beanstalk option": (
        "option_settings:\n  - namespace: aws:elasticbeanstalk:application:environment\n"
        "    option_name: API_SECRET\n    value: sntl5Eb07\n",
        "sntl5Eb07",
        "Elastic Beanstalk Developer Guide, Option settings (.ebextensions)",
    ),
    "cfn NoEcho": (
        "Parameters:\n  DBPass:\n    Type: String\n    NoEcho: true\n    Default: sntl5Cfn08\n",
        "sntl5Cfn08",
        "CloudFormation User Guide, Parameters: NoEcho",
    ),
    "dockerfile": (
        "FROM node:20\nENV NPM_TOKEN sntl5Npm09\nRUN npm ci\n",
        "sntl5Npm09",
        "Dockerfile reference, ENV (the 'ENV <key> <value>' form)",
    ),
    "powershell": (
        "New-AzStorageContext -StorageAccountName acct -StorageAccountKey sntl5Az10==\n",
        "sntl5Az10==",
        "Az.Storage, New-AzStorageContext",
    ),
    "securestring": (
        "$p = ConvertTo-SecureString 'sntl5Ps11' -AsPlainText -Force\n",
        "sntl5Ps11",
        "Microsoft.PowerShell.Security, ConvertTo-SecureString",
    ),
    "appSettings": (
        '<configuration><appSettings><add key="DbPassword" value="sntl5Net12" />'
        "</appSettings></configuration>",
        "sntl5Net12",
        ".NET Framework configuration schema, <appSettings> <add key value>",
    ),
    "cdata": (
        "<settings><Password><![CDATA[sntl5Cdata13]]></Password></settings>",
        "sntl5Cdata13",
        "XML 1.0, 2.7 CDATA Sections",
    ),
    "jwk yaml": (
        "keys:\n  - kty: RSA\n    e: AQAB\n    d: sntl5JwkPrivateExponent14\n",
        "sntl5JwkPrivateExponent14",
        "RFC 7517 (JWK) and RFC 7518 6.3.2 (RSA private members)",
    ),
    "npm_token key": (
        "npm_token: sntl5Npm15\nregistry: https://registry.npmjs.org/\n",
        "sntl5Npm15",
        "a CI configuration's snake-case key (GitHub Actions inputs, Ansible vars)",
    ),
    # dotfiles and configuration files, as their tools document them
    "pgpass": (
        "db.example.com:5432:app:appuser:sntl6Pgpass01\n*:*:*:replica:sntl6Pgpass02\n",
        "sntl6Pgpass01",
        "PostgreSQL 17 documentation, 32.16 The Password File",
    ),
    "npmrc": (
        "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=sntl6Npmrc03\n",
        "sntl6Npmrc03",
        "npm Docs, npmrc: Auth related configuration (_authToken)",
    ),
    "wp-config": (
        "define( 'DB_NAME', 'wordpress' );\ndefine( 'DB_PASSWORD', 'sntl6Wp04' );\n",
        "sntl6Wp04",
        "WordPress Developer Resources, Editing wp-config.php",
    ),
    "redis.conf": (
        "bind 127.0.0.1\nrequirepass sntl6Redis05\n",
        "sntl6Redis05",
        "Redis documentation, redis.conf (requirepass)",
    ),
    "wpa_supplicant": (
        'network={\n  ssid="office"\n  psk="sntl6Wifi06"\n}\n',
        "sntl6Wifi06",
        "wpa_supplicant.conf(5): psk",
    ),
    "docker config": (
        '{"auths": {"https://index.docker.io/v1/": {"auth": "Y2k6c250bDZEb2NrZXIwNw=="}}}',
        "Y2k6c250bDZEb2NrZXIwNw==",
        "Docker CLI reference, docker login: credentials store (config.json auths)",
    ),
    "kubeconfig": (
        "users:\n- name: ci\n  user:\n    token: sntl6Kube08abcdef\n",
        "sntl6Kube08abcdef",
        "Kubernetes docs, Organizing Cluster Access Using kubeconfig Files",
    ),
    "git-credentials": (
        "https://ci:sntl6Git09@github.com\n",
        "sntl6Git09",
        "git-credential-store(1): storage format",
    ),
    "pypirc": (
        "[pypi]\nusername = __token__\npassword = sntl6Pypi10\n",
        "sntl6Pypi10",
        "Python Packaging User Guide, The .pypirc file",
    ),
    "aws credentials": (
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = sntl6AwsSecret11xxxxxxxxxxxxxxxxxxxxxxxxxx\n",
        "sntl6AwsSecret11xxxxxxxxxxxxxxxxxxxxxxxxxx",
        "AWS SDKs and Tools Reference Guide, Shared config and credentials files",
    ),
    "maven settings": (
        "<settings><servers><server><id>repo</id><username>ci</username>"
        "<password>sntl6Mvn12</password></server></servers></settings>",
        "sntl6Mvn12",
        "Apache Maven, Settings Reference: servers",
    ),
    "terraform tfvars": (
        'db_password = "sntl6Tf13"\nregion = "us-east-1"\n',
        "sntl6Tf13",
        "Terraform docs, Input Variables: variable definitions (.tfvars) files",
    ),
    # round 4: vendors' keys and tokens, and more tools' files and command lines, each as
    # the page cited shows it
    "kubeconfig client-key-data": (
        "users:\n- name: admin\n  user:\n"
        "    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n"
        f"    client-key-data: {_KUBE_KEY}\n",
        _KUBE_KEY,
        "https://kubernetes.io/docs/tasks/access-application-cluster/"
        "configure-access-multiple-clusters/ (client-key-data)",
    ),
    "terraform credentials.tfrc.json": (
        '{"credentials": {"app.terraform.io": {"token": "sntl7Tfrc02.atlasv1.abcdefgh"}}}',
        "sntl7Tfrc02.atlasv1.abcdefgh",
        "https://developer.hashicorp.com/terraform/cli/config/config-file#credentials-1",
    ),
    "pip.conf index-url": (
        "[global]\nindex-url = https://ci:sntl7Pip03@pypi.example.com/simple\n",
        "sntl7Pip03",
        "https://pip.pypa.io/en/stable/topics/authentication/#basic-http-authentication",
    ),
    "gradle.properties": (
        "mySecureRepositoryUsername=ci\nmySecureRepositoryPassword=sntl7Gradle04\n",
        "sntl7Gradle04",
        "https://docs.gradle.org/current/samples/sample_publishing_credentials.html",
    ),
    "slack webhook": (
        "curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"Hello\"}' "
        "https://hooks.slack.com/services/T00000000/B00000000/sntl7Slack05xxxxxxxxxxxx\n",
        "sntl7Slack05xxxxxxxxxxxx",
        "https://api.slack.com/messaging/webhooks",
    ),
    "stripe secret key": (
        "curl https://api.stripe.com/v1/charges \\\n  -u sk_live_sntl7Stripe06abcdefghijkl: "
        "\\\n  -d amount=2000\n",
        "sk_live_sntl7Stripe06abcdefghijkl",
        "https://docs.stripe.com/api/authentication",
    ),
    "sendgrid api key": (
        "echo \"export SENDGRID_API_KEY='SG.sntl7Sendgrid07abcd.sntl7Sendgrid07efghijk'\" "
        "> sendgrid.env\n",
        "SG.sntl7Sendgrid07abcd.sntl7Sendgrid07efghijk",
        "https://www.twilio.com/docs/sendgrid/for-developers/sending-email/api-getting-started",
    ),
    "twilio auth token": (
        'curl -X GET "https://api.twilio.com/2010-04-01/Accounts.json" \\\n'
        "  -u ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:5e7c1a2b3c4d5e6f7a8b9c0d1e2f3a08\n",
        "5e7c1a2b3c4d5e6f7a8b9c0d1e2f3a08",
        "https://www.twilio.com/docs/usage/requests-to-twilio (HTTP basic: SID, auth token)",
    ),
    "gitlab access token": (
        'curl --header "PRIVATE-TOKEN: glpat-sntl7Gitlab09abcdefghij" '
        '"https://gitlab.example.com/api/v4/projects"\n',
        "glpat-sntl7Gitlab09abcdefghij",
        "https://docs.gitlab.com/api/rest/authentication/",
    ),
    "azure storage SAS": (
        "https://myaccount.blob.core.windows.net/sascontainer/sasblob.txt?sv=2019-02-02"
        "&st=2019-04-29T22%3A18%3A26Z&se=2019-04-30T02%3A23%3A26Z&sr=b&sp=rw"
        "&sip=168.1.5.60-168.1.5.70&spr=https&sig=sntl7Sas10%2FabcDEF%2Bghi%3D\n",
        "sntl7Sas10%2FabcDEF%2Bghi%3D",
        "https://learn.microsoft.com/en-us/azure/storage/common/storage-sas-overview",
    ),
    "gcp service account key": (
        '{\n  "type": "service_account",\n  "project_id": "app",\n'
        '  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvsntl7Gcp11xxxxxxxx\\n'
        '-----END PRIVATE KEY-----\\n",\n'
        '  "client_email": "ci@app.iam.gserviceaccount.com"\n}\n',
        "MIIEvsntl7Gcp11xxxxxxxx",
        "https://cloud.google.com/iam/docs/keys-create-delete (the JSON key file)",
    ),
    "gem credentials": (
        "---\n:rubygems_api_key: sntl7Gem12abcdef0123456789abcdef\n",
        "sntl7Gem12abcdef0123456789abcdef",
        "https://guides.rubygems.org/rubygems-org-api/ (api_key.yaml into ~/.gem/credentials)",
    ),
    "docker identitytoken": (
        '{"auths": {"myregistry.azurecr.io": {"auth": "", "identitytoken": "sntl7Ident13abc"}}}',
        "sntl7Ident13abc",
        "https://docs.docker.com/reference/api/engine/version/v1.47/#section/Authentication",
    ),
    "composer gitlab-token": (
        '{\n    "gitlab-token": {\n        "gitlab.example.org": "sntl7Composer14"\n    }\n}\n',
        "sntl7Composer14",
        "https://getcomposer.org/doc/articles/authentication-for-private-packages.md#gitlab-token",
    ),
    "msmtprc": (
        "account gmail\nhost smtp.gmail.com\nport 587\nauth on\nuser me@gmail.com\n"
        "password sntl7Msmtp15\n",
        "sntl7Msmtp15",
        "https://marlam.de/msmtp/msmtp.html (Examples: a user configuration file)",
    ),
    "mbsyncrc": (
        "IMAPAccount work\nHost imap.example.com\nUser me\nPass sntl7Mbsync16\n",
        "sntl7Mbsync16",
        "https://isync.sourceforge.io/mbsync.html (Pass)",
    ),
    "fetchmailrc": (
        'poll mail.example.com protocol pop3 username "joe" password "sntl7Fetch17"\n',
        "sntl7Fetch17",
        "https://www.fetchmail.info/fetchmail-man.html (the run control file)",
    ),
    "redis-cli -a": (
        "redis-cli -h redis.example.com -p 6379 -a sntl7Redis18 ping\n",
        "sntl7Redis18",
        "https://redis.io/docs/latest/develop/tools/cli/ (-a <password>)",
    ),
    "sqlcmd -P": (
        'sqlcmd -S myserver -U sa -P sntl7Sqlcmd19 -Q "SELECT 1"\n',
        "sntl7Sqlcmd19",
        "https://learn.microsoft.com/en-us/sql/tools/sqlcmd/sqlcmd-utility (-P password)",
    ),
    "ldapsearch -w": (
        'ldapsearch -x -H ldap://ldap.example.com -D "cn=admin,dc=example,dc=com" '
        '-w sntl7Ldap20 -b "dc=example,dc=com"\n',
        "sntl7Ldap20",
        "https://www.openldap.org/software/man.cgi?query=ldapsearch (-w passwd)",
    ),
    "keytool -storepass": (
        "keytool -importcert -alias ca -file ca.pem -keystore truststore.jks "
        "-storepass sntl7Keytool21 -noprompt\n",
        "sntl7Keytool21",
        "https://docs.oracle.com/en/java/javase/21/docs/specs/man/keytool.html (-storepass)",
    ),
    "docker login -p": (
        "docker login -u ci -p sntl7Docker22 registry.example.com\n",
        "sntl7Docker22",
        "https://docs.docker.com/reference/cli/docker/login/ (--password, -p)",
    ),
    "ansible inventory": (
        "[web]\nweb1 ansible_host=10.0.0.5 ansible_user=ci ansible_become_pass=sntl7Ansible23\n",
        "sntl7Ansible23",
        "https://docs.ansible.com/ansible/latest/inventory_guide/intro_inventory.html",
    ),
    "muttrc": (
        'set imap_user = "me@example.com"\nset imap_pass = "sntl7Mutt24"\n',
        "sntl7Mutt24",
        "http://www.mutt.org/doc/manual/ (imap_pass)",
    ),
    "smbclient -U": (
        "smbclient //server/share -U ci%sntl7Smb25\n",
        "sntl7Smb25",
        "https://www.samba.org/samba/docs/current/man-html/smbclient.1.html (-U user%password)",
    ),
    "cmdkey /pass": (
        "cmdkey /add:server01 /user:ci /pass:sntl7Cmdkey26\n",
        "sntl7Cmdkey26",
        "https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/cmdkey",
    ),
}

#: The inner suite: each format in its own test and cassette, six protocols; the texts come
#: from the environment (no source file holds a sentinel).
SUITE = """
import json
import os

import boto3
import pytest

TEXTS = json.loads(os.environ["SNTL_FORMATS"])
PROTOCOLS = os.environ["SNTL_PROTOCOLS"]


def client(service, endpoint="MOTO_ENDPOINT"):
    return boto3.client(service, endpoint_url=os.environ[endpoint], region_name="us-east-1")


@pytest.fixture(scope="module")
def aws():
    clients = {n: client(n) for n in ("dynamodb", "sns", "s3", "apigateway", "ec2")}
    clients["cloudwatchomni"] = client("cloudwatchomni", "CBOR_ENDPOINT")
    clients["dynamodb"].create_table(
        TableName="notes",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    clients["topic"] = clients["sns"].create_topic(Name="notes")["TopicArn"]
    clients["s3"].create_bucket(Bucket="configs")
    clients["vpc"] = clients["ec2"].create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with open(PROTOCOLS, "w") as out:
        json.dump({n: c.meta.service_model.protocol for n, c in clients.items()
                   if hasattr(c, "meta")}, out)
    return clients


CASES = [pytest.param(n, marks=pytest.mark.aws_cassette(f"format-{n}"), id=f"format-{n}")
         for n in range(len(TEXTS))]


@pytest.mark.parametrize("number", CASES)
def test_store(aws, number):
    text = TEXTS[number]
    item = {"id": {"S": f"n{number}"}, "body": {"S": text}}
    aws["dynamodb"].put_item(TableName="notes", Item=item)
    got = aws["dynamodb"].get_item(TableName="notes", Key={"id": {"S": f"n{number}"}})
    assert got["Item"]["body"]["S"] == text
    aws["sns"].publish(TopicArn=aws["topic"], Message=text)
    aws["s3"].put_object(Bucket="configs", Key=f"c{number}.txt", Body=text.encode())
    body = aws["s3"].get_object(Bucket="configs", Key=f"c{number}.txt")["Body"].read()
    assert body == text.encode()
    api = aws["apigateway"].create_rest_api(name=f"api{number}", description=text)
    assert aws["apigateway"].get_rest_api(restApiId=api["id"])["description"] == text
    key = f"note{number}"
    aws["ec2"].create_tags(Resources=[aws["vpc"]], Tags=[{"Key": key, "Value": text}])
    tags = aws["ec2"].describe_tags(Filters=[{"Name": "resource-id", "Values": [aws["vpc"]]},
                                             {"Name": "key", "Values": [key]}])["Tags"]
    # (moto writes the value into XML as it is: the parser reads its CR LF as LF)
    assert [t["Value"] for t in tags] == [text.replace("\\r\\n", "\\n")]
    aws["ec2"].delete_tags(Resources=[aws["vpc"]], Tags=[{"Key": key}])  # (50 at most)
    view = f"view.format{number}"
    aws["cloudwatchomni"].create_view(name=view, definition="{}", description=text)
    assert aws["cloudwatchomni"].get_view(name=view)["description"] == text
"""

#: Every protocol botocore speaks, and the client of the inner suite that speaks it.
PROTOCOLS = {
    "json": "dynamodb",
    "query": "sns",
    "rest-xml": "s3",
    "rest-json": "apigateway",
    "ec2": "ec2",
    "smithy-rpc-v2-cbor": "cloudwatchomni",
}


class Views:
    """CloudWatch Omni's CreateView and GetView in CBOR on loopback: what botocore sends is
    decoded, what it reads is encoded, by the harness's protocol codecs."""

    def __init__(self) -> None:
        self.views: dict[str, dict[str, object]] = {}

    def handle(self, request: HttpRequest) -> HttpResponse:
        service, operation = wire.identify(request, ("cloudwatchomni",))
        params = wire.decode_request(service, operation, request)
        if operation == "CreateView":
            name = str(params["name"])
            self.views[name] = {
                "name": name,
                "type": "USER",
                "definition": params["definition"],
                "description": params.get("description", ""),
                "arn": f"arn:aws:cloudwatch:us-east-1:123456789012:view/{name}",
                "createdAt": 1764000000,
                "updatedAt": 1764000000,
            }
        return wire.encode_response(service, operation, self.views[str(params["name"])])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The inner suite's folder after one recording run (its cassettes under ``cassettes/``)."""
    folder = tmp_path_factory.mktemp("formats")
    (folder / "test_formats.py").write_text(SUITE)
    texts = [text for text, _, _ in FORMATS.values()]
    with moto_server() as endpoint, LoopbackServer(Views().handle) as cbor:
        out = run_inner(
            folder,
            "--aws-record-mode=once",
            "--aws-contract=off",  # (redaction is under test here: a third of the time)
            "-p",
            "no:hypothesispytest",
            MOTO_ENDPOINT=endpoint,
            CBOR_ENDPOINT=cbor.endpoint_url,
            SNTL_FORMATS=json.dumps(texts),
            SNTL_PROTOCOLS=str(folder.parent / f"{folder.name}-protocols.json"),
            AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY="testing",
        )
    assert f"{len(FORMATS)} passed" in out, out
    return folder


def _cassette(recorded: Path, number: int) -> Path:
    (found,) = (recorded / "cassettes").rglob(f"format-{number}.yaml")
    return found


def test_recorded_through_the_plugin_in_every_protocol(recorded: Path) -> None:
    spoken = json.loads((recorded.parent / f"{recorded.name}-protocols.json").read_text())
    assert {protocol: spoken[service] for protocol, service in PROTOCOLS.items()} == {
        protocol: protocol for protocol in PROTOCOLS
    }
    cassette = _cassette(recorded, 0).read_text()
    for service in PROTOCOLS.values():
        assert f"service: {service}" in cassette, service
    assert "rpc-v2-cbor" in cassette  # (the Smithy-Protocol header: the body was CBOR)


def _forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret] + [
        base64.b64encode(raw[i:]).decode()[4:-4] for i in range(3) if len(raw[i:]) > 9
    ]


@pytest.fixture(scope="module")
def left_on_disk(recorded: Path) -> str:
    """Every file the inner run left (cassettes, indexes, pytest's cache), as one text."""
    files = [p for p in sorted(recorded.rglob("*")) if p.is_file() and p.suffix != ".py"]
    assert any(p.suffix == ".yaml" for p in files)
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in files)


@pytest.mark.parametrize("name", list(FORMATS))
def test_nothing_of_the_secret_on_disk(left_on_disk: str, name: str) -> None:
    secret = FORMATS[name][1]
    assert [form for form in _forms(secret) if form in left_on_disk] == []


def _scan(*paths: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["scan", *map(str, paths)], out, err)
    return code, out.getvalue() + err.getvalue()


def test_scan_finds_nothing_in_what_was_recorded(recorded: Path) -> None:
    code, out = _scan(recorded / "cassettes")
    assert code == 0, out


@pytest.fixture(scope="module")
def planted(recorded: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    """``harness scan --format json`` over each format's cassette with its secret written
    back in place of its first placeholder (the DynamoDB attribute as recorded, JSON in the
    YAML body): what a recorder without redaction would have written. One scan of all."""
    folder = tmp_path_factory.mktemp("planted")
    for number, (_, secret, _) in enumerate(FORMATS.values()):
        cassette = _cassette(recorded, number).read_text()
        placeholders = re.findall(r"REDACTED[a-z]{4}\d{4}", cassette)
        assert placeholders, f"format {number}: the secret was replaced by no placeholder"
        (folder / f"planted-{number}.yaml").write_text(cassette.replace(placeholders[0], secret, 1))
    out, err = io.StringIO(), io.StringIO()
    code = run(["scan", "--format", "json", str(folder)], out, err)
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("name", list(FORMATS))
def test_scan_finds_each_secret_planted_back(planted: tuple[int, str], name: str) -> None:
    code, out = planted
    assert code == 1, out
    number = list(FORMATS).index(name)
    document = json.loads(out)
    assert [f for f in document["findings"] if Path(f["path"]).name == f"planted-{number}.yaml"]
    assert FORMATS[name][1] not in out  # (findings never print the secret)
