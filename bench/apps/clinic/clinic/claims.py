"""Insurance claims: one Step Functions execution per invoice, polled to its end."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from clinic.billing import Invoice

#: The workflow the platform team deploys (the tests create it).
DEFINITION = {
    "Comment": "Insurance claim for one invoice",
    "StartAt": "Validate",
    "States": {
        "Validate": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.amount_cents", "NumericGreaterThan": 0, "Next": "Review"}],
            "Default": "Reject",
        },
        "Review": {"Type": "Wait", "Seconds": 1, "Next": "Approve"},
        "Approve": {
            "Type": "Pass",
            "Result": "APPROVED",
            "ResultPath": "$.decision",
            "End": True,
        },
        "Reject": {"Type": "Fail", "Error": "InvalidClaim", "Cause": "nothing to claim"},
    },
}


class ClaimTimeout(Exception):
    """The execution was still running when the claim stopped waiting."""


@dataclass(frozen=True)
class ClaimResult:
    execution_arn: str
    status: str
    output: dict[str, Any] | None
    error: str | None
    polls: int


class Claims:
    def __init__(self, stepfunctions: Any, state_machine_arn: str):
        self.sfn = stepfunctions
        self.state_machine_arn = state_machine_arn

    def submit(self, invoice: Invoice, insurer: str) -> str:
        answer = self.sfn.start_execution(
            stateMachineArn=self.state_machine_arn,
            name=f"claim-{uuid.uuid4()}",
            input=json.dumps(
                {
                    "claim_id": str(uuid.uuid4()),
                    "invoice_id": invoice.invoice_id,
                    "invoice_key": invoice.key,
                    "amount_cents": invoice.amount_cents,
                    "insurer": insurer,
                    "submitted_at": datetime.now(timezone.utc).isoformat(),
                }
            ),
        )
        return str(answer["executionArn"])

    def wait(self, execution_arn: str, poll: float = 0.5, timeout: float = 60) -> ClaimResult:
        deadline = time.monotonic() + timeout
        polls = 0
        while True:
            polls += 1
            described = self.sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                output = described.get("output")
                return ClaimResult(
                    execution_arn=execution_arn,
                    status=described["status"],
                    output=json.loads(output) if output else None,
                    error=described.get("error"),
                    polls=polls,
                )
            if time.monotonic() > deadline:
                raise ClaimTimeout(f"{execution_arn} still RUNNING after {timeout} s")
            time.sleep(poll)

    def executions(self) -> list[str]:
        arns: list[str] = []
        for page in self.sfn.get_paginator("list_executions").paginate(
            stateMachineArn=self.state_machine_arn
        ):
            arns += [entry["executionArn"] for entry in page["executions"]]
        return arns
