"""Credential formats teams keep in texts, recorded from moto in four protocols: nothing on
disk, ``harness scan`` clean, and the scan finds each one planted back.

Each text is a file or snippet as the tool that reads it writes it (the references are in
``FORMATS``), with a sentinel where its secret goes. It is stored as a DynamoDB attribute
(json), published to SNS (query), uploaded to S3 (rest-xml) and set as an API Gateway
description (rest-json), and read back where the service gives it back. The cassettes must
hold no sentinel (raw or base64), ``harness scan`` must exit 0 on them, and exit 1 once a
sentinel is written back in place of its placeholder.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import boto3
import pytest

from harness.cli import run
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

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
}


def _clients(endpoint: str) -> dict[str, object]:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    names = ("dynamodb", "sns", "s3", "apigateway")
    return {n: session.client(n, endpoint_url=endpoint) for n in names}  # type: ignore[call-overload]


def _store(clients: dict[str, object], number: int, text: str) -> None:
    dynamodb, sns, s3, apigateway = (clients[n] for n in ("dynamodb", "sns", "s3", "apigateway"))
    dynamodb.put_item(TableName="notes", Item={"id": {"S": f"n{number}"}, "body": {"S": text}})  # type: ignore[attr-defined]
    got = dynamodb.get_item(TableName="notes", Key={"id": {"S": f"n{number}"}})  # type: ignore[attr-defined]
    assert got["Item"]["body"]["S"] == text
    sns.publish(TopicArn=clients["topic"], Message=text)  # type: ignore[attr-defined]
    s3.put_object(Bucket="configs", Key=f"c{number}.txt", Body=text.encode())  # type: ignore[attr-defined]
    body = s3.get_object(Bucket="configs", Key=f"c{number}.txt")["Body"].read()  # type: ignore[attr-defined]
    assert body == text.encode()
    api = apigateway.create_rest_api(name=f"api{number}", description=text)  # type: ignore[attr-defined]
    assert apigateway.get_rest_api(restApiId=api["id"])["description"] == text  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formats")
    with moto_server() as endpoint:
        clients: dict[str, object] = dict(_clients(endpoint))
        clients["dynamodb"].create_table(  # type: ignore[attr-defined]
            TableName="notes",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        clients["topic"] = clients["sns"].create_topic(Name="notes")["TopicArn"]  # type: ignore[attr-defined]
        clients["s3"].create_bucket(Bucket="configs")  # type: ignore[attr-defined]
        for number, (text, _, _) in enumerate(FORMATS.values()):
            recorder = CassetteRecorder(folder / f"format-{number}.yaml", "all")
            with recorder.activate():
                _store(clients, number, text)
            recorder.save()
    return folder


def _forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret] + [
        base64.b64encode(raw[i:]).decode()[4:-4] for i in range(3) if len(raw[i:]) > 9
    ]


@pytest.mark.parametrize("name", list(FORMATS))
def test_nothing_of_the_secret_on_disk(recorded: Path, name: str) -> None:
    number = list(FORMATS).index(name)
    text = (recorded / f"format-{number}.yaml").read_text()
    secret = FORMATS[name][1]
    assert [form for form in _forms(secret) if form in text] == []


def _scan(*paths: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["scan", *map(str, paths)], out, err)
    return code, out.getvalue() + err.getvalue()


def test_scan_finds_nothing_in_what_was_recorded(recorded: Path) -> None:
    code, out = _scan(recorded)
    assert code == 0, out


@pytest.mark.parametrize("name", list(FORMATS))
def test_scan_finds_each_secret_planted_back(recorded: Path, name: str, tmp_path: Path) -> None:
    number = list(FORMATS).index(name)
    _, secret, _ = FORMATS[name]
    cassette = (recorded / f"format-{number}.yaml").read_text()
    # the DynamoDB attribute as recorded (JSON in the YAML body), its placeholder back to
    # the secret: what a recorder without redaction would have written
    placeholders = re.findall(r"REDACTED[a-z]{4}\d{4}", cassette)
    assert placeholders, "the secret was replaced by a placeholder"
    planted = tmp_path / "planted.yaml"
    planted.write_text(cassette.replace(placeholders[0], secret, 1))
    code, out = _scan(planted)
    assert code == 1, out
    assert secret not in out  # (findings never print the secret)
