"""A person's own handwriting, learned on the device from their corrections.

When someone says "that was a 7", the page keeps the 28x28 input the model saw, with its
label, on their device (site/js/handwriting-store.js), and the worker hands this module the
model's *features* of it: the 128 values the CNN's last layer reads (export/tfjs.py exports
them as a second output). A drawing is then compared with those examples in that space, and
the examples near it pull the answer towards their labels:

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
digits alone: their features are far from every example, and their weights vanish. The two
constants were chosen by simulating corrections of the pen digits the shipped model gets
wrong most (held-out UCI pen trajectories, clustered by shape) against MNIST's test set: a
wider kernel or a smaller EVIDENCE_HALF fixes the style with fewer corrections but pulls
MNIST digits towards the corrected labels (width 0.3: MNIST 99.32% -> 98.71% after 5
corrections per digit; 0.2: 99.31%). benchmarks/personal.py measures the result through the
page.

Pure standard library (the page has no NumPy): ``math.dist`` does the distances in C, in one
pass over all of them. Its cost is one call per example compared, so beyond
MAX_COMPARED_PER_DIGIT examples of one digit they are compared as that many prototypes (the
means of groups of near examples, each counting for its members): exact up to that many
examples of a digit, and at most 10 x MAX_COMPARED_PER_DIGIT distances per recognition
however many are stored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import repeat

from digits.facts import LABELS

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
# 1,000 examples stored, 320 distances instead of 1,000 (about a third of the time).
MAX_COMPARED_PER_DIGIT = 32


class ExampleError(ValueError):
    """Examples the page sent that cannot be used (the message says why, in words)."""


def _unit(values: Iterable[float]) -> tuple[float, ...]:
    vector = tuple(float(value) for value in values)
    length = math.hypot(*vector)
    return tuple(value / length for value in vector) if length > 0 else vector


Vector = tuple[float, ...]


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
    return [(_unit(map(math.fsum, zip(*group, strict=True))), len(group)) for group in groups]


class Memory:
    """The person's examples as (label, unit features), by id; what ``adjust`` compares with."""

    def __init__(self) -> None:
        self._examples: dict[str, tuple[int, Vector]] = {}
        # Each digit's prototypes, kept until that digit's examples change (a correction then
        # regroups one digit, not all), and what adjust compares with, as parallel lists for
        # its one C-level pass: each entry's label, unit vector and how many examples it
        # counts for (None: to be remade).
        self._prototypes: dict[int, list[tuple[Vector, int]]] = {}
        self._table: tuple[list[int], list[Vector], list[int]] | None = None

    def __len__(self) -> int:
        return len(self._examples)

    def counts(self) -> dict[str, int]:
        """How many examples of each label are held, every label listed."""
        counts = dict.fromkeys(LABELS, 0)
        for label, _ in self._examples.values():
            counts[LABELS[label]] += 1
        return counts

    def _parse(
        self, ids: Sequence[str], labels: Sequence[str], features: Sequence[float], size: int
    ) -> dict[str, tuple[int, tuple[float, ...]]]:
        if size <= 0:
            raise ExampleError("the model gives no features to compare examples with")
        if len(ids) != len(labels) or len(features) != len(ids) * size:
            raise ExampleError(
                f"{len(ids)} examples came with {len(labels)} labels and "
                f"{len(features)} feature values ({size} each expected)"
            )
        parsed = {}
        for index, (example_id, label) in enumerate(zip(ids, labels, strict=True)):
            if label not in LABELS:
                raise ExampleError(f"an example is labelled {label!r}, not one of the digits")
            vector = features[index * size : (index + 1) * size]
            parsed[str(example_id)] = (LABELS.index(label), _unit(vector))
        return parsed

    def replace(
        self, ids: Sequence[str], labels: Sequence[str], features: Sequence[float], size: int
    ) -> None:
        """Hold exactly these examples (all checked before any is taken)."""
        self._examples = self._parse(ids, labels, features, size)
        self._changed(range(len(LABELS)))

    def add(
        self, ids: Sequence[str], labels: Sequence[str], features: Sequence[float], size: int
    ) -> None:
        """Hold these examples too (one with an id already held replaces it)."""
        parsed = self._parse(ids, labels, features, size)
        replaced = [self._examples[key][0] for key in parsed if key in self._examples]
        self._examples.update(parsed)
        self._changed([label for label, _ in parsed.values()] + replaced)

    def remove(self, ids: Iterable[str]) -> None:
        """Forget these examples; an id not held is ignored (it may be gone already)."""
        removed = [self._examples.pop(str(example_id), None) for example_id in ids]
        self._changed([example[0] for example in removed if example is not None])

    def _changed(self, labels: Iterable[int]) -> None:
        """Forget what was worked out from these digits' examples."""
        for label in set(labels):
            self._prototypes.pop(label, None)
        self._table = None

    def _compared(self) -> tuple[list[int], list[Vector], list[int]]:
        """The table adjust compares with: each digit's examples, or its prototypes."""
        by_label: dict[int, list[Vector]] = {}
        for label, vector in self._examples.values():
            by_label.setdefault(label, []).append(vector)
        labels, vectors, counts = [], [], []
        for label, members in sorted(by_label.items()):
            if label not in self._prototypes:
                self._prototypes[label] = prototypes(members, MAX_COMPARED_PER_DIGIT)
            for vector, count in self._prototypes[label]:
                labels.append(label)
                vectors.append(vector)
                counts.append(count)
        return labels, vectors, counts

    def adjust(
        self, probabilities: Sequence[float], features: Sequence[float]
    ) -> tuple[list[float], dict[str, object]]:
        """The probabilities after the person's examples have had their say, and how much.

        Returns ``(probabilities, info)``; info is ``{"examples", "weight", "nearest"}``:
        how many examples are held, the blend's weight (0: the CNN's answer alone), and the
        label of the nearest example that counted (None when none did).
        """
        model_probabilities = [float(value) for value in probabilities]
        info: dict[str, object] = {"examples": len(self), "weight": 0.0, "nearest": None}
        if not self._examples:
            return model_probabilities, info
        if self._table is None:
            self._table = self._compared()
        labels, vectors, counts = self._table
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
            return model_probabilities, info
        blend = total / (total + EVIDENCE_HALF)
        adjusted = [
            (1 - blend) * model + blend * personal / total
            for model, personal in zip(model_probabilities, evidence, strict=True)
        ]
        info["weight"] = blend
        info["nearest"] = LABELS[nearest]
        return adjusted, info
