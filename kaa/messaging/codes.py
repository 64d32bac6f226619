"""Personal reply codes: short, unambiguous, stored only as a hash."""

import hashlib
import secrets

# No 0/O, 1/I/L: the code is typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
VALID_DAYS = 90


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize(raw: str) -> str:
    """What the youth typed, as the code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -\t")[:32]


def looks_valid(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()
