"""``harness policy`` against a ground truth read from AWS's authorization data, operation by
operation.

An app (and the fixtures that create what it uses) is recorded against moto server, each
operation into a cassette of its own. ``TRUTH`` below says, for each operation, the exact
grants it needs: written by hand from the Service Authorization Reference (the actions of the
operation, each action's resource types and their ARN formats, its dependent actions) and,
where the reference is silent, the service guide cited beside the row; never by calling the
harness. The rules applied to the reference when writing it:

- an action's resources are its resource types' ARN formats, each filled from the request
  (``table/${TableName}`` with the ``TableName`` sent; an ARN the request sends, or for KMS
  the ARN its answer gives the key it named by alias); a *required* type the request names
  nothing of is granted with ``*`` for the missing name (``instance/*``), an optional one is
  left out; an action with no resource type gets ``*``;
- a dependent action is granted when the request sends what it depends on (tags:
  ``kms:TagResource`` for a ``CreateKey`` with ``Tags``, ``ec2:CreateTags`` for
  ``TagSpecifications`` on the ARN of each type tagged); ``iam:PassRole`` on a role ARN sent;
- names generated per run (``orders-<uuid>``) are written ``*`` so the policy holds for the
  next run, and a secret is ``secret:NAME-??????`` (Secrets Manager appends six characters).

Each operation's policy is derived from its own cassette beside one ``GetCallerIdentity``
(which needs no permission: it only shows the account), and compared with its row; the whole
recording's policy must be the union of the rows.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from harness.cli import run
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import configure, moto_server

pytestmark = pytest.mark.slow

A = "123456789012"
R = "us-east-1"
BUCKET = "arn:aws:s3:::media-*"
TABLE = f"arn:aws:dynamodb:{R}:{A}:table/orders-*"
AUDIT = f"arn:aws:dynamodb:{R}:{A}:table/audit"
KEY = f"arn:aws:kms:{R}:{A}:key/*"
ALIAS = f"arn:aws:kms:{R}:{A}:alias/app-key"
SECRET = f"arn:aws:secretsmanager:{R}:{A}:secret:app/db-??????"
QUEUE = f"arn:aws:sqs:{R}:{A}:jobs"
TOPIC = f"arn:aws:sns:{R}:{A}:events"
ROLE = f"arn:aws:iam::{A}:role/app-role"
FUNCTION = f"arn:aws:lambda:{R}:{A}:function:worker"
MACHINE = f"arn:aws:states:{R}:{A}:stateMachine:flow"
EC2 = f"arn:aws:ec2:{R}:{A}"

Grants = dict[str, set[str]]

#: operation -> the grants AWS's authorization data says it needs (see the module docstring)
TRUTH: dict[str, Grants] = {
    # --- fixtures: what the app's tests create
    "iam:CreateRole": {"iam:CreateRole": {ROLE}},  # role*: role/${RoleNameWithPath}
    "s3:CreateBucket": {"s3:CreateBucket": {BUCKET}},  # bucket*
    "s3:PutBucketTagging": {"s3:PutBucketTagging": {BUCKET}},
    "dynamodb:CreateTable": {"dynamodb:CreateTable": {TABLE, AUDIT}},  # table*; index optional
    "dynamodb:TagResource": {"dynamodb:TagResource": {TABLE}},  # ResourceArn fills table*
    # CreateKey takes no resource type; its dependent kms:TagResource (Tags sent) needs key*
    "kms:CreateKey": {"kms:CreateKey": {"*"}, "kms:TagResource": {KEY}},
    "kms:CreateAlias": {"kms:CreateAlias": {ALIAS, KEY}},  # alias* and key*
    "secretsmanager:CreateSecret": {"secretsmanager:CreateSecret": {SECRET}},
    "sqs:CreateQueue": {"sqs:CreateQueue": {QUEUE}},
    "sqs:TagQueue": {"sqs:TagQueue": {QUEUE}},
    "sns:CreateTopic": {"sns:CreateTopic": {TOPIC}},
    "sns:Subscribe": {"sns:Subscribe": {TOPIC}},  # topic*; the queue endpoint is no topic
    "sns:TagResource": {"sns:TagResource": {TOPIC}},
    # function*, and its dependent iam:PassRole on the Role sent
    "lambda:CreateFunction": {"lambda:CreateFunction": {FUNCTION}, "iam:PassRole": {ROLE}},
    "states:CreateStateMachine": {
        "states:CreateStateMachine": {MACHINE},
        "iam:PassRole": {ROLE},  # roleArn
    },
    # security-group* (its id is not known before): security-group/*; vpc (optional) named;
    # TagSpecifications: the dependent ec2:CreateTags on the security group
    "ec2:CreateSecurityGroup": {
        "ec2:CreateSecurityGroup": {f"{EC2}:security-group/*", f"{EC2}:vpc/vpc-*"},
        "ec2:CreateTags": {f"{EC2}:security-group/*"},
    },
    "ec2:DescribeImages": {"ec2:DescribeImages": {"*"}},  # no resource type
    "ec2:DescribeVpcs": {"ec2:DescribeVpcs": {"*"}},
    # --- the app: S3
    # PutObject: object; the ACL header needs s3:PutObjectAcl, Tagging s3:PutObjectTagging
    # (PutObject API reference: the reference lists neither as dependent)
    "s3:PutObject": {
        "s3:PutObject": {f"{BUCKET}/in/*.jpg"},
        "s3:PutObjectAcl": {f"{BUCKET}/in/*.jpg"},
        "s3:PutObjectTagging": {f"{BUCKET}/in/*.jpg"},
    },
    "s3:GetObject": {"s3:GetObject": {f"{BUCKET}/in/*.jpg"}},
    "s3:HeadObject": {"s3:GetObject": {f"{BUCKET}/in/*.jpg"}},  # S3 guide: read permission
    "s3:ListObjectsV2": {"s3:ListBucket": {BUCKET}},  # ListBucket's API link is ListObjectsV2
    "s3:CopyObject": {  # PutObject on the copy, GetObject on CopySource (its documentation)
        "s3:PutObject": {f"{BUCKET}/out/copy.jpg"},
        "s3:GetObject": {f"{BUCKET}/in/*.jpg"},
    },
    "s3:PutObjectAcl": {"s3:PutObjectAcl": {f"{BUCKET}/out/copy.jpg"}},
    "s3:GetObjectAcl": {"s3:GetObjectAcl": {f"{BUCKET}/out/copy.jpg"}},
    "s3:PutObjectTagging": {"s3:PutObjectTagging": {f"{BUCKET}/out/copy.jpg"}},
    "s3:GetObjectTagging": {"s3:GetObjectTagging": {f"{BUCKET}/out/copy.jpg"}},
    "s3:GetBucketTagging": {"s3:GetBucketTagging": {BUCKET}},
    # multipart: the S3 guide (mpuoverview) gives s3:PutObject for create/part/complete
    "s3:CreateMultipartUpload": {"s3:PutObject": {f"{BUCKET}/big.bin", f"{BUCKET}/gone.bin"}},
    "s3:UploadPart": {"s3:PutObject": {f"{BUCKET}/big.bin"}},
    "s3:ListParts": {"s3:ListMultipartUploadParts": {f"{BUCKET}/big.bin"}},  # API link
    "s3:ListMultipartUploads": {"s3:ListBucketMultipartUploads": {BUCKET}},  # API link
    "s3:CompleteMultipartUpload": {"s3:PutObject": {f"{BUCKET}/big.bin"}},
    "s3:AbortMultipartUpload": {"s3:AbortMultipartUpload": {f"{BUCKET}/gone.bin"}},
    "s3:DeleteObject": {"s3:DeleteObject": {f"{BUCKET}/big.bin"}},
    # DeleteObjects: s3:DeleteObject on each key (its documentation)
    "s3:DeleteObjects": {"s3:DeleteObject": {f"{BUCKET}/in/*.jpg", f"{BUCKET}/out/copy.jpg"}},
    # --- DynamoDB
    "dynamodb:DescribeTable": {"dynamodb:DescribeTable": {TABLE}},
    "dynamodb:PutItem": {"dynamodb:PutItem": {TABLE}},
    "dynamodb:GetItem": {"dynamodb:GetItem": {TABLE}},
    "dynamodb:UpdateItem": {"dynamodb:UpdateItem": {TABLE}},
    "dynamodb:DeleteItem": {"dynamodb:DeleteItem": {TABLE}},
    # table*, and the index queried: orders-*/index/by-customer, which orders-* covers (IAM's
    # * spans "/"), so the policy lists the table's wildcard alone
    "dynamodb:Query": {"dynamodb:Query": {TABLE}},
    "dynamodb:Scan": {"dynamodb:Scan": {TABLE}},
    # no IAM action for transactions: each item's action on its table (DynamoDB guide)
    "dynamodb:TransactWriteItems": {
        "dynamodb:PutItem": {TABLE, AUDIT},
        "dynamodb:UpdateItem": {TABLE},
        "dynamodb:ConditionCheckItem": {TABLE},
        "dynamodb:DeleteItem": {TABLE},
    },
    "dynamodb:TransactGetItems": {"dynamodb:GetItem": {TABLE, AUDIT}},
    "dynamodb:BatchGetItem": {"dynamodb:BatchGetItem": {TABLE, AUDIT}},  # each table
    "dynamodb:BatchWriteItem": {"dynamodb:BatchWriteItem": {TABLE, AUDIT}},
    "dynamodb:ListTagsOfResource": {"dynamodb:ListTagsOfResource": {TABLE}},
    # --- KMS: key*, the key the alias names (from the answer); Decrypt: the key it used
    "kms:DescribeKey": {"kms:DescribeKey": {KEY}},
    "kms:Encrypt": {"kms:Encrypt": {KEY}},
    "kms:Decrypt": {"kms:Decrypt": {KEY}},
    "kms:GenerateDataKey": {"kms:GenerateDataKey": {KEY}},
    # --- Secrets Manager: Secret*
    "secretsmanager:GetSecretValue": {"secretsmanager:GetSecretValue": {SECRET}},
    "secretsmanager:PutSecretValue": {"secretsmanager:PutSecretValue": {SECRET}},
    "secretsmanager:DescribeSecret": {"secretsmanager:DescribeSecret": {SECRET}},
    # --- SQS: queue* from QueueUrl; a batch is its message's action (SQS guide)
    "sqs:GetQueueUrl": {"sqs:GetQueueUrl": {QUEUE}},
    "sqs:SendMessage": {"sqs:SendMessage": {QUEUE}},
    "sqs:SendMessageBatch": {"sqs:SendMessage": {QUEUE}},
    "sqs:ReceiveMessage": {"sqs:ReceiveMessage": {QUEUE}},
    "sqs:DeleteMessage": {"sqs:DeleteMessage": {QUEUE}},
    "sqs:GetQueueAttributes": {"sqs:GetQueueAttributes": {QUEUE}},
    # --- SNS
    "sns:Publish": {"sns:Publish": {TOPIC}},
    "sns:PublishBatch": {"sns:Publish": {TOPIC}},  # SNS guide: a batch is Publish
    # --- EC2 RunInstances: image* (ImageId), instance*, network-interface*, security-group*
    # (SecurityGroupIds), subnet*; TagSpecifications: ec2:CreateTags on instance and volume
    "ec2:RunInstances": {
        "ec2:RunInstances": {
            f"arn:aws:ec2:{R}::image/ami-*",
            f"{EC2}:instance/*",
            f"{EC2}:network-interface/*",
            f"{EC2}:security-group/sg-*",
            f"{EC2}:subnet/*",
        },
        "ec2:CreateTags": {f"{EC2}:instance/*", f"{EC2}:volume/*"},
    },
    "ec2:DescribeInstances": {"ec2:DescribeInstances": {"*"}},
    "ec2:TerminateInstances": {"ec2:TerminateInstances": {f"{EC2}:instance/i-*"}},
    # --- STS: AssumeRole on the role (role*); nothing passed
    "sts:AssumeRole": {"sts:AssumeRole": {ROLE}},
    # --- Lambda: Invoke is lambda:InvokeFunction (its API link), function*
    "lambda:Invoke": {"lambda:InvokeFunction": {FUNCTION}},
    "lambda:GetFunction": {"lambda:GetFunction": {FUNCTION}},
    # --- Step Functions: statemachine* from stateMachineArn; execution* from executionArn
    # (express* is the other kind of execution, not this one)
    "states:StartExecution": {"states:StartExecution": {MACHINE}},
    "states:DescribeExecution": {
        "states:DescribeExecution": {f"arn:aws:states:{R}:{A}:execution:flow:*"}
    },
}

#: operation -> the ``Condition`` of each action ``--conditions`` writes, read from the
#: reference: ``s3:x-amz-acl`` is a condition key of ``s3:PutObject`` and of
#: ``s3:PutObjectAcl``, the canned ACL sent in the ``x-amz-acl`` header (``ACL``, an enum).
#: No other recorded request sends a member whose value is a condition key of the action it
#: is authorized by (``GenerateDataKey``'s ``KeySpec`` is the data key's: ``kms:KeySpec`` of
#: ``kms:GenerateDataKey`` is the KMS key's, a condition of the ``key`` resource type; the
#: dependent ``s3:PutObjectAcl`` of the ``PutObject`` gets none).
CONDITIONS: dict[str, dict[str, dict[str, Any]]] = {
    "s3:PutObject": {"s3:PutObject": {"StringEquals": {"s3:x-amz-acl": "private"}}},
    "s3:PutObjectAcl": {"s3:PutObjectAcl": {"StringEquals": {"s3:x-amz-acl": "private"}}},
}


def _hex(length: int) -> str:
    while True:
        drawn = uuid.uuid4().hex[:length]
        if not drawn.isdigit():
            return drawn


class _App:
    """Records each operation into ``folder/<service>.<Operation>.yaml``."""

    def __init__(self, folder: Path, endpoint: str) -> None:
        self.folder = folder
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=R
        )
        names = ("s3", "dynamodb", "kms", "secretsmanager", "sqs", "sns", "ec2", "sts", "iam")
        self.c = {n: session.client(n, endpoint_url=endpoint) for n in names}
        self.c["lambda"] = session.client("lambda", endpoint_url=endpoint)
        self.c["states"] = session.client("stepfunctions", endpoint_url=endpoint)
        self.recorded: list[str] = []

    def __call__(self, operation: str, call: Callable[[], Any]) -> Any:
        path = self.folder / f"{operation.replace(':', '.')}.yaml"
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            result = call()
        recorder.save()
        self.recorded.append(operation)
        return result


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _record(folder: Path, endpoint: str) -> _App:
    configure(endpoint, {"lambda": {"use_docker": False}})
    app = _App(folder, endpoint)
    c = app.c
    app("sts:GetCallerIdentity", c["sts"].get_caller_identity)
    table, bucket = f"orders-{uuid.uuid4()}", f"media-{_hex(12)}"
    # --- fixtures
    app(
        "iam:CreateRole",
        lambda: c["iam"].create_role(RoleName="app-role", AssumeRolePolicyDocument="{}"),
    )
    app("s3:CreateBucket", lambda: c["s3"].create_bucket(Bucket=bucket))
    app(
        "s3:PutBucketTagging",
        lambda: c["s3"].put_bucket_tagging(
            Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "media"}]}
        ),
    )

    def create_tables() -> str:
        arn = c["dynamodb"].create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "customer", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-customer",
                    "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )["TableDescription"]["TableArn"]
        c["dynamodb"].create_table(
            TableName="audit",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        return str(arn)

    table_arn = app("dynamodb:CreateTable", create_tables)
    app(
        "dynamodb:TagResource",
        lambda: c["dynamodb"].tag_resource(
            ResourceArn=table_arn, Tags=[{"Key": "team", "Value": "orders"}]
        ),
    )
    key = app(
        "kms:CreateKey",
        lambda: c["kms"].create_key(Tags=[{"TagKey": "team", "TagValue": "app"}]),
    )["KeyMetadata"]["KeyId"]
    app(
        "kms:CreateAlias",
        lambda: c["kms"].create_alias(AliasName="alias/app-key", TargetKeyId=key),
    )
    app(
        "secretsmanager:CreateSecret",
        lambda: c["secretsmanager"].create_secret(Name="app/db", SecretString="pw-Value-x9"),
    )
    queue = app("sqs:CreateQueue", lambda: c["sqs"].create_queue(QueueName="jobs"))["QueueUrl"]
    app("sqs:TagQueue", lambda: c["sqs"].tag_queue(QueueUrl=queue, Tags={"team": "jobs"}))
    queue_arn = c["sqs"].get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    topic = app("sns:CreateTopic", lambda: c["sns"].create_topic(Name="events"))["TopicArn"]
    app(
        "sns:Subscribe",
        lambda: c["sns"].subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn),
    )
    app(
        "sns:TagResource",
        lambda: c["sns"].tag_resource(ResourceArn=topic, Tags=[{"Key": "t", "Value": "v"}]),
    )
    app(
        "lambda:CreateFunction",
        lambda: c["lambda"].create_function(
            FunctionName="worker",
            Runtime="python3.12",
            Role=ROLE,
            Handler="index.handler",
            Code={"ZipFile": _zip()},
        ),
    )
    definition = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    machine = app(
        "states:CreateStateMachine",
        lambda: c["states"].create_state_machine(name="flow", definition=definition, roleArn=ROLE),
    )["stateMachineArn"]
    vpc = app("ec2:DescribeVpcs", c["ec2"].describe_vpcs)["Vpcs"][0]["VpcId"]
    group = app(
        "ec2:CreateSecurityGroup",
        lambda: c["ec2"].create_security_group(
            GroupName=f"web-{_hex(6)}",
            Description="web",
            VpcId=vpc,
            TagSpecifications=[
                {"ResourceType": "security-group", "Tags": [{"Key": "t", "Value": "v"}]}
            ],
        ),
    )["GroupId"]
    image = app("ec2:DescribeImages", lambda: c["ec2"].describe_images(Owners=["amazon"]))[
        "Images"
    ][0]["ImageId"]
    # --- the app: S3
    photo = f"in/{uuid.uuid4()}.jpg"
    app(
        "s3:PutObject",
        lambda: c["s3"].put_object(
            Bucket=bucket, Key=photo, Body=b"jpg", ACL="private", Tagging="kind=photo"
        ),
    )
    app("s3:GetObject", lambda: c["s3"].get_object(Bucket=bucket, Key=photo)["Body"].read())
    app("s3:HeadObject", lambda: c["s3"].head_object(Bucket=bucket, Key=photo))
    app("s3:ListObjectsV2", lambda: c["s3"].list_objects_v2(Bucket=bucket, Prefix="in/"))
    app(
        "s3:CopyObject",
        lambda: c["s3"].copy_object(
            Bucket=bucket, Key="out/copy.jpg", CopySource=f"{bucket}/{photo}"
        ),
    )
    app(
        "s3:PutObjectAcl",
        lambda: c["s3"].put_object_acl(Bucket=bucket, Key="out/copy.jpg", ACL="private"),
    )
    app("s3:GetObjectAcl", lambda: c["s3"].get_object_acl(Bucket=bucket, Key="out/copy.jpg"))
    app(
        "s3:PutObjectTagging",
        lambda: c["s3"].put_object_tagging(
            Bucket=bucket, Key="out/copy.jpg", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]}
        ),
    )
    app(
        "s3:GetObjectTagging",
        lambda: c["s3"].get_object_tagging(Bucket=bucket, Key="out/copy.jpg"),
    )
    app("s3:GetBucketTagging", lambda: c["s3"].get_bucket_tagging(Bucket=bucket))

    def create_uploads() -> str:
        c["s3"].create_multipart_upload(Bucket=bucket, Key="gone.bin")
        return str(c["s3"].create_multipart_upload(Bucket=bucket, Key="big.bin")["UploadId"])

    upload = app("s3:CreateMultipartUpload", create_uploads)
    part = app(
        "s3:UploadPart",
        lambda: c["s3"].upload_part(
            Bucket=bucket, Key="big.bin", UploadId=upload, PartNumber=1, Body=b"p" * 1024
        ),
    )["ETag"]
    app("s3:ListParts", lambda: c["s3"].list_parts(Bucket=bucket, Key="big.bin", UploadId=upload))
    uploads = app("s3:ListMultipartUploads", lambda: c["s3"].list_multipart_uploads(Bucket=bucket))
    gone = next(u["UploadId"] for u in uploads["Uploads"] if u["Key"] == "gone.bin")
    app(
        "s3:CompleteMultipartUpload",
        lambda: c["s3"].complete_multipart_upload(
            Bucket=bucket,
            Key="big.bin",
            UploadId=upload,
            MultipartUpload={"Parts": [{"ETag": part, "PartNumber": 1}]},
        ),
    )
    app(
        "s3:AbortMultipartUpload",
        lambda: c["s3"].abort_multipart_upload(Bucket=bucket, Key="gone.bin", UploadId=gone),
    )
    app("s3:DeleteObject", lambda: c["s3"].delete_object(Bucket=bucket, Key="big.bin"))
    app(
        "s3:DeleteObjects",
        lambda: c["s3"].delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": photo}, {"Key": "out/copy.jpg"}]}
        ),
    )
    # --- DynamoDB
    ddb = c["dynamodb"]
    app("dynamodb:DescribeTable", lambda: ddb.describe_table(TableName=table))
    item = {"pk": {"S": "a"}, "customer": {"S": "c1"}}
    app("dynamodb:PutItem", lambda: ddb.put_item(TableName=table, Item=item))
    app("dynamodb:GetItem", lambda: ddb.get_item(TableName=table, Key={"pk": {"S": "a"}}))
    app(
        "dynamodb:UpdateItem",
        lambda: ddb.update_item(
            TableName=table,
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET customer = :c",
            ExpressionAttributeValues={":c": {"S": "c2"}},
        ),
    )
    app(
        "dynamodb:Query",
        lambda: ddb.query(
            TableName=table,
            IndexName="by-customer",
            KeyConditionExpression="customer = :c",
            ExpressionAttributeValues={":c": {"S": "c2"}},
        ),
    )
    app("dynamodb:Scan", lambda: ddb.scan(TableName=table))
    app(
        "dynamodb:TransactWriteItems",
        lambda: ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"pk": {"S": "b"}}}},
                {"Put": {"TableName": "audit", "Item": {"pk": {"S": "b"}}}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": {"S": "a"}},
                        "UpdateExpression": "SET customer = :c",
                        "ExpressionAttributeValues": {":c": {"S": "c3"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"pk": {"S": "z"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {"Delete": {"TableName": table, "Key": {"pk": {"S": "y"}}}},
            ]
        ),
    )
    app(
        "dynamodb:TransactGetItems",
        lambda: ddb.transact_get_items(
            TransactItems=[
                {"Get": {"TableName": table, "Key": {"pk": {"S": "a"}}}},
                {"Get": {"TableName": "audit", "Key": {"pk": {"S": "b"}}}},
            ]
        ),
    )
    app(
        "dynamodb:BatchGetItem",
        lambda: ddb.batch_get_item(
            RequestItems={
                table: {"Keys": [{"pk": {"S": "a"}}]},
                "audit": {"Keys": [{"pk": {"S": "b"}}]},
            }
        ),
    )
    app(
        "dynamodb:BatchWriteItem",
        lambda: ddb.batch_write_item(
            RequestItems={
                table: [{"PutRequest": {"Item": {"pk": {"S": "c"}}}}],
                "audit": [{"DeleteRequest": {"Key": {"pk": {"S": "b"}}}}],
            }
        ),
    )
    app("dynamodb:DeleteItem", lambda: ddb.delete_item(TableName=table, Key={"pk": {"S": "c"}}))
    app("dynamodb:ListTagsOfResource", lambda: ddb.list_tags_of_resource(ResourceArn=table_arn))
    # --- KMS: by alias, by key id
    app("kms:DescribeKey", lambda: c["kms"].describe_key(KeyId="alias/app-key"))
    sealed = app("kms:Encrypt", lambda: c["kms"].encrypt(KeyId="alias/app-key", Plaintext=b"card"))[
        "CiphertextBlob"
    ]
    app("kms:Decrypt", lambda: c["kms"].decrypt(CiphertextBlob=sealed))
    app("kms:GenerateDataKey", lambda: c["kms"].generate_data_key(KeyId=key, KeySpec="AES_256"))
    # --- Secrets Manager
    sm = c["secretsmanager"]
    app("secretsmanager:GetSecretValue", lambda: sm.get_secret_value(SecretId="app/db"))
    app(
        "secretsmanager:PutSecretValue",
        lambda: sm.put_secret_value(SecretId="app/db", SecretString="pw-Value-y8"),
    )
    app("secretsmanager:DescribeSecret", lambda: sm.describe_secret(SecretId="app/db"))
    # --- SQS
    sqs = c["sqs"]
    app("sqs:GetQueueUrl", lambda: sqs.get_queue_url(QueueName="jobs"))
    app("sqs:SendMessage", lambda: sqs.send_message(QueueUrl=queue, MessageBody="one"))
    app(
        "sqs:SendMessageBatch",
        lambda: sqs.send_message_batch(
            QueueUrl=queue,
            Entries=[{"Id": "1", "MessageBody": "a"}, {"Id": "2", "MessageBody": "b"}],
        ),
    )
    messages = app(
        "sqs:ReceiveMessage", lambda: sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)
    )["Messages"]
    app(
        "sqs:DeleteMessage",
        lambda: sqs.delete_message(QueueUrl=queue, ReceiptHandle=messages[0]["ReceiptHandle"]),
    )
    app(
        "sqs:GetQueueAttributes",
        lambda: sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"]),
    )
    # --- SNS
    app("sns:Publish", lambda: c["sns"].publish(TopicArn=topic, Message="hi"))
    app(
        "sns:PublishBatch",
        lambda: c["sns"].publish_batch(
            TopicArn=topic, PublishBatchRequestEntries=[{"Id": "1", "Message": "a"}]
        ),
    )
    # --- EC2
    instances = app(
        "ec2:RunInstances",
        lambda: c["ec2"].run_instances(
            ImageId=image,
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.micro",
            SecurityGroupIds=[group],
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "app", "Value": "web"}]},
                {"ResourceType": "volume", "Tags": [{"Key": "app", "Value": "web"}]},
            ],
        ),
    )["Instances"]
    app("ec2:DescribeInstances", lambda: c["ec2"].describe_instances(MaxResults=5))
    app(
        "ec2:TerminateInstances",
        lambda: c["ec2"].terminate_instances(InstanceIds=[instances[0]["InstanceId"]]),
    )
    # --- STS, Lambda, Step Functions
    app(
        "sts:AssumeRole",
        lambda: c["sts"].assume_role(RoleArn=ROLE, RoleSessionName="app"),
    )
    app(
        "lambda:Invoke",
        lambda: c["lambda"].invoke(FunctionName="worker", Payload=b"{}")["Payload"].read(),
    )
    app("lambda:GetFunction", lambda: c["lambda"].get_function(FunctionName="worker"))
    execution = app(
        "states:StartExecution",
        lambda: c["states"].start_execution(stateMachineArn=machine, input="{}"),
    )["executionArn"]
    app(
        "states:DescribeExecution",
        lambda: c["states"].describe_execution(executionArn=execution),
    )
    return app


def _grants(*paths: Path, options: tuple[str, ...] = ()) -> Grants:
    return _policy(*paths, options=options)[0]


def _policy(
    *paths: Path, options: tuple[str, ...] = ()
) -> tuple[Grants, dict[str, dict[str, Any]], str]:
    """The grants of the policy of ``paths``, the ``Condition`` of each action that has
    one, and the policy's text."""
    out, err = io.StringIO(), io.StringIO()
    assert run(["policy", *map(str, paths), *options], out, err) == 0, err.getvalue()
    found: Grants = {}
    conditions: dict[str, dict[str, Any]] = {}
    for statement in json.loads(out.getvalue())["Statement"]:
        for action in statement["Action"]:
            found.setdefault(action, set()).update(statement["Resource"])
            if "Condition" in statement:
                conditions[action] = statement["Condition"]
    return found, conditions, out.getvalue()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("app")
    with moto_server() as endpoint:
        app = _record(folder, endpoint)
    assert sorted(app.recorded) == sorted(["sts:GetCallerIdentity", *TRUTH])
    return folder


def _mismatches(folder: Path) -> dict[str, tuple[Grants, Grants]]:
    identity = folder / "sts.GetCallerIdentity.yaml"
    wrong = {}
    for operation, expected in TRUTH.items():
        found = _grants(identity, folder / f"{operation.replace(':', '.')}.yaml")
        if found != expected:
            wrong[operation] = (expected, found)
    return wrong


def test_every_operation_gets_exactly_what_the_authorization_data_says(recorded: Path) -> None:
    assert len(TRUTH) >= 50
    wrong = _mismatches(recorded)
    exact = len(TRUTH) - len(wrong)
    detail = "\n".join(f"{op}: expected {e}\n  got {f}" for op, (e, f) in sorted(wrong.items()))
    assert not wrong, f"exact {exact}/{len(TRUTH)}:\n{detail}"


def test_the_whole_recording_gets_the_union_within_the_size_of_a_managed_policy(
    recorded: Path,
) -> None:
    union: Grants = {}
    for grants in TRUTH.values():
        for action, resources in grants.items():
            union.setdefault(action, set()).update(resources)
    # an action granted on * for one call and on ARNs for another is granted on *
    expected = {a: ({"*"} if "*" in r else r) for a, r in union.items()}
    out, err = io.StringIO(), io.StringIO()
    assert run(["policy", str(recorded)], out, err) == 0
    assert _grants(recorded) == expected
    assert "over the" not in err.getvalue()  # the note of a policy over 6,144 characters


def test_conditions_are_what_the_reference_lets_the_requests_set_and_no_grant_changes(
    recorded: Path,
) -> None:
    identity = recorded / "sts.GetCallerIdentity.yaml"
    wrong = {}
    for operation, expected in TRUTH.items():
        path = recorded / f"{operation.replace(':', '.')}.yaml"
        grants, conditions, _ = _policy(identity, path, options=("--conditions",))
        if (grants, conditions) != (expected, CONDITIONS.get(operation, {})):
            wrong[operation] = (grants, conditions)
    assert not wrong, wrong
    # the whole recording: s3:PutObject is also the copy's, the multipart calls' (no ACL
    # sent), s3:PutObjectAcl also the PutObject's dependent: no condition holds for all
    plain = _policy(recorded)[2]
    assert _policy(recorded, options=("--conditions",))[2] == plain
