"""Turn the RGBA pixels of a canvas into the 28x28 input an MNIST model expects.

MNIST's digits were made this way (LeCun et al.): the ink's bounding box is scaled so its
longer side is 20 px, anti-aliased, aspect ratio kept, then placed in a 28x28 field with its
centre of mass at the centre. A model trained on MNIST is only as good on drawings as this
normalization is faithful, so we do the same, wherever and however large the user drew.

Centre of mass convention: pixel (x, y) sits at integer coordinates (x, y) (pixel centres),
and the centre of mass is moved onto pixel 14 (``FIELD_CENTRE``), by a whole-pixel shift
rounded to nearest (halves up), so it lands in (13.5, 14.5] on both axes. That is what MNIST
itself does: over its test set the centres of mass measured this way lie in [13.5, 14.5] and
average 14.0. (The field's geometric middle, 13.5 in these coordinates, would sit half a pixel
up and left of the training data.)

Pure standard-library Python (no NumPy exists for the Pyodide we ship), and called on every
pen move, so it works on whole byte strings with C-speed operations: channel slices
(``rgba[3::4]``), ``bytes.translate`` lookup tables, and big integers, both as bit sets (to
find the ink's bounding box) and as vectors of 32-bit lanes (to add whole rows at once).
Per-pixel Python runs only over the 20x20 result.

Which ink, by what the image is (the normalization above is the same for all):
- black at any alpha (the pad's drawing): the alpha, exactly as always (the fast path);
- other ink on a mostly transparent layer (a PNG): dark ink counted over white, light ink
  (mean luminance above LIGHT_INK_LUMINANCE, e.g. white) over black; one dict lookup per
  pixel of the ink's bounding box;
- opaque images (photos, scans) and mostly opaque ones (transparent margins filled with
  the paper's shade): ``digits.photo`` finds polarity, local background, a threshold from
  the image's statistics and drops specks; no digit there is NothingToRecognize.

The facts this shares with the training and the page's JavaScript (the field's size, the
noise threshold, the luma weights) are in ``digits.facts``; the byte-plane operations it
shares with ``digits.photo`` (bounding box, crop, the noise floor) in ``digits.planes``.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable
from itertools import compress

from digits import facts, photo
from digits.facts import FIELD_CENTRE, FIT_SIZE, LUMA_PER_MILLE, LUMA_SCALE, MNIST_SIZE
from digits.planes import DENOISE, HALF_OPAQUE, MAX_LEVEL, bounding_box, crop

# Rec. 601 luma weights, per mille (the canvas's own greyscale conversions use them).
LUMA_RED, LUMA_GREEN, LUMA_BLUE = LUMA_PER_MILLE

_CHANNELS = 4
_ALPHA = 3
_OPAQUE = b"\xff"
# Each value inverted: ink of an opaque grey pixel.
_INVERT = bytes(MAX_LEVEL - value for value in range(256))
# Ink on transparency lighter than this (mean luminance of its visible pixels) is light ink,
# shown over black: white chalk, a white pen. Below it, ink contrasts at least as well with
# white paper and is taken the canvas's way (mid grey stays dark ink, as it always was).
LIGHT_INK_LUMINANCE = 160
# An image with transparency whose alpha adds up to more than this share of fully opaque
# is a photo with transparent margins (or corners), not ink on a transparent layer.
MOSTLY_OPAQUE = 0.5


# The largest image taken (ValueError beyond): the page's pad is at most 640 x 640 device
# pixels (320 CSS px at a pixel ratio of 2), so this leaves six times that in area while
# bounding the work (pure Python: about a second per megapixel for a noisy photo) and the
# memory; and no side longer than this (the work per row makes a 1 x N strip cost like a
# square of side N).
MAX_PIXELS = 2048 * 2048
MAX_SIDE = 4096


# A 32-bit unsigned array typecode: one item per RGBA pixel.
_PIXEL_TYPECODE = next(code for code in "IL" if array(code).itemsize == _CHANNELS)


class _InkOfPixel(dict):
    """Ink of a pixel, keyed by its 4 RGBA bytes read as one native-order integer; memoized."""

    def __missing__(self, pixel: int) -> int:
        red, green, blue, alpha = pixel.to_bytes(_CHANNELS, sys.byteorder)
        luminance = (LUMA_RED * red + LUMA_GREEN * green + LUMA_BLUE * blue) // LUMA_SCALE
        ink = self[pixel] = (alpha * (MAX_LEVEL - luminance) + MAX_LEVEL // 2) // MAX_LEVEL
        return ink


class _LightInkOfPixel(dict):
    """Ink of light ink on transparency, composited over black: alpha * luminance / 255."""

    def __missing__(self, pixel: int) -> int:
        red, green, blue, alpha = pixel.to_bytes(_CHANNELS, sys.byteorder)
        luminance = (LUMA_RED * red + LUMA_GREEN * green + LUMA_BLUE * blue) // LUMA_SCALE
        ink = self[pixel] = (alpha * luminance + MAX_LEVEL // 2) // MAX_LEVEL
        return ink


class NothingToRecognize(ValueError):
    """The input holds no ink (blank canvas / blank image): there is no digit to guess."""


def _as_checked_bytes(rgba: bytes | bytearray | memoryview, width: int, height: int) -> bytes:
    """The pixels as bytes (no copy for bytes), after checking they are width x height RGBA
    within MAX_SIDE and MAX_PIXELS."""
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        raise ValueError(
            f"a {width}x{height} image is larger than this takes: at most {MAX_PIXELS:,} "
            f"pixels and {MAX_SIDE} on a side"
        )
    if not isinstance(rgba, bytes | bytearray | memoryview):
        raise ValueError(
            f"the pixels must be bytes, a bytearray or a memoryview, not {type(rgba).__name__}"
        )
    data = bytes(rgba)
    expected = width * height * _CHANNELS
    if len(data) != expected:
        raise ValueError(
            f"a {width}x{height} RGBA image has {expected} bytes, but {len(data)} were given"
        )
    return data


def _ink(data: bytes) -> bytes:
    """Ink per pixel of RGBA `data`, with fast paths for what canvases actually hold."""
    red, green, blue = data[0::_CHANNELS], data[1::_CHANNELS], data[2::_CHANNELS]
    alpha = data[_ALPHA::_CHANNELS]
    if red == green == blue:
        if red == bytes(len(red)):  # black at varying alpha: the pad's ink, transparency
            return alpha
        if alpha == _OPAQUE * len(alpha):  # opaque greys: a white page, a scan
            return red.translate(_INVERT)
    # Anything else (coloured ink, a photo): each distinct RGBA value is worked out once;
    # drawings hold a few hundred, so the loop over pixels stays a C-level map over a dict.
    return bytes(map(_InkOfPixel().__getitem__, array(_PIXEL_TYPECODE, data)))


def ink_from_rgba(rgba: bytes | bytearray | memoryview, width: int, height: int) -> bytes:
    """One byte per pixel, row-major: how much ink, 0 (paper) to 255 (black), over white paper.

    ink = alpha * (255 - luminance) / 255, luminance = (299 R + 587 G + 114 B) / 1000, so
    black on a transparent canvas and black on a white one are the same ink, and white or
    transparent pixels are none. Raises ValueError when the sizes do not fit the bytes, or
    exceed MAX_SIDE or MAX_PIXELS, or the pixels are not bytes-like.
    """
    return _ink(_as_checked_bytes(rgba, width, height))


def _area_weights(source: int, target: int) -> list[tuple[int, int, int, int]]:
    """Exact area averaging of `source` pixels into `target`, as integer weights.

    Scaled by `target`, source pixel j covers [j * target, (j + 1) * target) and output
    pixel i covers [i * source, (i + 1) * source), so every overlap is a whole number. For
    each output pixel: (first, last, first_weight, last_weight); the pixels between weigh
    `target` each, and all the weights add up to `source`. Works for upscaling too (then an
    output pixel overlaps one source pixel or two, and last_weight may be 0).
    """
    weights = []
    for index in range(target):
        start, end = index * source, (index + 1) * source
        first, last = start // target, (end - 1) // target
        if first == last:
            weights.append((first, last, source, 0))
        else:
            weights.append((first, last, (first + 1) * target - start, end - last * target))
    return weights


def _fit(ink: bytes, width: int, height: int, fit_width: int, fit_height: int) -> list[list[int]]:
    """Area-average a width x height ink image to fit_width x fit_height.

    Returns rows of integers that are each pixel's ink times width * height (exact: divide
    by that, and by 255, for [0, 1]). Rows are summed first, vertically, as big integers
    holding one 32- or 64-bit lane per column, so the additions over the (large) source run
    in C; the horizontal pass then only sees fit_height rows.
    """
    largest = MAX_LEVEL * height  # the largest lane sum: full ink, weights adding up to `height`
    typecode = next(code for code in "IQ" if largest < 1 << (8 * array(code).itemsize))
    lane = array(typecode).itemsize
    spread = bytearray(len(ink) * lane)
    spread[0::lane] = ink  # little-endian lanes: each byte is the low byte of its lane
    row_bytes = width * lane
    view = memoryview(spread)

    def row(y: int) -> int:
        return int.from_bytes(view[y * row_bytes : (y + 1) * row_bytes], "little")

    column_weights = _area_weights(width, fit_width)
    fitted = []
    for first, last, first_weight, last_weight in _area_weights(height, fit_height):
        total = first_weight * row(first)
        if last > first:
            total += fit_height * sum(row(y) for y in range(first + 1, last))
            total += last_weight * row(last)
        sums = array(typecode, total.to_bytes(row_bytes, "little"))
        if sys.byteorder == "big":
            sums.byteswap()
        fitted.append(
            [
                left_weight * sums[left]
                + fit_width * sum(sums[left + 1 : right])
                + right_weight * sums[right]
                for left, right, left_weight, right_weight in column_weights
            ]
        )
    return fitted


def _placement(fitted: list[list[int]], fit_width: int, fit_height: int) -> tuple[int, int]:
    """Top-left offset in the field that puts the centre of mass on pixel FIELD_CENTRE.

    Rounded to the nearest whole pixel, halves up (exactly: all integer arithmetic), and
    clamped so that the fitted box stays inside the field.
    """
    row_mass = [sum(values) for values in fitted]
    column_mass = [sum(values) for values in zip(*fitted, strict=True)]
    mass = sum(row_mass)

    def offset(moment: int, room: int) -> int:
        # floor(FIELD_CENTRE - moment / mass + 1/2), kept within [0, room]
        nearest = (2 * FIELD_CENTRE * mass - 2 * moment + mass) // (2 * mass)
        return min(max(nearest, 0), room)

    return (
        offset(sum(x * value for x, value in enumerate(column_mass)), MNIST_SIZE - fit_width),
        offset(sum(y * value for y, value in enumerate(row_mass)), MNIST_SIZE - fit_height),
    )


def _inner_box(
    ink: bytes, width: int, box: tuple[int, int, int, int]
) -> tuple[bytes, tuple[int, int, int, int]] | None:
    """`ink` (of the rectangle `box` of the image) cropped to its own non-zero pixels."""
    left, top, right, _ = box
    inner = bounding_box(ink, right - left)
    if inner is None:
        return None
    inner_left, inner_top, inner_right, inner_bottom = inner
    return (
        crop(ink, right - left, inner),
        (left + inner_left, top + inner_top, left + inner_right, top + inner_bottom),
    )


def _visible_luminance(data: bytes, alpha: bytes) -> float:
    """Mean luminance of the pixels at least half opaque (0 when there are none)."""
    shown = alpha.translate(HALF_OPAQUE)
    count = shown.count(1)
    if not count:
        return 0.0
    return sum(compress(photo.luminance(data, len(alpha)), shown)) / count


def _photo_ink(
    luminance: bytes | Callable[[], bytes],
    width: int,
    height: int,
    analysed: tuple[bytes, int, int] | None = None,
) -> tuple[bytes, tuple[int, int, int, int], int] | None:
    """The photo path's ink (``digits.photo``) of a luminance plane (or the function that
    makes it, with the plane at the analysis resolution), cropped, with its box and the
    number of pixels of the plane it was found in (the image's, or fewer at the analysis
    resolution)."""
    found = photo.ink(luminance, width, height, analysed)
    if found is None:
        return None
    plane, plane_width, plane_height = found
    inner = _inner_box(plane, plane_width, (0, 0, plane_width, plane_height))
    return None if inner is None else (*inner, plane_width * plane_height)


def _transparent_ink(
    data: bytes, alpha: bytes, width: int, height: int
) -> tuple[bytes, tuple[int, int, int, int], int] | None:
    """Ink of an image with transparency above the noise threshold, cropped, with its box
    and the number of pixels of the plane it was found in.

    Black ink (the pad's, at any alpha) is the alpha itself: the canvas fast path, exactly
    as before. Other ink on transparency (a PNG) counts by its contrast with what it would
    be shown on: dark ink over white, as the page's paper; light ink (white chalk, a white
    pen on a transparent layer) over black. An image that is mostly opaque is a photo with
    transparent margins: those are filled with its own paper's shade and it is analysed as
    a photo.
    """
    pixels = width * height
    candidates = alpha.translate(DENOISE)  # ink never exceeds alpha
    box = bounding_box(candidates, width)
    if box is None:
        return None
    cropped = crop(candidates, width, box)
    box_data = crop(data, width, box, _CHANNELS)
    ink = _ink(box_data).translate(DENOISE)
    if ink == cropped:  # black on transparency: the alpha was the ink, the box is the same
        return ink, box, pixels
    if sum(alpha) > MOSTLY_OPAQUE * MAX_LEVEL * pixels:
        return _photo_ink(photo.filled_luminance(data, alpha), width, height)
    if _visible_luminance(data, alpha) > LIGHT_INK_LUMINANCE:
        ink = bytes(
            map(_LightInkOfPixel().__getitem__, array(_PIXEL_TYPECODE, box_data))
        ).translate(DENOISE)
    inner = _inner_box(ink, width, box)
    return None if inner is None else (*inner, pixels)


def _find_ink(
    data: bytes, width: int, height: int
) -> tuple[bytes, tuple[int, int, int, int], int] | None:
    """The ink above the noise threshold, cropped to its bounding box; that box; and the
    number of pixels of the plane the box is in (the image, or its analysis resolution)."""
    alpha = data[_ALPHA::_CHANNELS]
    if alpha != _OPAQUE * (width * height):
        return _transparent_ink(data, alpha, width, height)
    plane, analysed = photo.luminance_planes(data, width, height)
    return _photo_ink(plane, width, height, analysed)


def to_model_input(rgba: bytes | bytearray | memoryview, width: int, height: int) -> list[float]:
    """784 floats, row-major 28x28, in [0, 1] (0 = paper, 1 = full ink), MNIST-normalized.

    The ink (above the noise threshold) is cropped to its bounding box, area-averaged so its
    longer side is FIT_SIZE px with the aspect ratio kept, and placed with its centre of mass
    on pixel FIELD_CENTRE. Raises NothingToRecognize when there is no ink, or only a speck,
    and ValueError when the sizes do not fit the bytes, exceed MAX_SIDE or MAX_PIXELS, or the
    pixels are not bytes-like.
    """
    data = _as_checked_bytes(rgba, width, height)
    found = _find_ink(data, width, height)
    if found is None or len(found[0]) - found[0].count(0) < facts.MIN_INK_FRACTION * found[2]:
        raise NothingToRecognize(
            "nothing to recognize: no ink darker than the noise threshold, or only a speck"
        )
    ink, box, _ = found
    left, top, right, bottom = box
    box_width, box_height = right - left, bottom - top

    # The longer side to FIT_SIZE, the shorter one in proportion, rounded half up (a "1"
    # drawn as a 1 px line stays a 1 px line).
    longer = max(box_width, box_height)
    fit_width = max(1, (2 * FIT_SIZE * box_width + longer) // (2 * longer))
    fit_height = max(1, (2 * FIT_SIZE * box_height + longer) // (2 * longer))
    fitted = _fit(ink, box_width, box_height, fit_width, fit_height)
    offset_x, offset_y = _placement(fitted, fit_width, fit_height)

    scale = box_width * box_height * MAX_LEVEL
    field = [0.0] * (MNIST_SIZE * MNIST_SIZE)
    for y, values in enumerate(fitted):
        start = (y + offset_y) * MNIST_SIZE + offset_x
        field[start : start + fit_width] = [value / scale for value in values]
    return field
