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
Per-pixel Python runs only over the 20x20 result; images that are neither black ink on
transparency nor opaque greys cost one dict lookup per pixel of the ink's bounding box.
"""

from __future__ import annotations

import sys
from array import array

MNIST_SIZE = 28
FIT_SIZE = 20
# The pixel index (on both axes) that the ink's centre of mass is moved to, as in MNIST.
FIELD_CENTRE = 14
# Ink at or below this (of 255) is paper noise or a faint anti-aliased fringe, not a stroke.
NOISE_THRESHOLD = 40
# Fewer ink pixels than this fraction of the canvas is a speck, not a digit: 7 px of a 280 px
# canvas, while a pen dot there (20 px wide) has about 300 and a 10 px dot 100.
MIN_INK_FRACTION = 1e-4
# Rec. 601 luma weights, per mille, as the canvas's own greyscale conversions use them.
LUMA_RED, LUMA_GREEN, LUMA_BLUE = 299, 587, 114
LUMA_SCALE = LUMA_RED + LUMA_GREEN + LUMA_BLUE

_CHANNELS = 4
_ALPHA = 3
_MAX = 255
_ZERO, _OPAQUE = b"\x00", b"\xff"
# Each value inverted: ink of an opaque grey pixel.
_INVERT = bytes(_MAX - value for value in range(256))
# Values at or below the noise threshold dropped to 0, others kept.
_DENOISE = bytes(0 if value <= NOISE_THRESHOLD else value for value in range(256))
# 1 where a colour channel is dark enough that its pixel may hold ink above the threshold:
# luminance is a weighted mean, so if every channel is light the pixel is light.
_MAYBE_DARK = bytes(int(value < _MAX - NOISE_THRESHOLD) for value in range(256))


# A 32-bit unsigned array typecode: one item per RGBA pixel.
_PIXEL_TYPECODE = next(code for code in "IL" if array(code).itemsize == _CHANNELS)


class _InkOfPixel(dict):
    """Ink of a pixel, keyed by its 4 RGBA bytes read as one native-order integer; memoized."""

    def __missing__(self, pixel: int) -> int:
        red, green, blue, alpha = pixel.to_bytes(_CHANNELS, sys.byteorder)
        luminance = (LUMA_RED * red + LUMA_GREEN * green + LUMA_BLUE * blue) // LUMA_SCALE
        ink = self[pixel] = (alpha * (_MAX - luminance) + _MAX // 2) // _MAX
        return ink


class NothingToRecognize(ValueError):
    """The input holds no ink (blank canvas / blank image): there is no digit to guess."""


def _as_checked_bytes(rgba: bytes | bytearray | memoryview, width: int, height: int) -> bytes:
    """The pixels as bytes (no copy for bytes), after checking they are width x height RGBA."""
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
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
    transparent pixels are none. Raises ValueError when the sizes do not fit the bytes.
    """
    return _ink(_as_checked_bytes(rgba, width, height))


def _bounding_box(mask: bytes, width: int) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom), right and bottom exclusive, of the non-zero bytes.

    With the mask as one little-endian big integer, its lowest and highest set bits give the
    first and last ink rows; OR-ing the rows between them gives the columns with ink. All in
    C (``bytes.strip`` would test byte by byte, several times slower).
    """
    whole = int.from_bytes(mask, "little")
    if not whole:
        return None
    row_bits = width * 8
    top = ((whole & -whole).bit_length() - 1) // row_bits
    bottom = (whole.bit_length() - 1) // row_bits + 1
    view = memoryview(mask)
    columns = 0
    for start in range(top * width, bottom * width, width):
        columns |= int.from_bytes(view[start : start + width], "little")
    occupied = columns.to_bytes(width, "little")
    return width - len(occupied.lstrip(_ZERO)), top, len(occupied.rstrip(_ZERO)), bottom


def _crop(data: bytes, width: int, box: tuple[int, int, int, int], size: int = 1) -> bytes:
    """The rectangle `box` of an image of `size`-byte pixels, rows joined."""
    left, top, right, bottom = box
    if left == 0 and right == width:
        return data[top * width * size : bottom * width * size]
    row = width * size
    return b"".join(
        data[start + left * size : start + right * size]
        for start in range(top * row, bottom * row, row)
    )


def _candidates(data: bytes, pixels: int) -> tuple[bytes, bool]:
    """Non-zero where a pixel may hold ink above the noise threshold; True if it IS that ink.

    Cheap whole-image byte operations; the exact (per-pixel) ink is then only computed
    inside the candidates' bounding box. Ink never exceeds alpha, so on an image with any
    transparency alpha bounds it; on an opaque one, only a pixel with a dark channel can.
    """
    alpha = data[_ALPHA::_CHANNELS]
    if alpha != _OPAQUE * pixels:
        return alpha.translate(_DENOISE), False
    red, green, blue = data[0::_CHANNELS], data[1::_CHANNELS], data[2::_CHANNELS]
    if red == green == blue:
        return red.translate(_INVERT).translate(_DENOISE), True
    dark = 0
    for channel in (red, green, blue):
        dark |= int.from_bytes(channel.translate(_MAYBE_DARK), "little")
    return dark.to_bytes(pixels, "little"), False


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
    largest = _MAX * height  # the largest lane sum: full ink, weights adding up to `height`
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


def _ink_in_box(
    data: bytes, width: int, pixels: int
) -> tuple[bytes, tuple[int, int, int, int]] | None:
    """The ink above the noise threshold, cropped to its bounding box, and that box."""
    candidates, exact = _candidates(data, pixels)
    box = _bounding_box(candidates, width)
    if box is None:
        return None
    cropped = _crop(candidates, width, box)
    if exact:
        return cropped, box
    ink = _ink(_crop(data, width, box, _CHANNELS)).translate(_DENOISE)
    if ink == cropped:  # black on transparency: the alpha was the ink, the box is the same
        return ink, box
    left, top, right, _ = box
    inner = _bounding_box(ink, right - left)
    if inner is None:
        return None
    inner_left, inner_top, inner_right, inner_bottom = inner
    return (
        _crop(ink, right - left, inner),
        (left + inner_left, top + inner_top, left + inner_right, top + inner_bottom),
    )


def to_model_input(rgba: bytes | bytearray | memoryview, width: int, height: int) -> list[float]:
    """784 floats, row-major 28x28, in [0, 1] (0 = paper, 1 = full ink), MNIST-normalized.

    The ink (above the noise threshold) is cropped to its bounding box, area-averaged so its
    longer side is FIT_SIZE px with the aspect ratio kept, and placed with its centre of mass
    on pixel FIELD_CENTRE. Raises NothingToRecognize when there is no ink, or only a speck,
    and ValueError when the sizes do not fit the bytes.
    """
    data = _as_checked_bytes(rgba, width, height)
    pixels = width * height
    found = _ink_in_box(data, width, pixels)
    if found is None or len(found[0]) - found[0].count(0) < MIN_INK_FRACTION * pixels:
        raise NothingToRecognize(
            "nothing to recognize: no ink darker than the noise threshold, or only a speck"
        )
    ink, box = found
    left, top, right, bottom = box
    box_width, box_height = right - left, bottom - top

    # The longer side to FIT_SIZE, the shorter one in proportion, rounded half up (a "1"
    # drawn as a 1 px line stays a 1 px line).
    longer = max(box_width, box_height)
    fit_width = max(1, (2 * FIT_SIZE * box_width + longer) // (2 * longer))
    fit_height = max(1, (2 * FIT_SIZE * box_height + longer) // (2 * longer))
    fitted = _fit(ink, box_width, box_height, fit_width, fit_height)
    offset_x, offset_y = _placement(fitted, fit_width, fit_height)

    scale = box_width * box_height * _MAX
    field = [0.0] * (MNIST_SIZE * MNIST_SIZE)
    for y, values in enumerate(fitted):
        start = (y + offset_y) * MNIST_SIZE + offset_x
        field[start : start + fit_width] = [value / scale for value in values]
    return field
