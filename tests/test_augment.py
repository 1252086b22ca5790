"""Unit tests of the training augmentation and of the uncertainty-threshold rule.

Run on real MNIST digits (the augmentation's whole point is what it does to them): shapes and
value range, determinism per seed, identity parameters, thickness changing ink mass in the
right direction, and the MNIST framing of the result.
"""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from training import augment, mnist, uncertainty  # noqa: E402
from training.data import DEFAULT_MNIST_DIR as MNIST_DIR  # noqa: E402

BATCH = 64


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    data = mnist.load(MNIST_DIR, allow_download=False)
    return (data.train_images[:BATCH].astype("float32") / 255.0)[..., np.newaxis]


def ink_box_and_centre(image: np.ndarray) -> tuple[int, float, float]:
    """Longer side of the ink box (pixels above the ink threshold) and centre of mass.

    Isolated ink pixels (no inked neighbour) are left out of the box: some MNIST images carry
    a stray speck far from the digit (train image 29), which warping can fade in or out.
    """
    ink = image > augment.INK_THRESHOLD
    padded = np.pad(ink, 1)
    neighbours = sum(
        padded[1 + dr : 1 + dr + ink.shape[0], 1 + dc : 1 + dc + ink.shape[1]]
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
        if (dr, dc) != (0, 0)
    )
    ink &= neighbours > 0
    rows = np.flatnonzero(ink.any(axis=1))
    columns = np.flatnonzero(ink.any(axis=0))
    longer = max(rows[-1] - rows[0] + 1, columns[-1] - columns[0] + 1)
    grid_rows, grid_columns = np.indices(image.shape)
    mass = image.sum()
    return longer, (image * grid_rows).sum() / mass, (image * grid_columns).sum() / mass


def test_shape_dtype_and_range(digits: np.ndarray) -> None:
    out = augment.augment(digits, [3, 4]).numpy()
    assert out.shape == digits.shape and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert np.abs(out - digits).mean() > 0.01  # it really changes the images


def test_same_seed_same_result_other_seed_other_result(digits: np.ndarray) -> None:
    first = augment.augment(digits, [7, 1]).numpy()
    assert np.array_equal(first, augment.augment(digits, [7, 1]).numpy())
    assert not np.allclose(first, augment.augment(digits, [7, 2]).numpy())


def test_identity_parameters_give_the_input_back(digits: np.ndarray) -> None:
    out = augment.augment(digits, [5, 5], augment.IDENTITY_CONFIG).numpy()
    np.testing.assert_array_equal(out, digits)


def test_reframing_alone_barely_changes_mnist_digits(digits: np.ndarray) -> None:
    """MNIST is already framed this way, so re-framing without distortion or jitter is close
    to the identity (not exact: the box is measured on thresholded grey pixels)."""
    config = augment.AugmentConfig(**{**augment.IDENTITY_CONFIG.__dict__, "reframe": True})
    out = augment.augment(digits, [5, 5], config).numpy()
    assert np.abs(out - digits).mean() < 0.03


def test_result_is_framed_like_mnist(digits: np.ndarray) -> None:
    out = augment.augment(digits, [11, 0]).numpy()[..., 0]
    tolerance = augment.DEFAULT_CONFIG.fit_jitter + 1.5
    for image in out:
        longer, row, column = ink_box_and_centre(image)
        assert abs(longer - augment.FIT_SIZE) <= tolerance
        assert abs(row - augment.FIELD_CENTRE) <= 1.0
        assert abs(column - augment.FIELD_CENTRE) <= 1.0


@pytest.mark.parametrize(("radius", "direction"), [(1.0, 1), (0.5, 1), (-0.5, -1), (-1.0, -1)])
def test_thickness_changes_ink_mass_in_the_right_direction(
    digits: np.ndarray, radius: float, direction: int
) -> None:
    out = augment.change_thickness(digits, np.full(len(digits), radius, "float32")).numpy()
    change = out.sum(axis=(1, 2, 3)) - digits.sum(axis=(1, 2, 3))
    assert (np.sign(change) == direction).all()
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_thickness_grows_with_radius(digits: np.ndarray) -> None:
    masses = [
        augment.change_thickness(digits, np.full(len(digits), radius, "float32")).numpy().sum()
        for radius in (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)
    ]
    assert masses == sorted(masses) and len(set(masses)) == len(masses)
    unchanged = augment.change_thickness(digits, np.zeros(len(digits), "float32")).numpy()
    np.testing.assert_array_equal(unchanged, digits)


@pytest.fixture(scope="module")
def ones_and_others() -> tuple[np.ndarray, np.ndarray]:
    data = mnist.load(MNIST_DIR, allow_download=False)
    images = (data.train_images[:400].astype("float32") / 255.0)[..., np.newaxis]
    return images, data.train_labels[:400]


def ones_with_their_rows(images: np.ndarray, labels: np.ndarray, out: np.ndarray):
    """Each 1 before and after, with the rows its stem inked before."""
    for before, after in zip(images[labels == 1], out[labels == 1], strict=True):
        inked_rows = np.flatnonzero((before[..., 0] > augment.INK_THRESHOLD).any(axis=1))
        yield before, after, inked_rows


def with_a_flag_on_every_one(
    images: np.ndarray, labels: np.ndarray, base_probability: float
) -> np.ndarray:
    """The batch through add_one_strokes with a flag on every 1 and a base on this share."""
    config = augment.AugmentConfig(one_flag_probability=1.0, one_base_probability=base_probability)
    return augment.add_one_strokes(images, labels, [5, 6], config).numpy()


def test_only_ones_get_a_flag_and_it_goes_down_left_from_the_top(
    ones_and_others: tuple[np.ndarray, np.ndarray],
) -> None:
    images, labels = ones_and_others
    out = with_a_flag_on_every_one(images, labels, base_probability=0.0)
    changed = np.abs(out - images).reshape(len(images), -1).max(axis=1) > 0.5
    assert not changed[labels != 1].any()
    assert changed[labels == 1].mean() > 0.95  # a flag on (nearly) every 1
    assert (out >= images).all()  # strokes are added, never taken away
    for before, after, inked_rows in ones_with_their_rows(images, labels, out):
        added = (after - before)[..., 0] > 0.5
        if not added.any():
            continue
        added_rows, added_columns = np.nonzero(added)
        top_row = before[inked_rows[0], :, 0]
        top_column = (top_row * np.arange(28)).sum() / top_row.sum()
        # Within the upper part of the stem's height, and left of where the stem starts.
        assert added_rows.max() <= inked_rows[0] + 0.5 * (inked_rows[-1] - inked_rows[0]) + 3
        assert added_columns.min() < top_column - 1


def test_a_base_goes_under_the_foot_and_nothing_changes_when_switched_off(
    ones_and_others: tuple[np.ndarray, np.ndarray],
) -> None:
    images, labels = ones_and_others
    out = with_a_flag_on_every_one(images, labels, base_probability=1.0)
    for before, after, inked_rows in ones_with_their_rows(images, labels, out):
        foot = inked_rows[-1]
        bottom_row_ink = (after[foot - 1 : foot + 2, :, 0] > 0.5).any(axis=0).sum()
        before_ink = (before[foot - 1 : foot + 2, :, 0] > 0.5).any(axis=0).sum()
        assert bottom_row_ink > before_ink  # the base widens the foot
    off = augment.without(augment.DEFAULT_CONFIG, "ones")
    np.testing.assert_array_equal(augment.add_one_strokes(images, labels, [5, 6], off), images)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        augment.augment(np.zeros((2, 28, 28), "float32"), [0, 0])
    with pytest.raises(ValueError):
        augment.without(augment.DEFAULT_CONFIG, "colour")


def test_dataset_is_reproducible_and_epochs_differ(digits: np.ndarray) -> None:
    images = (digits[..., 0] * 255).astype(np.uint8)
    labels = np.arange(len(images)) % 10

    def batches() -> list[np.ndarray]:
        dataset = augment.augmented_dataset(images, labels, batch_size=32, epochs=2, seed=9)
        return [x.numpy() for x, _ in dataset]

    first, second = batches(), batches()
    assert len(first) == 4
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    assert not np.allclose(first[0], first[2])


def test_threshold_is_the_smallest_that_keeps_sure_answers_right_on_every_set() -> None:
    rng = np.random.default_rng(0)

    def calibrated_set(count: int, low: float) -> tuple[np.ndarray, np.ndarray]:
        """A perfectly calibrated model: right with probability = its top probability."""
        top = rng.uniform(low, 1.0, count)
        right = rng.uniform(size=count) < top
        probabilities = np.repeat(((1 - top) / 9)[:, np.newaxis], 10, axis=1)
        probabilities[np.arange(count), np.where(right, 0, 1)] = top
        return probabilities, np.zeros(count, int)

    easy, hard = calibrated_set(4000, 0.9), calibrated_set(4000, 0.3)

    def wrong_while_sure(probabilities: np.ndarray, labels: np.ndarray, threshold: float):
        top = probabilities.max(axis=1)
        return ((probabilities.argmax(axis=1) != labels) & (top >= threshold)).mean()

    threshold = uncertainty.choose_threshold([easy, hard], target=0.01)
    assert max(wrong_while_sure(*data, threshold) for data in (easy, hard)) <= 0.01
    # The smallest such: one step lower breaks the target on some set.
    lower = uncertainty.CANDIDATES[list(uncertainty.CANDIDATES).index(threshold) - 1]
    assert max(wrong_while_sure(*data, lower) for data in (easy, hard)) > 0.01
    # The set that needs more decides: every set must keep the promise. (Here the confident
    # one: its errors crowd just below 1, while the other's are spread out and mostly flagged.)
    alone = [uncertainty.choose_threshold([data], target=0.01) for data in (easy, hard)]
    assert threshold == max(alone) and min(alone) < threshold
    summary = uncertainty.summarize(
        hard[0].max(axis=1), hard[0].argmax(axis=1) == hard[1], threshold
    )
    assert summary["wrong_while_sure"] <= 0.01
    with pytest.raises(ValueError):
        uncertainty.choose_threshold([(hard[0], hard[1][:-1])])
    with pytest.raises(ValueError):
        uncertainty.choose_threshold([])
