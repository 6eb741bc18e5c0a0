"""Password hashing for local dashboard users: scrypt with a per-user salt, compared in
constant time. Only the hash is ever stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from monitor.domain.message import InvalidValue, Message

SCHEME = "scrypt"
# RFC 7914's interactive-login parameters: ~16 MiB and a few tens of ms per check.
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 8


class WeakPassword(InvalidValue):
    """A password too short to accept; `message` says so in both languages."""

    def __init__(self) -> None:
        super().__init__(
            Message(
                f"密码至少需要 {MIN_LENGTH} 个字符",
                f"a password needs at least {MIN_LENGTH} characters",
            )
        )


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=2**26
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$salt$hash' for a new password; WeakPassword when it is too short."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword()
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, N, R, P)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches the stored hash; False for no hash or a malformed one."""
    if not stored:
        return False
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return False
    try:
        n, r, p = (int(value) for value in parts[1:4])
        salt, expected = base64.b64decode(parts[4]), base64.b64decode(parts[5])
    except ValueError:
        return False
    return hmac.compare_digest(_derive(password, salt, n, r, p), expected)


# Checked against when the user name is unknown, so the answer takes as long as a real check.
DUMMY_HASH = hash_password("not-a-real-password", salt=b"\0" * SALT_BYTES)


def screen_pass(name: str, stored: str) -> str:
    """The pass a signed-in wall screen keeps in its address (&user=NAME&pass=THIS): keyed by
    the user's stored hash, so it needs no secret of its own and a new password revokes it."""
    message = f"slamon-wall-screen\0{name}".encode()
    return hmac.new(stored.encode("ascii"), message, hashlib.sha256).hexdigest()


def pass_matches(name: str, stored: str | None, given: str) -> bool:
    """Whether `given` is the screen pass of `name` under its stored hash, in constant time."""
    if not stored or not given:
        return False
    return hmac.compare_digest(screen_pass(name, stored).encode(), given.encode("utf-8"))
