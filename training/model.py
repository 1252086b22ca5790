"""The product's CNN, exactly as the product has always described it (README.md, "The model"),
and one measured alternative beside it.

Improvements are measured beside the guide's CNN, never put silently in its place: `train.py
--architecture compact` trains the alternative with the same data, augmentation, schedule and
seed, so the two differ only here, and the README's table reports both."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras

# Keras is imported inside the builders: training/train.py reads ARCHITECTURES to parse its
# arguments, before it spends seconds loading TensorFlow.

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10


def build_cnn() -> keras.Model:
    """Conv32-Conv64-MaxPool-Dropout-Dense128-Dropout-Dense10, the classic Keras MNIST CNN."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="pixels"),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Dropout(0.25),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities"),
        ],
        name="mnist_cnn",
    )


def _conv_block(filters: int) -> list[keras.Layer]:
    """Two 3x3 convolutions, each batch-normalized before its ReLU, then 2x2 pooling."""
    from keras import layers

    block: list[keras.Layer] = []
    for _ in range(2):
        block += [
            layers.Conv2D(filters, kernel_size=(3, 3), use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
        ]
    return [*block, layers.MaxPooling2D(pool_size=(2, 2)), layers.Dropout(0.25)]


def build_compact_cnn() -> keras.Model:
    """Four batch-normalized 3x3 convolutions (32, 32, pool, 64, 64, pool), Dense 128, Dense 10.

    Why it exists: the guide's CNN spends 1.18 M of its 1.2 M weights on one Dense layer over
    a 12x12x64 map and has no second level of features; this one pools twice, so the Dense
    layer sees 4x4x64 and the whole model has about 0.2 M weights (0.2 MB as uint8, a sixth of
    the guide's download) for slightly fewer multiply-adds (about 9.9 M against 11.8 M per
    digit). Batch normalization folds into the convolutions at export, so the page runs plain
    convolutions either way."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="pixels"),
            *_conv_block(32),
            *_conv_block(64),
            layers.Flatten(),
            layers.Dense(128, use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.Dropout(0.4),
            layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities"),
        ],
        name="compact_cnn",
    )


# Name -> (builder, the description written into metrics.json and the README's table).
ARCHITECTURES = {
    "guide": (build_cnn, "conv32-conv64-maxpool-dropout0.25-dense128-dropout0.5-dense10"),
    "compact": (
        build_compact_cnn,
        "2x(conv32-bn)-maxpool-dropout0.25-2x(conv64-bn)-maxpool-dropout0.25"
        "-dense128-bn-dropout0.4-dense10",
    ),
}
DEFAULT_ARCHITECTURE = "guide"
