"""Cost of a call from a small price table (USD per million tokens).

Local backends cost nothing; unknown hosted models have no price (``None``), never a guess.
Extend :data:`PRICES` as providers change prices.
"""

from __future__ import annotations

from .models import Usage

__all__ = ["BATCH_DISCOUNT", "PRICES", "cost_usd"]

# model id prefix -> (input USD / 1M tokens, output USD / 1M tokens)
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}

FREE_BACKENDS = {"local", "fake"}

BATCH_DISCOUNT: dict[str, float] = {"openai-batch": 0.5}
"""Backends billed at a fraction of the list price (the OpenAI Batch API: half price)."""


def cost_usd(backend: str, model: str, usage: Usage) -> float | None:
    """USD cost of ``usage`` on ``model``; 0 for local backends; ``None`` when unknown."""
    if backend in FREE_BACKENDS:
        return 0.0
    # longest matching prefix wins ("gpt-4o-mini" before "gpt-4o")
    for prefix in sorted(PRICES, key=len, reverse=True):
        if model.startswith(prefix):
            price_in, price_out = PRICES[prefix]
            share = BATCH_DISCOUNT.get(backend, 1.0)
            return round(share *
                (usage.prompt_tokens * price_in + usage.completion_tokens * price_out) / 1_000_000, 8
            )
    return None
