"""Step 4 of the photo path: ink relative to the background.

For dark ink, the fraction of the background's light it takes away, (bg - lum) / bg, which a
shadow does not change (gain capped at ``MAX_GAIN``); for light ink, the light it adds,
lum - bg. Computed with one ``bytes.translate`` per block and row (``map_blocks``; tables per
background level, cached: ``ink_table``), so the per-pixel work stays in C.
"""

from __future__ import annotations

from functools import cache

from digits.photo.background import BLOCK
from digits.planes import MAX_LEVEL

# Ink relative to a dim background is boosted (a shadow dims paper and ink alike), by at most
# this factor.
MAX_GAIN = 2


@cache
def ink_table(kind: str, background: int) -> bytes:
    """lum -> ink against this background: 'dark', 'light' ink, or 'signed' residual + 128.

    Dark ink is the share of the background's light it takes away, so a shadow that dims
    paper and ink alike leaves the ink as it was; the gain is capped (MAX_GAIN), or the
    slightest texture on near-black paper would count as full ink. Light ink is the light
    it adds (on a dark board there is little shadow left to correct).
    """
    if kind == "dark":
        scale = max(background, MAX_LEVEL // MAX_GAIN)
        return bytes(
            min(MAX_LEVEL, (background - v) * MAX_LEVEL // scale) if v < background else 0
            for v in range(256)
        )
    if kind == "light":
        return bytes(max(v - background, 0) for v in range(256))
    return bytes(min(max(v - background + 128, 0), MAX_LEVEL) for v in range(256))


def map_blocks(
    plane: bytes, width: int, height: int, backgrounds: list[list[int]], kind: str
) -> bytes:
    """Apply each block's background table to its pixels: one translate per block row."""
    out = []
    for y in range(height):
        row_backgrounds = backgrounds[y // BLOCK]
        start = y * width
        out.extend(
            plane[start + x : start + min(x + BLOCK, width)].translate(ink_table(kind, bg))
            for x, bg in zip(range(0, width, BLOCK), row_backgrounds, strict=False)
        )
    return b"".join(out)
