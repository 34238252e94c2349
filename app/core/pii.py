"""Personal data at rest: encryption, blind index and masking.

ID numbers and phones are stored encrypted (AES-GCM) so a copied database file reveals nothing, and
next to them a keyed HMAC ("blind index") so equal values can still be looked up and unique-constrained
without decrypting. Both keys are derived from one data key with HKDF, so compromising the index (it
sits in indexes and query plans) does not hand out the encryption key, and vice versa.

Nothing in this module puts a plaintext value into an exception message or a log record.
"""

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import threading
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import get_settings

__all__ = [
    "DataKeyError",
    "DecryptionError",
    "blind_index",
    "clear_key_cache",
    "decrypt",
    "encrypt",
    "get_data_key",
    "mask_id_number",
    "mask_name",
    "mask_phone",
]

logger = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
# The version prefix lets a later key rotation or algorithm change tell old tokens from new ones.
TOKEN_PREFIX = "v1."
_HKDF_SALT = b"laowu.pii"
_ENC_INFO = b"laowu.pii.aes-gcm.v1"
_INDEX_INFO = b"laowu.pii.blind-index.v1"

_key_lock = threading.Lock()


class DataKeyError(RuntimeError):
    """The configured data key is unusable (wrong length or not base64)."""


class DecryptionError(ValueError):
    """A token could not be decrypted: wrong key, wrong context, or tampered data."""


def _decode_key(encoded: str, source: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DataKeyError(f"{source} is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise DataKeyError(f"{source} must decode to {KEY_BYTES} bytes, got {len(key)}")
    return key


def _read_or_create_key_file(path: Path) -> bytes:
    if path.exists():
        return _decode_key(path.read_text(encoding="ascii"), f"data key file {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    encoded = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
    # O_EXCL: two workers starting at once must not each write a different key (the loser would have
    # encrypted rows nobody can read). Mode 0600 from the start, never world-readable even briefly.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _decode_key(path.read_text(encoding="ascii"), f"data key file {path}")
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(encoded + "\n")
    logger.warning(
        "created a new data key file at %s; back it up, data encrypted with it is lost without it", path
    )
    return base64.b64decode(encoded)


def get_data_key() -> bytes:
    """The 32-byte master data key: ``LAOWU_DATA_KEY`` if set, else the key file (created if missing)."""
    return _keys()[0]


@lru_cache(maxsize=1)
def _keys_cached() -> tuple[bytes, bytes, bytes]:
    settings = get_settings()
    if settings.data_key:
        master = _decode_key(settings.data_key, "LAOWU_DATA_KEY")
    else:
        master = _read_or_create_key_file(settings.data_key_file)
    return master, _derive(master, _ENC_INFO), _derive(master, _INDEX_INFO)


def _keys() -> tuple[bytes, bytes, bytes]:
    # The lock makes first-use key-file creation single-flight inside one process.
    with _key_lock:
        return _keys_cached()


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=_HKDF_SALT, info=info).derive(master)


def clear_key_cache() -> None:
    """Forget the cached keys (tests switch keys between cases)."""
    with _key_lock:
        _keys_cached.cache_clear()


def _aad(context: str) -> bytes:
    # The context is bound as associated data: a ciphertext copied from one column into another
    # (say a phone into the ID number column) fails to decrypt instead of silently reading back.
    return context.encode("utf-8")


def encrypt(value: str, *, context: str) -> str:
    """Encrypt ``value`` with AES-GCM; returns an ASCII token ``v1.<base64url(nonce|ciphertext)>``."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(_keys()[1]).encrypt(nonce, value.encode("utf-8"), _aad(context))
    return TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")


def decrypt(token: str, *, context: str) -> str:
    """Decrypt a token made by :func:`encrypt` with the same ``context``; raises ``DecryptionError``."""
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("unknown token version")
    body = token[len(TOKEN_PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("token is not valid base64url") from exc
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionError("token too short")
    try:
        plain = AESGCM(_keys()[1]).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(context))
    except InvalidTag as exc:
        raise DecryptionError("token does not authenticate (wrong key or context, or tampered)") from exc
    return plain.decode("utf-8")


def blind_index(value: str, *, context: str) -> str:
    """Keyed HMAC-SHA256 (hex) of ``value`` within ``context``: deterministic, so usable for lookups."""
    # The context is part of the MAC input so the same digits as a phone and as an ID number give
    # unrelated indexes; the NUL separator keeps ("a", "bc") and ("ab", "c") apart.
    message = context.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return hmac.new(_keys()[2], message, hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """``620521199001011234`` → ``620521********1234``: region kept, birth date and sequence hidden."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """Keep the first character (usually the surname): ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``."""
    if len(value) <= 1:
        # A one-character value would be shown whole; hide it entirely.
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 1)
