"""Vietnamese formats: the per-language format modules (``vi/``) and number helpers for code."""


def group_thousands(n: int) -> str:
    """10000 → "10.000", as Vietnamese writes numbers (no locale lookup: cheap enough per cell)."""
    return f"{n:,}".replace(",", ".")
