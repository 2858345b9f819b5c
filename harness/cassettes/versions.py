"""The versions a cassette's metadata records, which decide how it is read back."""

#: The redaction scheme a cassette was written under (``metadata.harness.secrets``):
#: cassettes of an older scheme are redacted again when loaded (and scanned, with a
#: warning, if they hold secrets). 3: typed placeholders. The redactor
#: (``harness.secrets``) writes it; the sidecar index keys on it.
REDACTION_VERSION = 3
