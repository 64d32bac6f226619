"""A fixed-window counter in Django's cache, for the public reply page."""

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit on key; True when the window already holds more than limit hits."""
    full_key = f"kaa:rl:{key}"
    if cache.add(full_key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.add(full_key, 1, timeout=window_seconds)
        return False
    return count > limit
