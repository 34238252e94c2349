import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import get_settings
from app.core import pii


def _reset_caches() -> None:
    get_settings.cache_clear()
    pii.clear_key_cache()


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[bytes]:
    key = os.urandom(32)
    monkeypatch.setenv("LAOWU_DATA_KEY", base64.b64encode(key).decode())
    # Never touch a key file in the working tree from tests.
    monkeypatch.setenv("LAOWU_DATA_KEY_FILE", str(tmp_path / "unused-key"))
    _reset_caches()
    yield key
    monkeypatch.undo()
    _reset_caches()


def test_key_from_environment(key_env: bytes, tmp_path: Path) -> None:
    assert pii.get_data_key() == key_env
    assert not (tmp_path / "unused-key").exists()


def test_key_file_created_once_with_private_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key_file = tmp_path / "sub" / "data-key"
    monkeypatch.delenv("LAOWU_DATA_KEY", raising=False)
    monkeypatch.setenv("LAOWU_DATA_KEY_FILE", str(key_file))
    _reset_caches()
    try:
        key = pii.get_data_key()
        assert len(key) == 32
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert base64.b64decode(key_file.read_text()) == key
        token = pii.encrypt("13812345678", context="seeker.phone")
        # A restart (cache cleared) reads the same file back instead of making a new key.
        pii.clear_key_cache()
        assert pii.get_data_key() == key
        assert pii.decrypt(token, context="seeker.phone") == "13812345678"
    finally:
        monkeypatch.undo()
        _reset_caches()


def test_bad_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAOWU_DATA_KEY", base64.b64encode(b"short").decode())
    _reset_caches()
    try:
        with pytest.raises(pii.DataKeyError):
            pii.get_data_key()
    finally:
        monkeypatch.undo()
        _reset_caches()


def test_encrypt_round_trip_and_token_shape(key_env: bytes) -> None:
    token = pii.encrypt("620521199001010012", context="seeker.id_number")
    assert token.startswith("v1.")
    assert token.isascii() and "620521" not in token
    assert pii.decrypt(token, context="seeker.id_number") == "620521199001010012"
    # Random nonce: the same value never gives the same token twice.
    assert pii.encrypt("620521199001010012", context="seeker.id_number") != token
    assert pii.decrypt(pii.encrypt("张三", context="x"), context="x") == "张三"


def test_decrypt_refuses_wrong_context_tampering_and_wrong_key(
    key_env: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = pii.encrypt("13812345678", context="seeker.phone")
    with pytest.raises(pii.DecryptionError) as info:
        pii.decrypt(token, context="seeker.id_number")
    assert "13812345678" not in str(info.value)
    body = token[3:]
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(pii.DecryptionError):
        pii.decrypt("v1." + flipped, context="seeker.phone")
    with pytest.raises(pii.DecryptionError):
        pii.decrypt("v0." + body, context="seeker.phone")
    with pytest.raises(pii.DecryptionError):
        pii.decrypt("v1.!!", context="seeker.phone")
    monkeypatch.setenv("LAOWU_DATA_KEY", base64.b64encode(os.urandom(32)).decode())
    _reset_caches()
    with pytest.raises(pii.DecryptionError):
        pii.decrypt(token, context="seeker.phone")


def test_blind_index_is_deterministic_keyed_and_context_bound(
    key_env: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = pii.blind_index("620521199001010012", context="seeker.id_number")
    assert a == pii.blind_index("620521199001010012", context="seeker.id_number")
    assert len(a) == 64 and int(a, 16) >= 0
    assert a != pii.blind_index("620521199001010020", context="seeker.id_number")
    assert a != pii.blind_index("620521199001010012", context="employer.contact_phone")
    # The index key is derived, not the master key itself.
    import hashlib
    import hmac

    raw = hmac.new(key_env, b"seeker.id_number\x00620521199001010012", hashlib.sha256).hexdigest()
    assert a != raw
    monkeypatch.setenv("LAOWU_DATA_KEY", base64.b64encode(os.urandom(32)).decode())
    _reset_caches()
    assert pii.blind_index("620521199001010012", context="seeker.id_number") != a


def test_maskers() -> None:
    assert pii.mask_id_number("620521199001011234") == "620521********1234"
    assert pii.mask_id_number("62052119900101123X") == "620521********123X"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_name("张三") == "张*"
    assert pii.mask_name("欧阳娜娜") == "欧***"
    assert pii.mask_name("李") == "*"
    assert pii.mask_name("") == ""
