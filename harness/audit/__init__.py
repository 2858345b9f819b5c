"""Auditing recordings: what they cover (``coverage``), the IAM policy they need
(``policy``), whether they still agree with a live endpoint (``verify``)."""
