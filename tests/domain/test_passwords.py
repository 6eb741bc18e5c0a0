"""Local dashboard passwords: scrypt with a per-user salt; only the hash is kept."""

from __future__ import annotations

import pytest

from monitor.domain.passwords import WeakPassword, hash_password, verify_password


def test_the_right_password_verifies_and_a_wrong_one_does_not() -> None:
    stored = hash_password("正确的密码 correct")
    assert verify_password("正确的密码 correct", stored)
    assert not verify_password("正确的密码 correcT", stored)
    assert not verify_password("", stored)


def test_the_hash_keeps_no_plain_text_and_each_user_gets_its_own_salt() -> None:
    first, second = hash_password("same password"), hash_password("same password")
    assert "same password" not in first
    assert first.startswith("scrypt$16384$8$1$")
    assert first != second  # different salts
    assert verify_password("same password", first) and verify_password("same password", second)


def test_a_fixed_salt_gives_a_known_hash() -> None:
    # Computed once with hashlib.scrypt(b"password", salt=b"0123456789abcdef", n=16384, r=8, p=1,
    # dklen=32): a change of parameters or encoding would lock every user out.
    stored = hash_password("password", salt=b"0123456789abcdef")
    assert stored == (
        "scrypt$16384$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$ApdFWK8NumyY29Er9pEt++7OZiECvcqPQXeIayRc7Ck="
    )
    assert verify_password("password", stored)


@pytest.mark.parametrize("stored", [None, "", "plain", "md5$abc", "scrypt$x$8$1$AA==$AA=="])
def test_no_hash_or_a_malformed_one_never_verifies(stored: str | None) -> None:
    assert not verify_password("anything", stored)


def test_short_passwords_are_refused() -> None:
    with pytest.raises(WeakPassword, match="at least 8"):
        hash_password("1234567")
