"""Step 7 of the photo path: the digit's pieces, without specks, with their faint edges.

Pixels above a low threshold form connected components (8-connected, found as runs per row
with union-find: ``Runs``); a component is kept if it holds strong pixels at least
``SPECK_FRACTION`` of the largest's, and the largest must be large enough for the image
(``digit_pieces``): a 5's separate bar or a 7's crossbar stay; dust, JPEG ringing and paper
fibres go, and too small a digit is nothing. The kept pieces then get back the faint ink
connected to them, within their box (``with_fringes``). Steps 5 and 6 find the pieces that
touch the photo's edge (``touches_edge``) and clear them (``clear``) with the same runs,
unless the photo is a digit cropped tight (``cropped_tight``).
"""

from __future__ import annotations

from collections.abc import Iterable

# One run of a component: (row, start, end), end exclusive.
Run = tuple[int, int, int]
# A component (a piece of the digit, or a speck): its runs, in row order.
Piece = list[Run]

# A component with fewer strong pixels than this fraction of the largest's is a speck.
SPECK_FRACTION = 0.05
# The largest component's longer side must span at least this fraction of the image's
# longer side (a 640 px photo: 16 px) and this many analysis pixels: else it is dust.
MIN_DIGIT_FRACTION = 1 / 40
MIN_DIGIT_PIXELS = 3
# Around the digit's clearly inked pixels, this much more of its box (or these many pixels)
# still counts as the digit's faint edge (see with_fringes).
FRINGE_MARGIN = 0.15
FRINGE_MARGIN_PIXELS = 2
# A digit cropped tight touches the photo's border along at most this fraction of it...
TIGHT_MAX_CONTACT = 0.25
# ...and whatever could be a digit on its own (this fraction of the image's longer side, or
# more) lies within this fraction of it of its box (see cropped_tight).
TIGHT_DUST = 0.05
TIGHT_NEAR = 0.1
# 1 for every non-zero level.
_NONZERO = bytes([0] + [1] * 255)


class Runs:
    """8-connected components of the non-zero pixels, as runs per row with union-find."""

    def __init__(self, mask: bytes, width: int, height: int) -> None:
        # The runs are found with bytes.find on the mask made 0/1 (memchr: C scanning a word
        # at a time, where a regular expression would step byte by byte), cut at row ends;
        # per run, only the runs above that it touches are looked at.
        del height  # the mask's length gives it
        self.runs = runs = []
        self.parent = parent = []
        previous: list[tuple[int, int, int]] = []  # (start, end, run index) of the row above
        current: list[tuple[int, int, int]] = []
        row = -2
        pointer = 0
        binary = mask.translate(_NONZERO)
        start = binary.find(1)
        while start >= 0:
            y, left = divmod(start, width)
            row_start = y * width
            end = binary.find(0, start, row_start + width)
            if end < 0:
                end = row_start + width
            right = end - row_start
            start = binary.find(1, end)
            if y != row:
                previous = current if y == row + 1 else []
                current = []
                row = y
                pointer = 0
            index = root = len(runs)
            runs.append((y, left, right))
            parent.append(index)
            # Runs above that touch [left - 1, right] (diagonals included): joined, the
            # smaller root index the root (union-find inlined: calls cost in Pyodide).
            while pointer < len(previous) and previous[pointer][1] < left:
                pointer += 1
            scan = pointer
            while scan < len(previous) and previous[scan][0] <= right:
                other = previous[scan][2]
                while parent[other] != other:
                    parent[other] = other = parent[parent[other]]
                if other < root:
                    parent[root] = other
                    root = other
                elif other > root:
                    parent[other] = root
                scan += 1
            current.append((left, right, index))

    def find(self, index: int) -> int:
        """The component (its root run's index) that run `index` belongs to."""
        parent = self.parent
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def components(self) -> dict[int, Piece]:
        """Each component's runs, keyed by its root run's index."""
        groups: dict[int, Piece] = {}
        for index, run in enumerate(self.runs):
            groups.setdefault(self.find(index), []).append(run)
        return groups


def piece_box(runs: Iterable[Run]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the runs, right and bottom exclusive."""
    runs = list(runs)
    return (
        min(start for _, start, _ in runs),
        min(y for y, _, _ in runs),
        max(end for _, _, end in runs),
        max(y for y, _, _ in runs) + 1,
    )


def touches_edge(runs: Piece, width: int, height: int) -> bool:
    """Whether any of the runs lies on the photo's border."""
    return any(y in (0, height - 1) or start == 0 or end == width for y, start, end in runs)


def clear(raw: bytes, width: int, groups: list[Piece]) -> bytes:
    """`raw` with the pixels of the runs of `groups` set to 0."""
    cleared = bytearray(raw)
    for runs in groups:
        for y, start, end in runs:
            cleared[y * width + start : y * width + end] = bytes(end - start)
    return bytes(cleared)


def strong_sizes(components: dict[int, Piece], strength: bytes, width: int) -> dict[int, int]:
    """How many strong pixels (1 in `strength`) each component holds."""
    return {
        root: sum(strength.count(1, y * width + s, y * width + e) for y, s, e in runs)
        for root, runs in components.items()
    }


def digit_pieces(
    components: dict[int, Piece], sizes: dict[int, int], longer: int
) -> list[Piece] | None:
    """The components that are the digit: all but specks (fewer clearly inked pixels, `sizes`,
    than SPECK_FRACTION of the largest's). None when there is no ink, or when the main stroke
    is too small on its own (dust is not a digit, and neither is a scatter of it, which would
    span the page): under MIN_DIGIT_PIXELS, or MIN_DIGIT_FRACTION of the image's `longer` side."""
    largest = max(sizes.values(), default=0)
    if largest == 0:
        return None
    main_runs = components[max(sizes, key=sizes.__getitem__)]
    main_extent = max(
        main_runs[-1][0] - main_runs[0][0] + 1,  # runs are in row order
        max(end for _, _, end in main_runs) - min(start for _, start, _ in main_runs),
    )
    if main_extent < max(MIN_DIGIT_PIXELS, MIN_DIGIT_FRACTION * longer):
        return None
    return [
        runs for root, runs in components.items() if sizes[root] >= max(1, SPECK_FRACTION * largest)
    ]


def with_fringes(ink: bytes, width: int, height: int, chosen: list[Piece]) -> bytes:
    """The ink of the chosen (clearly inked) components with their faint anti-aliased edges.

    The components were found among the clearly inked pixels; the ink around them that is
    connected to them is theirs too, within their bounding box (a faint ruling line that
    runs through a digit is cut at the digit's box).
    """
    rows = [y for runs in chosen for y, _, _ in runs]
    left = min(start for runs in chosen for _, start, _ in runs)
    right = max(end for runs in chosen for _, _, end in runs)
    top, bottom = min(rows), max(rows) + 1
    # Thin strokes break up among the clear pixels, and a piece set aside as a speck may be a
    # stroke's end: the box gets a margin.
    margin = max(FRINGE_MARGIN_PIXELS, int(FRINGE_MARGIN * max(right - left, bottom - top)))
    left, right = max(0, left - margin), min(width, right + margin)
    top, bottom = max(0, top - margin), min(height, bottom + margin)
    ink_components = Runs(ink, width, height)
    # Each chosen run lies inside exactly one run of the (wider) ink mask.
    ink_rows: dict[int, list[tuple[int, int, int]]] = {}
    for index, (y, start, end) in enumerate(ink_components.runs):
        ink_rows.setdefault(y, []).append((start, end, index))
    wanted = set()
    for runs in chosen:
        y, start, _ = runs[0]
        for ink_start, ink_end, index in ink_rows.get(y, ()):
            if ink_start <= start < ink_end:
                wanted.add(ink_components.find(index))
                break
    kept = bytearray(width * height)
    for index, (y, start, end) in enumerate(ink_components.runs):
        if not top <= y < bottom or ink_components.find(index) not in wanted:
            continue
        start, end = max(start, left), min(end, right)
        if start < end:
            offset = y * width
            kept[offset + start : offset + end] = ink[offset + start : offset + end]
    return bytes(kept)


def cropped_tight(inside: list[Piece], outside: list[Piece], width: int, height: int) -> bool:
    """Whether the largest piece touching the photo's edge is the digit itself, cropped tight.

    A digit cropped to its own box touches the photo's edge where its strokes cross it,
    a short stretch of the border (at most TIGHT_MAX_CONTACT of it); the table or a shadow
    lies along it, or all around (a frame). And nothing else there could be a digit on its
    own: what lies further than TIGHT_NEAR from that piece's box is dust, under TIGHT_DUST
    of the image across (a small digit beside a shadow's band is the digit, the band is
    not; a 5's bar or a stroke's broken-off end lies within the box, and is the digit's).
    """
    if not outside:
        return False
    main = max(outside, key=lambda runs: sum(end - start for _, start, end in runs))
    contact = sum(
        (end - start) if y in (0, height - 1) else (start == 0) + (end == width)
        for y, start, end in main
    )
    if contact > TIGHT_MAX_CONTACT * 2 * (width + height):
        return False
    longer = max(width, height)
    near = TIGHT_NEAR * longer
    left, top, right, bottom = piece_box(main)
    dust = max(MIN_DIGIT_PIXELS, TIGHT_DUST * longer)
    for runs in inside:
        piece_left, piece_top, piece_right, piece_bottom = piece_box(runs)
        if max(piece_right - piece_left, piece_bottom - piece_top) < dust:
            continue
        if (
            piece_left < left - near
            or piece_right > right + near
            or piece_top < top - near
            or piece_bottom > bottom + near
        ):
            return False
    return True
