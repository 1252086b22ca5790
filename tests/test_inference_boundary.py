"""The page's probabilities are the model's, exactly: nothing is lost crossing Python and JS.

The page's Python writes the model input into the worker's own Float32Array and reads the
model's Float32Array answer back as float32 (digits.recognizer._infer, the fast path of
site/js/worker-common.js's `run`). This checks that path end to end against TF.js called
directly: digits drawn as on the pad go through the page's real worker (Pyodide + TF.js), and
the 784 floats it says the model saw are given to the same model loaded by
site/js/worker-common.js in the page and run from JavaScript (`run(values)`, the baseline
page's call). The ten probabilities must be identical, float for float, and the digit the
same; under CPython the same function hands a Python model the floats as they are.
"""

from __future__ import annotations

import pytest
from digits.facts import LABELS
from playwright.sync_api import Page

from harness.recognizer import recognize_images, start_recognizer, stop_recognizer
from tests import photos

SIDE = 280
# The model as the page loads it, run from JavaScript on given inputs (in the page's window).
RUN_DIRECTLY = """async (inputs) => {
    const url = new URL('js/worker-common.js', document.baseURI).href;
    const { loadModel } = await import(url);
    const { run } = await loadModel();
    return inputs.map((values) => Array.from(run(new Float32Array(values))));
}"""


def drawing(shape: str, pen: float) -> tuple[bytes, int, int]:
    """A digit as the pad holds it: black ink on transparency."""
    cover = photos.coverage(shape, SIDE, SIDE, (30.0, 30.0, 220.0), pen)
    return photos.on_transparency(cover), SIDE, SIDE


@pytest.mark.browser
def test_the_pages_probabilities_are_the_models_exactly(page: Page) -> None:
    page.goto("/")
    start_recognizer(page)
    shapes = [("2", 20), ("5-bar", 14), ("7-crossbar", 24), ("8", 18)]
    answers = recognize_images(page, [drawing(shape, pen) for shape, pen in shapes])
    stop_recognizer(page)
    results = []
    for answer in answers:
        assert answer["ok"], answer.get("error")
        assert answer["result"]["status"] == "ok"
        results.append(answer["result"])
    direct = page.evaluate(RUN_DIRECTLY, [result["input"] for result in results])
    for result, expected in zip(results, direct, strict=True):
        assert result["probabilities"] == expected  # exactly, not approximately
        assert result["digit"] == LABELS[expected.index(max(expected))]
    # Different drawings, different answers: the comparison is not of one constant output.
    assert len({tuple(result["probabilities"]) for result in results}) == len(results)


# The same model's features: of each input alone (after `run`, as a recognition leaves them)
# and of all of them in one batched call (as a stored example gets them).
FEATURES_BOTH_WAYS = """async (inputs) => {
    const url = new URL('js/worker-common.js', document.baseURI).href;
    const { loadModel } = await import(url);
    const { run } = await loadModel();
    const alone = inputs.map((values) => {
        run(new Float32Array(values));
        return Array.from(run.features);
    });
    const batched = Array.from(run.featuresOf(new Float32Array(inputs.flat()), inputs.length));
    return { alone, batched, size: run.features.length };
}"""


@pytest.mark.browser
def test_an_examples_features_match_those_of_the_same_drawing_recognized(page: Page) -> None:
    """A corrected example (features from the batched call) and the same drawing drawn again
    (features left by the recognition's run) must be the same point for digits.personal."""
    page.goto("/")
    start_recognizer(page)
    shapes = [("1", 16), ("4", 20), ("9", 18)]
    answers = recognize_images(page, [drawing(shape, pen) for shape, pen in shapes])
    stop_recognizer(page)
    inputs = [answer["result"]["input"] for answer in answers]
    got = page.evaluate(FEATURES_BOTH_WAYS, inputs)
    size = got["size"]
    assert size == 128
    for index, alone in enumerate(got["alone"]):
        batched = got["batched"][index * size : (index + 1) * size]
        assert batched == pytest.approx(alone, abs=1e-5)
        assert max(alone) > 0  # ReLU features of a real digit: not all zero
    assert got["alone"][0] != got["alone"][1]


# A number through the page's worker in number mode: the client is the harness's (started by
# start_recognizer), the message the page's own (protocol.js: mode, strokes).
RECOGNIZE_NUMBER = """async ({ pixels, width, height, strokes }) => {
    const data = Uint8ClampedArray.from(atob(pixels), (char) => char.charCodeAt(0));
    const image = new ImageData(data, width, height);
    return await globalThis.harnessRecognizer.recognize(image, { mode: 'number', strokes });
}"""


@pytest.mark.browser
@pytest.mark.parametrize("path", ["strokes", "pixels"])
def test_a_numbers_digits_get_the_models_own_probabilities_from_one_batched_call(
    page: Page, path: str
) -> None:
    """Every candidate digit goes to TF.js in one batched call (run.batch, the inputs read in
    place from Python's array): each digit's probabilities are the model's for its input
    run alone, to float32 rounding of the batched convolution."""
    import base64

    from tests.test_segment import Number

    number = Number(["2", "0", "4", "7"])
    strokes = (
        [[value for point in stroke for value in point] for stroke in number.strokes]
        if path == "strokes"
        else None
    )
    page.goto("/")
    start_recognizer(page)
    result = page.evaluate(
        RECOGNIZE_NUMBER,
        {
            "pixels": base64.b64encode(number.rgba()).decode(),
            "width": number.width,
            "height": number.height,
            "strokes": strokes,
        },
    )
    stop_recognizer(page)
    assert result["status"] == "ok", result
    assert result["timings"]["model_calls"] == 1
    assert len(result["number"]) == 4
    direct = page.evaluate(RUN_DIRECTLY, [digit["input"] for digit in result["digits"]])
    for digit, expected in zip(result["digits"], direct, strict=True):
        assert digit["probabilities"] == pytest.approx(expected, abs=1e-6)
        assert digit["digit"] == LABELS[expected.index(max(expected))]
    assert result["number"] == "".join(digit["digit"] for digit in result["digits"])


# Each input run in batches of every size up to len(inputs), at every place in the batch,
# beside the others: its probabilities and features in each, and alone (run.batch of one).
IN_EVERY_BATCH = """async (inputs) => {
    const url = new URL('js/worker-common.js', document.baseURI).href;
    const { loadModel } = await import(url);
    const { run } = await loadModel();
    const size = inputs[0].length;
    const seen = inputs.map(() => []);
    for (let count = 1; count <= inputs.length; count++) {
        for (let first = 0; first < inputs.length; first++) {
            const members = Array.from({ length: count }, (_, k) => (first + k) % inputs.length);
            const batch = new Float32Array(count * size);
            members.forEach((member, place) => batch.set(inputs[member], place * size));
            const probabilities = run.batch(batch, count);
            const features = run.batchFeatures;
            const part = (values, place) => {
                const length = values.length / count;
                return Array.from(values.slice(place * length, (place + 1) * length));
            };
            members.forEach((member, place) => seen[member].push({
                count,
                place,
                probabilities: part(probabilities, place),
                features: part(features, place),
            }));
        }
    }
    return seen;
}"""


@pytest.mark.browser
def test_a_digits_answer_does_not_depend_on_the_batch_it_is_in(page: Page) -> None:
    """digits.recognizer keeps the model's answer per crop of a number and reuses it when the
    next recognition batches that crop with other digits: that is right only if TF.js gives an
    input the same probabilities and features whatever else is in its batch and wherever."""
    page.goto("/")
    start_recognizer(page)
    shapes = [("3", 16), ("5-bar", 20), ("7-crossbar", 18), ("0", 22), ("6", 14)]
    answers = recognize_images(page, [drawing(shape, pen) for shape, pen in shapes])
    stop_recognizer(page)
    inputs = [answer["result"]["input"] for answer in answers]
    seen = page.evaluate(IN_EVERY_BATCH, inputs)
    for runs in seen:
        alone = next(run for run in runs if run["count"] == 1)
        assert len(runs) == sum(range(1, len(inputs) + 1))  # in c of the batches of c
        for run in runs:
            assert run["probabilities"] == pytest.approx(alone["probabilities"], abs=1e-6), run
            assert run["features"] == pytest.approx(alone["features"], rel=1e-5, abs=1e-5), run
    assert len({tuple(runs[0]["probabilities"]) for runs in seen}) == len(inputs)
