"""Cleaning text the way offices type it: full-width characters, stray spaces, odd dashes."""

import unicodedata

_SPACES = str.maketrans("", "", " \t\u3000\u00a0\u200b\ufeff")


def normalize(value: object) -> str:
    """NFKC folds full-width letters, digits and punctuation to ASCII; trims; collapses spaces."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return " ".join(text.split())


def compact(value: object) -> str:
    """Like normalize, but removes every space too (codes and numbers)."""
    return normalize(value).translate(_SPACES)
