import hashlib


def hash_token(token: str) -> str:
    """What is stored of a secret token sent to someone (an invitation, a feed address): its
    SHA-256, so a copy of the database does not hold usable tokens."""
    return hashlib.sha256(token.encode()).hexdigest()
