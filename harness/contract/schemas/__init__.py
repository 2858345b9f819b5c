"""JSON Schemas of AWS operations: generated from botocore's models (``generate``), loaded
from the committed tree or a user's (``store``), with the operation packs' overlays
(``overlays``)."""
