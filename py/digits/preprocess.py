"""Turn the RGBA pixels of a canvas into the 28x28 input an MNIST model expects.

MNIST's digits were made this way (LeCun et al.): the ink's bounding box is scaled so its
longer side is 20 px, anti-aliased, aspect ratio kept, then placed in a 28x28 field with its
centre of mass at the centre. A model trained on MNIST is only as good on drawings as this
normalization is faithful, so we do the same, wherever and however large the user drew.

Pure standard-library Python (no NumPy exists for the Pyodide we ship). It stays fast by
working on whole byte strings: channel slices (`rgba[3::4]`), `bytes.translate` lookup
tables, and `sum()` over slices, so per-pixel Python runs only over the 20x20 result, or over
the whole image only where the colours need real arithmetic (photos, not the pad's ink).
"""

from __future__ import annotations

MNIST_SIZE = 28
FIT_SIZE = 20
# Coordinates are continuous (pixel x covers [x, x + 1)), so the field's centre is 14.0.
FIELD_CENTRE = MNIST_SIZE / 2
# Ink at or below this (of 255) is paper noise, not a stroke.
NOISE_THRESHOLD = 40
# Fewer ink pixels than this fraction of the image is a speck, not a digit (a 10 px dot on a
# 280 px canvas is 1% of it; one stray pixel is 0.001%).
MIN_INK_FRACTION = 1e-4

_INVERT = bytes(255 - value for value in range(256))
_DENOISE = bytes(0 if value <= NOISE_THRESHOLD else value for value in range(256))


class NothingToRecognize(ValueError):
    """The input holds no ink (blank canvas / blank image): there is no digit to guess."""


def _check_size(rgba: bytes | bytearray | memoryview, width: int, height: int) -> None:
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
    expected = width * height * 4
    if len(rgba) != expected:
        raise ValueError(f"{width}x{height} RGBA needs {expected} bytes, got {len(rgba)}")


def ink_from_rgba(rgba: bytes | bytearray | memoryview, width: int, height: int) -> bytes:
    """One byte per pixel: how much ink, 0 (paper) to 255 (black), over white paper.

    ink = alpha * (255 - luminance) / 255, so black on a transparent canvas and black on a
    white one are the same ink, and white or transparent pixels are none.
    """
    _check_size(rgba, width, height)
    data = bytes(rgba)
    red, green, blue, alpha = data[0::4], data[1::4], data[2::4], data[3::4]
    pixels = width * height
    grey = red == green == blue
    if grey and alpha.count(255) == pixels:  # opaque greys: ink is the inverted grey
        return red.translate(_INVERT)
    if grey and red.count(0) == pixels:  # black at varying alpha: the pad's own ink
        return alpha
    return bytes(
        (a * (255 - (299 * r + 587 * g + 114 * b) // 1000) + 127) // 255
        for r, g, b, a in zip(red, green, blue, alpha, strict=True)
    )


def _bounding_box(ink: bytes, width: int, height: int) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom), right and bottom exclusive, of the non-zero bytes."""
    top = bottom = None
    left, right = width, 0
    for y in range(height):
        row = ink[y * width : (y + 1) * width]
        stripped = row.lstrip(b"\0")
        if not stripped:
            continue
        if top is None:
            top = y
        bottom = y + 1
        left = min(left, width - len(stripped))
        right = max(right, len(row.rstrip(b"\0")))
    if top is None or bottom is None:
        return None
    return left, top, right, bottom


def _area_bins(source: int, target: int) -> list[tuple[int, int, float, float, float]]:
    """For each target pixel: the source pixels it covers and their coverage weights.

    (first, stop, first_weight, last_weight, total): pixels first+1 .. stop-2 count whole.
    This is exact area averaging, downscaling and (for tiny drawings) upscaling alike.
    """
    scale = source / target
    bins = []
    for index in range(target):
        start, end = index * scale, min((index + 1) * scale, float(source))
        first = int(start)
        stop = min(max(first + 1, -int(-end // 1)), source)
        if stop - first == 1:
            bins.append((first, stop, 1.0, 0.0, 1.0))
            continue
        first_weight = first + 1 - start
        last_weight = end - (stop - 1)
        bins.append(
            (first, stop, first_weight, last_weight, first_weight + last_weight + stop - first - 2)
        )
    return bins


def _resample(values, bins) -> list[float]:
    """Area-average one line of values (bytes or a tuple of floats) through `bins`."""
    return [
        (
            first_weight * values[first]
            + sum(values[first + 1 : stop - 1])
            + last_weight * values[stop - 1]
        )
        / total
        for first, stop, first_weight, last_weight, total in bins
    ]


def to_model_input(rgba: bytes | bytearray | memoryview, width: int, height: int) -> list[float]:
    """784 floats, row-major 28x28, in [0, 1] (0 = paper, 1 = full ink), MNIST-normalized.

    Raises NothingToRecognize when there is no ink, ValueError when the input is malformed.
    """
    ink = ink_from_rgba(rgba, width, height).translate(_DENOISE)
    box = _bounding_box(ink, width, height)
    ink_pixels = width * height - ink.count(0)
    if box is None or ink_pixels < MIN_INK_FRACTION * width * height:
        raise NothingToRecognize("nothing to recognize: the image holds no ink")
    left, top, right, bottom = box
    box_width, box_height = right - left, bottom - top

    # Longer side to FIT_SIZE, aspect kept (a "1" stays thin).
    scale = FIT_SIZE / max(box_width, box_height)
    fit_width = max(1, min(FIT_SIZE, round(box_width * scale)))
    fit_height = max(1, min(FIT_SIZE, round(box_height * scale)))
    column_bins = _area_bins(box_width, fit_width)
    row_bins = _area_bins(box_height, fit_height)
    narrowed = [
        _resample(ink[y * width + left : y * width + right], column_bins)
        for y in range(top, bottom)
    ]
    columns = [_resample(column, row_bins) for column in zip(*narrowed, strict=True)]
    fitted = [
        list(row) for row in zip(*columns, strict=True)
    ]  # fit_height rows of fit_width values

    # Centre of mass to the field's centre, by whole pixels, never pushing ink off the field.
    mass = sum(sum(row) for row in fitted)
    centre_x = sum(value * (x + 0.5) for row in fitted for x, value in enumerate(row)) / mass
    centre_y = sum(sum(row) * (y + 0.5) for y, row in enumerate(fitted)) / mass
    offset_x = min(max(round(FIELD_CENTRE - centre_x), 0), MNIST_SIZE - fit_width)
    offset_y = min(max(round(FIELD_CENTRE - centre_y), 0), MNIST_SIZE - fit_height)

    field = [0.0] * (MNIST_SIZE * MNIST_SIZE)
    for y, row in enumerate(fitted):
        start = (y + offset_y) * MNIST_SIZE + offset_x
        field[start : start + fit_width] = [min(value / 255.0, 1.0) for value in row]
    return field
