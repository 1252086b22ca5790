"""Facts that more than one part of the project relies on, each written once, here.

The page's Python (``preprocess``, ``photo``, ``recognizer``), the training
(``training/augment.py``) and the export (``export/tfjs.py``: the manifest's labels) import
them from this module; the page's JavaScript reads the same values from ``site/js/facts.js``,
which ``python -m export.facts`` writes from this module (tests/test_facts.py fails when that
file is not current). Change a value here, then run that command: nothing else holds a copy.
"""

from __future__ import annotations

# What the model's ten outputs mean, in order: output i is the probability of LABELS[i].
LABELS = tuple(str(digit) for digit in range(10))

# MNIST's framing (LeCun et al.), which the page reproduces and the training augments around:
# a 28x28 field, the ink's longer side fitted to 20 px, its centre of mass on pixel 14 (pixel
# centres at integer coordinates, as in MNIST itself; see digits/preprocess.py).
MNIST_SIZE = 28
FIT_SIZE = 20
FIELD_CENTRE = 14

# Fewer ink pixels than this fraction of the canvas is a speck, not a digit: 7 px of a 280 px
# canvas, while a pen dot there (20 px wide) has about 300 and a 10 px dot 100.
MIN_INK_FRACTION = 1e-4

# Ink at or below this (of 255) is paper noise or a faint anti-aliased fringe, not a stroke.
NOISE_THRESHOLD = 40

# Rec. 601 luma weights of red, green and blue, per mille, as the canvas's own greyscale
# conversions use them: luminance = (299 R + 587 G + 114 B) / 1000.
LUMA_PER_MILLE = (299, 587, 114)
LUMA_SCALE = sum(LUMA_PER_MILLE)
# The same weights in 1/256ths, rounded (77, 150, 29: the per mille ones to within one level),
# for the photo path's shift-based luminance; they add up to 256, so a weighted sum of bytes
# plus the rounding half stays below 65,536 (the photo path's 16-bit lanes rely on it).
LUMA_256THS = tuple(round(weight * 256 / LUMA_SCALE) for weight in LUMA_PER_MILLE)

# The most digits a number may have (issue 13): a phone number with its country code, a
# meter reading, an amount. More is refused with a message, never read as a made-up number.
MAX_DIGITS = 12
