"""A person's own handwriting, learned on the device from their corrections.

When someone says "that was a 7", the page keeps the 28x28 input the model saw, with its
label, on their device (site/js/handwriting-store.js), and the worker hands this module that
input and the model's *features* of it: the 128 values the CNN's last layer reads
(export/tfjs.py exports them as a second output). A drawing is then compared with those
examples by shape (below) and in that space, and the examples near it pull the answer towards
their labels:

- each example k with features e_k at distance d_k from the drawing's features (both scaled
  to unit length, so only the pattern counts, not how strongly it fires) gets the weight
  w_k = exp(-(d_k / KERNEL_WIDTH)^2): about 1 for the same drawing, nothing for a
  different one;
- the personal classifier's answer is q_c = (sum of w_k over examples of c) / (sum of all w_k);
- it is blended with the CNN's probabilities p as (1 - lam) * p + lam * q, where
  lam = W / (W + EVIDENCE_HALF) and W is the sum of all w_k: the blend's weight grows with the
  evidence, from nothing (no example near: the CNN's answer, unchanged) towards one (many
  close examples).

So a correction changes the answer for drawings like the corrected one and leaves other
digits alone: their features are far from every example, and their weights vanish.

The features alone fix the corrected drawing itself but few others of the same style: the
CNN's last layer was trained to tell MNIST's digits apart, so two of a person's own 1s that
the CNN reads as 7 can lie far apart in it (5 corrections fixed 2 of 9 held-out errors of the
benchmark's style). So, before that blend, the examples also count by *shape*: the 28x28
input blurred (Gaussian, SHAPE_BLUR pixels) and averaged over 4x4 blocks to 7x7
(``shape_of``), unit length, where a person's variants of one way of writing lie close
together:

- each example k at distance s_k in that space weighs v_k = exp(-(s_k / SHAPE_WIDTH)^2);
- a digit's shape evidence e_c is the sum of its two heaviest v_k (SHAPE_NEAREST): one close
  example counts, a second makes it surer, but a growing pile of examples does not pull every
  drawing near it ever harder (summing them all, in a first try with 14x14 shapes: 20 MNIST
  digits lost at 10 corrections of the benchmark's style, 4 at 5);
- the probabilities become p_c * exp(SHAPE_STRENGTH * e_c), normalized: evidence 1 (the same
  shape) multiplies a digit's odds by e^6, about 400.

The shape constants were chosen by simulating the benchmark's person (benchmarks/personal.py)
on other style groups (``python -m benchmarks.personal_sim``: k-means seeds 1-10; the
benchmark's own seed 14 kept out) against MNIST's test set: with 5
corrections per digit, the style's held-out error fell to 0.60 of the CNN's on average (0.89
with the features alone), and MNIST lost 2.1 digits of 10,000 on average (at most 6; at 10
corrections 4.2, at most 9). A wider kernel, a stronger pull or more blur fix more of the
style and cost more MNIST digits (width 0.27 and strength 7: 0.56 of the error, 4.1 lost at
5 corrections, 7.9 at 10); 14x14 shapes (blur 2) did about as well (0.57; 2.5 lost) for 2.5
times the time, which the page's Python pays on every recognition.

The feature constants were chosen by simulating corrections of the pen digits the shipped
model gets wrong most (held-out UCI pen trajectories, clustered by shape) against MNIST's test
set: a wider kernel or a smaller EVIDENCE_HALF fixes the style with fewer corrections but
pulls MNIST digits towards the corrected labels (width 0.3: MNIST 99.32% -> 98.71% after 5
corrections per digit; 0.2: 99.31%). benchmarks/personal.py measures the result through the
page.

Pure standard library (the page has no NumPy): ``math.dist`` does the distances in C, in one
pass over all of them (faster than ``sum(map(mul, ...))`` or ``math.sumprod`` dot products,
under Pyodide too, where each costs about 5.6 us for features and 2.5 us for shapes). Its
cost is one call per example compared, in each space, so beyond MAX_COMPARED_PER_DIGIT
examples of one digit they are compared as that many prototypes (the means of groups of near
examples, each counting for its members): exact up to that many examples of a digit, and at
most 10 x MAX_COMPARED_PER_DIGIT distances per space per recognition however many are stored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import groupby, repeat
from operator import itemgetter, mul
from typing import NamedTuple

from digits.facts import LABELS, MNIST_SIZE

# Distance (between unit-length feature vectors, 0 to sqrt(2) for ReLU features) at which an
# example's weight has fallen to 1/e.
KERNEL_WIDTH = 0.2
# Total example weight at which the person's examples and the CNN count equally.
EVIDENCE_HALF = 0.25
# Weights below this are taken as nothing: the answer stays the CNN's own, bit for bit.
NEGLIGIBLE_WEIGHT = 1e-4
# The distance beyond which an example's weight is negligible.
CUTOFF_DISTANCE = KERNEL_WIDTH * math.sqrt(-math.log(NEGLIGIBLE_WEIGHT))
# Beyond this many examples of one digit, they are compared as this many prototypes: with
# 1,000 examples stored, 160 distances in each space instead of 1,000. (32, with the shapes,
# cost the page's Python 3.4 ms a recognition under Pyodide, against 5 ms allowed in all.)
MAX_COMPARED_PER_DIGIT = 16

# The shape evidence (see above): blur of the model's input, in its pixels; the distance
# between unit-length shapes at which an example's weight has fallen to 1/e; how many of a
# digit's nearest examples count; and how strongly their evidence pulls, in log-odds.
SHAPE_BLUR = 1.5
SHAPE_BLOCK = 4  # the blurred 28x28 averaged over blocks this wide: 7x7 values
SHAPE_WIDTH = 0.25
SHAPE_NEAREST = 2
SHAPE_STRENGTH = 6.0
# A probability the CNN gives as 0 (float32 underflow) is taken as this, so that evidence can
# still raise it.
SMALLEST_PROBABILITY = 1e-30
SHAPE_CUTOFF = SHAPE_WIDTH * math.sqrt(-math.log(NEGLIGIBLE_WEIGHT))


class ExampleError(ValueError):
    """Examples the page sent that cannot be used (the message says why, in words)."""


def _unit(values: Iterable[float]) -> tuple[float, ...]:
    vector = tuple(float(value) for value in values)
    length = math.hypot(*vector)
    return tuple(value / length for value in vector) if length > 0 else vector


Vector = tuple[float, ...]


def _shape_matrix(side: int, blur: float, block: int) -> tuple[Vector, ...]:
    """The (side / block) x side matrix M for which M X M^T is X blurred and averaged over
    block x block squares: each row a Gaussian of width ``blur`` (normalized over the pixels
    in the field) averaged over ``block`` neighbouring output pixels."""
    rows = []
    for centre in range(side):
        weights = [math.exp(-((centre - pixel) ** 2) / (2 * blur**2)) for pixel in range(side)]
        total = math.fsum(weights)
        rows.append([weight / total for weight in weights])
    return tuple(
        tuple(
            math.fsum(column) / block for column in zip(*rows[first : first + block], strict=True)
        )
        for first in range(0, side, block)
    )


_SHAPE_MATRIX = _shape_matrix(MNIST_SIZE, SHAPE_BLUR, SHAPE_BLOCK)
INPUT_SIZE = MNIST_SIZE * MNIST_SIZE


def shape_of(pixels: Sequence[float]) -> Vector:
    """The model input's shape: blurred by SHAPE_BLUR, averaged to 7x7, unit length.

    Two separable passes over the ink's bounding box only (MNIST's framing leaves a blank
    margin), the first along its shorter side (a 1 is narrow), each output a dot product in C
    (``sum(map(mul, ...))``): at most 245 of 28 values, 0.1-0.2 ms under CPython.
    """
    if len(pixels) != INPUT_SIZE:
        raise ExampleError(f"a model input has {len(pixels)} values, not {INPUT_SIZE}")
    side = len(_SHAPE_MATRIX)
    rows = [pixels[row * MNIST_SIZE : (row + 1) * MNIST_SIZE] for row in range(MNIST_SIZE)]
    inked_rows = [index for index, row in enumerate(rows) if any(row)]
    if not inked_rows:
        return (0.0,) * side**2
    top, bottom = inked_rows[0], inked_rows[-1] + 1
    inked_columns = [any(column) for column in zip(*rows[top:bottom], strict=True)]
    left = inked_columns.index(True)
    right = len(inked_columns) - inked_columns[::-1].index(True)
    lines: Sequence[Sequence[float]] = [row[left:right] for row in rows[top:bottom]]
    transposed = right - left < bottom - top
    if transposed:  # the blur is the same both ways: first along the columns, fewer of them
        lines = list(zip(*lines, strict=True))
        (top, bottom), (left, right) = (left, right), (top, bottom)
    across_weights = [weights[left:right] for weights in _SHAPE_MATRIX]
    across = [[sum(map(mul, weights, line)) for weights in across_weights] for line in lines]
    down_weights = [weights[top:bottom] for weights in _SHAPE_MATRIX]
    columns = list(zip(*across, strict=True))
    values = [sum(map(mul, weights, column)) for weights in down_weights for column in columns]
    if transposed:
        values = [values[column * side + row] for row in range(side) for column in range(side)]
    return _unit(values)


def prototypes(vectors: list[Vector], limit: int) -> list[tuple[Vector, int]]:
    """At most ``limit`` (unit vector, count) pairs standing for ``vectors``.

    Up to ``limit`` vectors, each stands for itself. Beyond, ``limit`` seeds are chosen
    farthest-first (so that an unusual way of writing keeps a prototype of its own instead of
    being averaged into the common one), every vector joins its nearest seed, and each group
    becomes its mean direction, counting for its members. Deterministic: the same examples
    always give the same prototypes.
    """
    if len(vectors) <= limit:
        return [(vector, 1) for vector in vectors]
    seeds = [0]
    nearest = list(map(math.dist, repeat(vectors[0], len(vectors)), vectors))
    while len(seeds) < limit:
        farthest = max(range(len(vectors)), key=nearest.__getitem__)
        seeds.append(farthest)
        distances = map(math.dist, repeat(vectors[farthest], len(vectors)), vectors)
        nearest = list(map(min, nearest, distances))
    groups: list[list[Vector]] = [[] for _ in seeds]
    seed_vectors = [vectors[seed] for seed in seeds]
    for vector in vectors:
        distances = list(map(math.dist, repeat(vector, len(seed_vectors)), seed_vectors))
        groups[min(range(len(distances)), key=distances.__getitem__)].append(vector)
    # A seed chosen twice (identical examples: nothing farther left) keeps no member.
    return [
        (_unit(map(math.fsum, zip(*group, strict=True))), len(group)) for group in groups if group
    ]


def no_influence(examples: int) -> dict[str, object]:
    """What ``Memory.adjust`` says of a drawing no example counted for: ``{"examples",
    "weight", "nearest", "shape_evidence", "shape_digit"}``, that is how many examples are
    held; the feature blend's weight and the digit of the nearest example by features that
    counted (None when none did); the largest digit's shape evidence (0 to SHAPE_NEAREST) and
    that digit (None when no shape was near)."""
    return {
        "examples": examples,
        "weight": 0.0,
        "nearest": None,
        "shape_evidence": 0.0,
        "shape_digit": None,
    }


class Example(NamedTuple):
    """One corrected example as held: its digit, unit features, and shape (None if the page
    sent no input for it: only its features count)."""

    label: int
    features: Vector
    shape: Vector | None


# Each digit's compared entries as parallel lists, for one C-level pass of distances: each
# entry's label, unit vector and how many examples it counts for.
Table = tuple[list[int], list[Vector], list[int]]


class Memory:
    """The person's examples by id; what ``adjust`` compares a drawing with."""

    def __init__(self) -> None:
        self._examples: dict[str, Example] = {}
        # Each digit's prototypes (features, shapes), kept until that digit's examples change
        # (a correction then regroups one digit, not all), and the tables adjust compares
        # with (None: to be remade).
        self._prototypes: dict[tuple[str, int], list[tuple[Vector, int]]] = {}
        self._tables: tuple[Table, Table] | None = None

    def __len__(self) -> int:
        return len(self._examples)

    def counts(self) -> dict[str, int]:
        """How many examples of each label are held, every label listed."""
        counts = dict.fromkeys(LABELS, 0)
        for example in self._examples.values():
            counts[LABELS[example.label]] += 1
        return counts

    def _parse(
        self,
        ids: Sequence[str],
        labels: Sequence[str],
        features: Sequence[float],
        size: int,
        inputs: Sequence[float] = (),
    ) -> dict[str, Example]:
        if size <= 0:
            raise ExampleError("the model gives no features to compare examples with")
        if len(ids) != len(labels) or len(features) != len(ids) * size:
            raise ExampleError(
                f"{len(ids)} examples came with {len(labels)} labels and "
                f"{len(features)} feature values ({size} each expected)"
            )
        if len(inputs) and len(inputs) != len(ids) * INPUT_SIZE:
            raise ExampleError(
                f"{len(ids)} examples came with {len(inputs)} input values "
                f"({INPUT_SIZE} each expected)"
            )
        parsed = {}
        for index, (example_id, label) in enumerate(zip(ids, labels, strict=True)):
            if label not in LABELS:
                raise ExampleError(f"an example is labelled {label!r}, not one of the digits")
            vector = features[index * size : (index + 1) * size]
            pixels = inputs[index * INPUT_SIZE : (index + 1) * INPUT_SIZE] if len(inputs) else None
            parsed[str(example_id)] = Example(
                LABELS.index(label), _unit(vector), None if pixels is None else shape_of(pixels)
            )
        return parsed

    def replace(
        self,
        ids: Sequence[str],
        labels: Sequence[str],
        features: Sequence[float],
        size: int,
        inputs: Sequence[float] = (),
    ) -> None:
        """Hold exactly these examples (all checked before any is taken). ``inputs``: their
        model inputs (784 values each, 0-1) laid end to end, for their shapes; none: only their
        features count."""
        self._examples = self._parse(ids, labels, features, size, inputs)
        self._changed(range(len(LABELS)))

    def add(
        self,
        ids: Sequence[str],
        labels: Sequence[str],
        features: Sequence[float],
        size: int,
        inputs: Sequence[float] = (),
    ) -> None:
        """Hold these examples too (one with an id already held replaces it)."""
        parsed = self._parse(ids, labels, features, size, inputs)
        replaced = [self._examples[key].label for key in parsed if key in self._examples]
        self._examples.update(parsed)
        self._changed([example.label for example in parsed.values()] + replaced)

    def remove(self, ids: Iterable[str]) -> None:
        """Forget these examples; an id not held is ignored (it may be gone already)."""
        removed = [self._examples.pop(str(example_id), None) for example_id in ids]
        self._changed([example.label for example in removed if example is not None])

    def _changed(self, labels: Iterable[int]) -> None:
        """Forget what was worked out from these digits' examples."""
        for label in set(labels):
            self._prototypes.pop(("features", label), None)
            self._prototypes.pop(("shape", label), None)
        self._tables = None

    def _table(self, kind: str) -> Table:
        """What adjust compares with in one space: each digit's examples, or its prototypes."""
        by_label: dict[int, list[Vector]] = {}
        for example in self._examples.values():
            vector = example.features if kind == "features" else example.shape
            if vector is not None:
                by_label.setdefault(example.label, []).append(vector)
        labels, vectors, counts = [], [], []
        for label, members in sorted(by_label.items()):
            key = (kind, label)
            if key not in self._prototypes:
                self._prototypes[key] = prototypes(members, MAX_COMPARED_PER_DIGIT)
            for vector, count in self._prototypes[key]:
                labels.append(label)
                vectors.append(vector)
                counts.append(count)
        return labels, vectors, counts

    def _shape_evidence(self, table: Table, shape: Vector) -> list[float]:
        """Each digit's shape evidence for this shape: the sum of the weights of its
        SHAPE_NEAREST nearest examples (a prototype standing for as many of its examples)."""
        labels, vectors, counts = table
        distances = map(math.dist, repeat(shape, len(vectors)), vectors)
        evidence = [0.0] * len(LABELS)
        # The table holds each digit's entries together, in label order.
        entries = zip(labels, distances, counts, strict=True)
        for label, group in groupby(entries, key=itemgetter(0)):
            left = SHAPE_NEAREST
            for _, distance, count in sorted(group, key=itemgetter(1))[:SHAPE_NEAREST]:
                if left == 0 or distance >= SHAPE_CUTOFF:
                    break
                taken = min(count, left)
                evidence[label] += taken * math.exp(-((distance / SHAPE_WIDTH) ** 2))
                left -= taken
        return evidence

    def adjust(
        self,
        probabilities: Sequence[float],
        features: Sequence[float],
        shape: Vector | None = None,
    ) -> tuple[list[float], dict[str, object]]:
        """The probabilities after the person's examples have had their say, and how much.

        ``shape`` (``shape_of`` the 784 values the model saw) lets the examples count by shape
        too; without it only by features. Returns ``(probabilities, info)``; info is
        ``no_influence``'s dict, filled in. Where no example is near in either space, the
        CNN's answer is returned bit for bit.
        """
        model_probabilities = [float(value) for value in probabilities]
        info = no_influence(len(self))
        if not self._examples:
            return model_probabilities, info
        if self._tables is None:
            self._tables = (self._table("features"), self._table("shape"))
        feature_table, shape_table = self._tables
        adjusted = model_probabilities
        if shape is not None and shape_table[0]:
            evidence = self._shape_evidence(shape_table, shape)
            strongest = max(range(len(evidence)), key=evidence.__getitem__)
            if evidence[strongest] > 0:
                info["shape_evidence"] = evidence[strongest]
                info["shape_digit"] = LABELS[strongest]
                odds = [
                    max(model, SMALLEST_PROBABILITY) * math.exp(SHAPE_STRENGTH * count)
                    for model, count in zip(adjusted, evidence, strict=True)
                ]
                total = math.fsum(odds)
                adjusted = [value / total for value in odds]
        labels, vectors, counts = feature_table
        query = _unit(features)
        # All distances in one pass of C code (a Python loop over them costs 2-3 times more);
        # only the few examples within reach get a weight.
        distances = list(map(math.dist, repeat(query, len(vectors)), vectors))
        evidence = [0.0] * len(LABELS)
        nearest, nearest_distance = None, math.inf
        for index, distance in enumerate(distances):
            if distance >= CUTOFF_DISTANCE:
                continue
            weight = math.exp(-((distance / KERNEL_WIDTH) ** 2))
            evidence[labels[index]] += counts[index] * weight
            if distance < nearest_distance:
                nearest, nearest_distance = labels[index], distance
        total = sum(evidence)
        if total == 0:
            return adjusted, info
        blend = total / (total + EVIDENCE_HALF)
        adjusted = [
            (1 - blend) * model + blend * personal / total
            for model, personal in zip(adjusted, evidence, strict=True)
        ]
        info["weight"] = blend
        info["nearest"] = LABELS[nearest]
        return adjusted, info
