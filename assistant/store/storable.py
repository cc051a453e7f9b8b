"""Text as the store keeps it: masked, and safe for every driver. Everything the store writes
goes through here, so it never holds an ID number, a phone number or an announced name."""

from assistant.masking import mask_data, mask_pii
from retrieval.text import replace_surrogates


def storable(text: str, limit: int) -> str:
    """`text` as the store keeps it: masked, without NUL characters (PostgreSQL refuses them
    in text columns; SQLite takes them) or lone surrogates (no driver encodes them), and cut
    to `limit` characters after masking, so that a cut never leaves part of a number
    unmasked. Inputs are bounded by the API."""
    return mask_pii(replace_surrogates(text).replace("\x00", "\ufffd"))[:limit]


def storable_data(value: object) -> object:
    """A JSON value (a work order's decision) with every string storable."""
    return mask_data(value, lambda text: storable(text, len(text)))
