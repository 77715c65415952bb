"""The defaults every statistic shares, defined once.

A seeded bootstrap gives the same interval on the same data, so a re-run report matches
the one before it (methods §3: 5,000 resamples of participants, seeded).
"""

DEFAULT_SEED = 20_261_123
"""Seed used when none is given, so that the same data always give the same interval."""

DEFAULT_RESAMPLES = 5_000
"""Bootstrap resamples of participants (methods §3)."""

CONFIDENCE_LEVEL = 0.95
"""Coverage of every interval unless a caller asks for another."""
