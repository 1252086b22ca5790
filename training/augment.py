"""Seeded augmentation that makes MNIST look like what the page really feeds the model.

The page normalizes every drawing the way MNIST was made (ink box scaled to 20 px, centre of
mass at pixel 14), so size and position differences are gone by the time the model sees a
digit. What is left, and what this module simulates on MNIST training images:

* stroke thickness relative to digit size (a small digit drawn with a fat pen, or a 1-px pen):
  grey-level dilation / erosion by 3x3 max-pooling, blended for a fractional radius;
* slant, rotation and aspect: a random affine map;
* shape wobble: a smooth random displacement field (elastic distortion);
* slightly off framing and the blur of resampling: after the warp the digit is framed again
  like MNIST (longer side of the ink box ~20 px, centre of mass ~14) with a little jitter.

Everything is TensorFlow ops on whole batches (no tensorflow-addons) so it runs inside a
tf.data pipeline, and all randomness is stateless: the same seed gives the same batch, so a
training run is reproducible and a "distorted validation copy" is a fixed data set.

The warp, elastic field and re-framing are composed into ONE coordinate map and the image is
resampled once (bilinear): resampling twice would blur more than the page's preprocessing does.
Before all that, some 1s get the strokes MNIST's (American) 1s almost never have: a flag
down-left from the top, and sometimes a base (see add_one_strokes). Not simulated: strokes
that break or overlap (a multi-stroke 4 or 7 whose strokes miss each other), which would need
stroke-level data rather than pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import tensorflow as tf
from digits import facts

# MNIST's framing (digits.facts), as py/digits/preprocess.py reproduces it on the page.
SIZE = facts.MNIST_SIZE
FIT_SIZE = float(facts.FIT_SIZE)
FIELD_CENTRE = float(facts.FIELD_CENTRE)
# A warped pixel counts as ink for the bounding box above this (the page's noise threshold,
# of 255), so faint bilinear fringes do not inflate the box.
INK_THRESHOLD = facts.NOISE_THRESHOLD / 255.0
# Thickness changes are made with 3x3 grey-level max-pooling: one step adds (or, eroding,
# removes) one pixel on each side of every stroke.
MORPHOLOGY_WINDOW = 3
# Border added around the field when measuring the warped ink (see augment()); the largest
# default warp moves a corner of the field by ~8 px.
MEASURE_MARGIN = 10


@dataclass(frozen=True)
class AugmentConfig:
    """Ranges of the random parameters (each drawn uniformly, per image).

    The defaults are the shipped model's; the numbers each part moved are in training/train.py.
    """

    # Rotation, degrees either way: people tilt digits by about this much.
    rotation_degrees: float = 12.0
    # Horizontal shear x += shear * y (slant), either way: italic handwriting is ~0.3.
    shear: float = 0.3
    # Aspect: log of the width/height ratio change, either way (0.25 -> x0.78 .. x1.28).
    log_aspect: float = 0.25
    # Elastic distortion: displacement of each control point, pixels, either way ...
    elastic_pixels: float = 1.5
    # ... on a grid of this many control points per side (spacing ~7 px: a stroke-sized wobble).
    elastic_grid: int = 5
    # Share of images whose stroke thickness is changed, and the radius range in pixels
    # (negative: thinner). A 20 px pen on a digit drawn 80 px tall is ~5 px after framing,
    # MNIST strokes are ~2-3 px, a 1 px pen gives ~1 px.
    thickness_probability: float = 0.5
    thickness_min: float = -0.6
    thickness_max: float = 1.25
    # Framing jitter: longer side of the ink box FIT_SIZE +- this, centre of mass +- this.
    fit_jitter: float = 1.0
    centre_jitter: float = 0.6
    # Share of the 1s given a flag (a short stroke from the top of the stem down to the
    # left), its length as a share of the digit's height, and its angle below horizontal; of
    # the flagged 1s, the share also given a base (a short bar under the stem) and its half
    # length. A 1 with a flag read as a 7 was the commonest error on the drawn and uploaded
    # benchmark sets; most of the world writes 1 that way.
    one_flag_probability: float = 0.5
    one_flag_length: tuple[float, float] = (0.15, 0.4)
    one_flag_degrees: tuple[float, float] = (25.0, 65.0)
    one_base_probability: float = 0.3
    one_base_half_length: tuple[float, float] = (0.12, 0.3)
    # Share of the 7s given a crossbar (a short horizontal bar through the stem at about
    # mid-height, as most of Europe writes 7), the bar's height as a share of the digit's
    # height from its top, and its half length. MNIST's 7s almost never have one; on the real
    # pen trajectories of ../shared/data/uci-digits 7 was the worst class (18% right).
    seven_bar_probability: float = 0.3
    seven_bar_height: tuple[float, float] = (0.45, 0.6)
    seven_bar_half_length: tuple[float, float] = (0.18, 0.3)
    # Share of images passed through untouched (clean MNIST keeps its weight in training).
    clean_probability: float = 0.0
    # Re-frame after the warp (off only to test the warp alone, e.g. that identity is identity).
    reframe: bool = True


DEFAULT_CONFIG = AugmentConfig()
# No geometric or thickness change and no re-framing: augment() must return its input.
IDENTITY_CONFIG = AugmentConfig(
    rotation_degrees=0.0,
    shear=0.0,
    log_aspect=0.0,
    elastic_pixels=0.0,
    thickness_probability=0.0,
    fit_jitter=0.0,
    centre_jitter=0.0,
    one_flag_probability=0.0,
    seven_bar_probability=0.0,
    reframe=False,
)


def without(config: AugmentConfig, *parts: str) -> AugmentConfig:
    """The config with whole parts switched off ("affine", "elastic", "thickness", "frame",
    "ones", "sevens"), for ablations."""
    changes: dict[str, object] = {}
    for part in parts:
        if part == "affine":
            changes.update(rotation_degrees=0.0, shear=0.0, log_aspect=0.0)
        elif part == "elastic":
            changes.update(elastic_pixels=0.0)
        elif part == "thickness":
            changes.update(thickness_probability=0.0)
        elif part == "frame":
            changes.update(fit_jitter=0.0, centre_jitter=0.0)
        elif part == "ones":
            changes.update(one_flag_probability=0.0)
        elif part == "sevens":
            changes.update(seven_bar_probability=0.0)
        else:
            raise ValueError(f"unknown augmentation part {part!r}")
    return replace(config, **changes)


def _check_images(images: tf.Tensor) -> tf.Tensor:
    images = tf.convert_to_tensor(images)
    if images.shape.rank != 4 or tuple(images.shape[1:]) != (SIZE, SIZE, 1):
        raise ValueError(f"expected images of shape [batch, 28, 28, 1], got {images.shape}")
    return tf.cast(images, tf.float32)


def change_thickness(images: tf.Tensor, radius: tf.Tensor) -> tf.Tensor:
    """Thicken (radius > 0) or thin (radius < 0) the strokes of each image by ``radius`` px.

    Whole steps are 3x3 grey-level dilations (max-pool) or erosions (-max-pool(-x)); the
    fractional part blends linearly between steps, so the radius is continuous. Radius is
    clipped to [-1, 2] (one erosion wipes out the thinnest MNIST strokes already).
    """
    images = _check_images(images)
    radius = tf.reshape(tf.cast(radius, tf.float32), [-1, 1, 1, 1])

    def dilate(x: tf.Tensor) -> tf.Tensor:
        return tf.nn.max_pool2d(x, MORPHOLOGY_WINDOW, strides=1, padding="SAME")

    dilated_once = dilate(images)
    dilated_twice = dilate(dilated_once)
    eroded_once = -dilate(-images)
    grow = tf.clip_by_value(radius, 0.0, 1.0)
    grow_more = tf.clip_by_value(radius - 1.0, 0.0, 1.0)
    shrink = tf.clip_by_value(-radius, 0.0, 1.0)
    return (
        images
        + grow * (dilated_once - images)
        + grow_more * (dilated_twice - dilated_once)
        + shrink * (eroded_once - images)
    )


def bilinear_sample(images: tf.Tensor, rows: tf.Tensor, columns: tf.Tensor) -> tf.Tensor:
    """Sample each image [B, H, W, 1] at float coordinates [B, H, W] (pixel centres at
    integers); outside the image is paper (0). Integer coordinates reproduce pixels exactly."""
    batch = tf.shape(images)[0]
    flat = tf.reshape(images, [batch, SIZE * SIZE])
    row0 = tf.floor(rows)
    column0 = tf.floor(columns)
    row_weight = rows - row0
    column_weight = columns - column0
    row0 = tf.cast(row0, tf.int32)
    column0 = tf.cast(column0, tf.int32)

    def pixel(row: tf.Tensor, column: tf.Tensor) -> tf.Tensor:
        inside = (row >= 0) & (row < SIZE) & (column >= 0) & (column < SIZE)
        index = tf.clip_by_value(row, 0, SIZE - 1) * SIZE + tf.clip_by_value(column, 0, SIZE - 1)
        values = tf.gather(flat, tf.reshape(index, [batch, -1]), batch_dims=1)
        return tf.reshape(values, tf.shape(rows)) * tf.cast(inside, tf.float32)

    top = (1 - column_weight) * pixel(row0, column0) + column_weight * pixel(row0, column0 + 1)
    bottom = (1 - column_weight) * pixel(row0 + 1, column0) + column_weight * pixel(
        row0 + 1, column0 + 1
    )
    return ((1 - row_weight) * top + row_weight * bottom)[..., tf.newaxis]


def _elastic_displacement(
    coarse: tf.Tensor, rows: tf.Tensor, columns: tf.Tensor
) -> tuple[tf.Tensor, tf.Tensor]:
    """Bilinear interpolation of a coarse [B, G, G, 2] displacement grid (control points spread
    evenly over the field, corners on corner pixels) at float coordinates [B, H, W]."""
    grid = coarse.shape[1]
    batch = tf.shape(coarse)[0]
    scale = (grid - 1) / (SIZE - 1)
    u = tf.clip_by_value(rows * scale, 0.0, grid - 1.0)
    v = tf.clip_by_value(columns * scale, 0.0, grid - 1.0)
    u0 = tf.minimum(tf.floor(u), grid - 2.0)
    v0 = tf.minimum(tf.floor(v), grid - 2.0)
    du, dv = (u - u0)[..., tf.newaxis], (v - v0)[..., tf.newaxis]
    u0 = tf.cast(u0, tf.int32)
    v0 = tf.cast(v0, tf.int32)
    flat = tf.reshape(coarse, [batch, grid * grid, 2])

    def corner(row: tf.Tensor, column: tf.Tensor) -> tf.Tensor:
        index = tf.reshape(row * grid + column, [batch, -1])
        values = tf.gather(flat, index, batch_dims=1)
        return tf.reshape(values, tf.concat([tf.shape(rows), [2]], axis=0))

    top = (1 - dv) * corner(u0, v0) + dv * corner(u0, v0 + 1)
    bottom = (1 - dv) * corner(u0 + 1, v0) + dv * corner(u0 + 1, v0 + 1)
    field = (1 - du) * top + du * bottom
    return field[..., 0], field[..., 1]


def _uniform(seed: tf.Tensor, shape: tf.Tensor, limit: float, salt: int) -> tf.Tensor:
    """Uniform in [-limit, limit]; `salt` makes each parameter its own stream of the seed."""
    return tf.random.stateless_uniform(
        shape, seed=seed + tf.constant([0, salt], tf.int64) * 1_000_003, minval=-limit, maxval=limit
    )


def _between(seed: tf.Tensor, shape: tf.Tensor, bounds: tuple[float, float], salt: int):
    low, high = bounds
    return (low + high) / 2 + _uniform(seed, shape, (high - low) / 2, salt)


def _segment_coverage(
    start: tuple[tf.Tensor, tf.Tensor], end: tuple[tf.Tensor, tf.Tensor], half_width: tf.Tensor
) -> tf.Tensor:
    """Anti-aliased coverage [B, 28, 28] of a round-ended pen stroke from start to end
    ((row, column) per image), `half_width` px either side of the line."""

    def per(value: tf.Tensor) -> tf.Tensor:
        return tf.reshape(value, [-1, 1, 1])

    axis = tf.range(SIZE, dtype=tf.float32)
    rows, columns = tf.meshgrid(axis, axis, indexing="ij")
    row0, column0 = per(start[0]), per(start[1])
    d_row, d_column = per(end[0]) - row0, per(end[1]) - column0
    length2 = tf.maximum(d_row * d_row + d_column * d_column, 1e-6)
    t = tf.clip_by_value(((rows - row0) * d_row + (columns - column0) * d_column) / length2, 0, 1)
    distance = tf.sqrt(
        tf.square(row0 + t * d_row - rows) + tf.square(column0 + t * d_column - columns)
    )
    return tf.clip_by_value(per(half_width) + 0.5 - distance, 0.0, 1.0)


def _with_planes(
    images: tf.Tensor, seed: tf.Tensor
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
    """What the digit-specific strokes start from: the batch [B, 28, 28, 1] checked, the seed
    as tf.random's int64 pair, the shape [B] of one draw per image, and the planes [B, 28, 28]."""
    images = _check_images(images)
    seed = tf.cast(tf.convert_to_tensor(seed), tf.int64)
    return images, seed, tf.stack([tf.shape(images)[0]]), images[..., 0]


def _ink_rows(plane: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """Per image of a batch [B, 28, 28]: the first and last inked rows and the height between."""
    index = tf.range(SIZE, dtype=tf.float32)
    inked_rows = tf.reduce_any(plane > INK_THRESHOLD, axis=2)
    top = tf.reduce_min(tf.where(inked_rows, index, SIZE - 1.0), axis=1)
    bottom = tf.reduce_max(tf.where(inked_rows, index, 0.0), axis=1)
    return top, bottom, tf.maximum(bottom - top + 1.0, 1.0)


def _column_near(plane: tf.Tensor, row: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Per image of a batch [B, 28, 28]: the ink-weighted mean column of the rows within 1 px
    of `row` (FIELD_CENTRE where they hold no ink), and the ink they hold."""
    index = tf.range(SIZE, dtype=tf.float32)
    near = tf.cast(tf.abs(index[tf.newaxis, :] - row[:, tf.newaxis]) <= 1.0, tf.float32)
    weights = plane * near[:, :, tf.newaxis]
    total = tf.reduce_sum(weights, axis=[1, 2])
    weighted = tf.reduce_sum(weights * index[tf.newaxis, tf.newaxis, :], axis=[1, 2])
    return tf.where(total > 0, weighted / tf.maximum(total, 1e-6), FIELD_CENTRE), total


def add_one_strokes(
    images: tf.Tensor, labels: tf.Tensor, seed: tf.Tensor, config: AugmentConfig = DEFAULT_CONFIG
) -> tf.Tensor:
    """Give some of the 1s in a batch [B, 28, 28, 1] a flag, and some of those a base.

    The flag starts at the top of the stem and goes down to the left; the base is centred
    under the stem's foot; both are drawn with the stem's own pen width (its ink per row).
    Other digits, and 1s not chosen, are returned unchanged.
    """
    images, seed, per_image, plane = _with_planes(images, seed)
    if config.one_flag_probability <= 0:
        return images
    top, bottom, height = _ink_rows(plane)
    half_width = tf.clip_by_value(tf.reduce_sum(plane, axis=[1, 2]) / height / 2, 0.6, 2.5)
    (top_column, _), (foot_column, _) = _column_near(plane, top), _column_near(plane, bottom)
    length = height * _between(seed, per_image, config.one_flag_length, 11)
    angle = _between(seed, per_image, tuple(map(math.radians, config.one_flag_degrees)), 12)
    flag = _segment_coverage(
        (top, top_column),
        (top + length * tf.sin(angle), top_column - length * tf.cos(angle)),
        half_width,
    )
    half_base = height * _between(seed, per_image, config.one_base_half_length, 13)
    base = _segment_coverage(
        (bottom, foot_column - half_base), (bottom, foot_column + half_base), half_width
    )
    is_one = tf.cast(labels, tf.int64) == 1
    flagged = is_one & (
        tf.random.stateless_uniform(per_image, seed=seed + tf.constant([0, 14], tf.int64))
        < config.one_flag_probability
    )
    based = flagged & (
        tf.random.stateless_uniform(per_image, seed=seed + tf.constant([0, 15], tf.int64))
        < config.one_base_probability
    )
    strokes = tf.maximum(
        flag * tf.cast(flagged, tf.float32)[:, tf.newaxis, tf.newaxis],
        base * tf.cast(based, tf.float32)[:, tf.newaxis, tf.newaxis],
    )
    return tf.maximum(images, strokes[..., tf.newaxis])


def add_seven_bars(
    images: tf.Tensor, labels: tf.Tensor, seed: tf.Tensor, config: AugmentConfig = DEFAULT_CONFIG
) -> tf.Tensor:
    """Give some of the 7s in a batch [B, 28, 28, 1] a crossbar through the stem.

    The bar is horizontal, centred on the stem's ink at its height (the ink-weighted mean
    column of the rows there), drawn with the digit's own pen width. Other digits, and 7s not
    chosen, are returned unchanged.
    """
    images, seed, per_image, plane = _with_planes(images, seed)
    if config.seven_bar_probability <= 0:
        return images
    top, _, height = _ink_rows(plane)
    row = top + height * _between(seed, per_image, config.seven_bar_height, 21)
    column, total = _column_near(plane, row)
    # The pen's half width, from the ink per inked row of the stem's 3-row band.
    half_width = tf.clip_by_value(total / 3.0 / 2.0, 0.6, 2.5)
    half_length = height * _between(seed, per_image, config.seven_bar_half_length, 22)
    bar = _segment_coverage((row, column - half_length), (row, column + half_length), half_width)
    chosen = (tf.cast(labels, tf.int64) == 7) & (
        tf.random.stateless_uniform(per_image, seed=seed + tf.constant([0, 23], tf.int64))
        < config.seven_bar_probability
    )
    bars = bar * tf.cast(chosen, tf.float32)[:, tf.newaxis, tf.newaxis]
    return tf.maximum(images, bars[..., tf.newaxis])


def augment(
    images: tf.Tensor, seed: tf.Tensor, config: AugmentConfig = DEFAULT_CONFIG
) -> tf.Tensor:
    """Augment a batch of MNIST-normalized images [B, 28, 28, 1] in [0, 1].

    ``seed`` is a pair of integers (tf.random's stateless seed); the result depends only on
    the images, the seed and the config. Output: same shape, values in [0, 1].
    """
    images = _check_images(images)
    seed = tf.cast(tf.convert_to_tensor(seed), tf.int64)
    batch = tf.shape(images)[0]
    per_image = tf.stack([batch])

    original = images
    # 1. Stroke thickness, on the source image (a pen's width does not depend on the warp).
    radius = (config.thickness_max + config.thickness_min) / 2 + _uniform(
        seed, per_image, (config.thickness_max - config.thickness_min) / 2, 1
    )
    chosen = tf.random.stateless_uniform(per_image, seed=seed + tf.constant([0, 2], tf.int64)) < (
        config.thickness_probability
    )
    radius = tf.where(chosen, radius, 0.0)
    if config.thickness_probability > 0:
        images = change_thickness(images, radius)

    # 2. The warp, as a map from warped coordinates q to source coordinates:
    #    source = A (q - c) + c + elastic(q), A = rotation * shear * aspect. Sampling the
    #    inverse map directly is fine: each parameter's distribution is symmetric.
    angle = _uniform(seed, per_image, math.radians(config.rotation_degrees), 3)
    shear = _uniform(seed, per_image, config.shear, 4)
    log_aspect = _uniform(seed, per_image, config.log_aspect, 5)
    cos, sin = tf.cos(angle), tf.sin(angle)
    width_scale, height_scale = tf.exp(log_aspect / 2), tf.exp(-log_aspect / 2)
    # (row, column) coordinates: rotation [[cos, -sin], [sin, cos]], then shear of columns by
    # rows, then the aspect scales.
    a_rr = cos * height_scale
    a_rc = -sin * width_scale
    a_cr = (sin + shear * cos) * height_scale
    a_cc = (cos - shear * sin) * width_scale
    coarse = _uniform(
        seed,
        tf.stack([batch, config.elastic_grid, config.elastic_grid, 2]),
        config.elastic_pixels,
        6,
    )
    centre = (SIZE - 1) / 2

    def to_source(rows: tf.Tensor, columns: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        def per(value: tf.Tensor) -> tf.Tensor:
            return tf.reshape(value, [-1, 1, 1])

        r, c = rows - centre, columns - centre
        source_rows = per(a_rr) * r + per(a_rc) * c + centre
        source_columns = per(a_cr) * r + per(a_cc) * c + centre
        if config.elastic_pixels > 0:
            d_rows, d_columns = _elastic_displacement(coarse, rows, columns)
            source_rows += d_rows
            source_columns += d_columns
        return source_rows, source_columns

    def pixel_grid(start: float, size: int) -> tuple[tf.Tensor, tf.Tensor]:
        axis = tf.range(size, dtype=tf.float32) + start
        rows, columns = tf.meshgrid(axis, axis, indexing="ij")
        shape = tf.stack([batch, size, size])
        return tf.broadcast_to(rows, shape), tf.broadcast_to(columns, shape)

    grid_rows, grid_columns = pixel_grid(0.0, SIZE)
    if not config.reframe:
        return tf.clip_by_value(bilinear_sample(images, *to_source(grid_rows, grid_columns)), 0, 1)

    # 3. Re-frame like MNIST: render once to measure the warped ink's box and centre of mass,
    #    then fold "scale the box to ~20 px, move the centre of mass to ~14" into the map and
    #    render the source once more (one resampling in the result, not two).
    #    The measuring render extends MEASURE_MARGIN px past every edge: a warp can push ink
    #    out of the 28x28 field, and a box clipped there would blow the digit up too big.
    measure_size = SIZE + 2 * MEASURE_MARGIN
    measure_rows, measure_columns = pixel_grid(-float(MEASURE_MARGIN), measure_size)
    warped = bilinear_sample(images, *to_source(measure_rows, measure_columns))[..., 0]
    ink = warped > INK_THRESHOLD
    index = tf.range(measure_size, dtype=tf.float32)

    def extent(any_ink: tf.Tensor) -> tf.Tensor:
        first = tf.reduce_min(tf.where(any_ink, index, measure_size - 1.0), axis=1)
        last = tf.reduce_max(tf.where(any_ink, index, 0.0), axis=1)
        return tf.maximum(last - first + 1.0, 1.0)

    longer = tf.maximum(extent(tf.reduce_any(ink, axis=2)), extent(tf.reduce_any(ink, axis=1)))
    mass = tf.reduce_sum(warped, axis=[1, 2])
    has_ink = mass > 0
    safe_mass = tf.where(has_ink, mass, 1.0)
    mass_row = tf.where(
        has_ink, tf.reduce_sum(warped * measure_rows, axis=[1, 2]) / safe_mass, 14.0
    )
    mass_column = tf.where(
        has_ink, tf.reduce_sum(warped * measure_columns, axis=[1, 2]) / safe_mass, 14.0
    )
    fit = FIT_SIZE + _uniform(seed, per_image, config.fit_jitter, 7)
    scale = tf.where(has_ink, fit / longer, 1.0)
    target_row = FIELD_CENTRE + _uniform(seed, per_image, config.centre_jitter, 8)
    target_column = FIELD_CENTRE + _uniform(seed, per_image, config.centre_jitter, 9)

    def per(value: tf.Tensor) -> tf.Tensor:
        return tf.reshape(value, [-1, 1, 1])

    # Output pixel p comes from warped point q = (p - target) / scale + centre of mass.
    framed_rows = (grid_rows - per(target_row)) / per(scale) + per(mass_row)
    framed_columns = (grid_columns - per(target_column)) / per(scale) + per(mass_column)
    result = tf.clip_by_value(
        bilinear_sample(images, *to_source(framed_rows, framed_columns)), 0, 1
    )
    if config.clean_probability > 0:
        keep = tf.random.stateless_uniform(per_image, seed=seed + tf.constant([0, 10], tf.int64))
        keep = tf.reshape(keep < config.clean_probability, [-1, 1, 1, 1])
        result = tf.where(keep, original, result)
    return result


def augmented_dataset(
    images: tf.Tensor,
    labels: tf.Tensor,
    *,
    batch_size: int,
    epochs: int,
    seed: int,
    config: AugmentConfig = DEFAULT_CONFIG,
) -> tf.data.Dataset:
    """Shuffled, augmented training batches for ``epochs`` passes over uint8 ``images``.

    Every epoch has ceil(N / batch_size) batches; batch k of the whole run is augmented with
    seed (seed, k): reproducible, yet every epoch sees fresh distortions. The images stay
    uint8 until a batch is drawn (4x less memory).
    """
    if batch_size < 1 or epochs < 1:
        raise ValueError("batch_size and epochs must be at least 1")
    dataset = (
        tf.data.Dataset.from_tensor_slices((images, labels))
        .shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .repeat(epochs)
        .enumerate()
    )

    def transform(step: tf.Tensor, batch: tuple[tf.Tensor, tf.Tensor]):
        pixels, digits = batch
        pixels = tf.cast(pixels, tf.float32)[..., tf.newaxis] / 255.0
        batch_seed = tf.stack([tf.constant(seed, tf.int64), step])
        pixels = add_one_strokes(pixels, digits, batch_seed, config)
        pixels = add_seven_bars(pixels, digits, batch_seed, config)
        return augment(pixels, batch_seed, config), digits

    return dataset.map(transform, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def distorted_copy(
    images, seed: int, config: AugmentConfig = DEFAULT_CONFIG, batch_size: int = 1000
):
    """A fixed distorted copy of float images [N, 28, 28, 1] (e.g. validation data), as NumPy.

    Seeded per chunk, so it is the same data set every time it is made with the same seed.
    """
    chunks = []
    for start in range(0, len(images), batch_size):
        chunk = images[start : start + batch_size]
        chunks.append(augment(chunk, tf.constant([seed, start], tf.int64), config).numpy())
    import numpy as np

    return np.concatenate(chunks) if chunks else np.zeros_like(images)
