// The drawing pad: pointer events (mouse, touch, pen) onto a canvas, black ink on a
// transparent background. The page's Python reads the canvas pixels as they are, so what
// the user sees is exactly what is recognized.
//
// The drawing is kept as a list of items (strokes in coordinates relative to the pad, or an
// image), not only as pixels: undo removes the last item, and when the pad changes size (a
// phone rotated, a window resized) everything is drawn again, crisp, at the new size.
//
// However long the drawing, the work per pen move stays the same: each move draws its own
// segments and widens the ink's running bounds (nothing walks all the points). Undo repaints
// a kept copy of all but the last few items, then draws only those few.

const PEN_WIDTH_FRACTION = 1 / 14; // of the canvas side: 20 px on a 280 px pad
const MAX_PIXEL_RATIO = 2; // more only costs preprocessing time, the model sees 28x28
const MIN_SIDE = 28;
// The backing store's largest side (a phone's full-width pad at 2x would be 860): py/digits and
// the README promise at most 640x640 pixels from the pad.
const MAX_SIDE = 640;
// Ink that spans less than this many pen widths is a tap, a dot: no digit to recognize.
const DOT_EXTENT_IN_PEN_WIDTHS = 0.75;
const INK_COLOR = '#000000';
// A pen that reports pressure draws thinner when light, bolder when firm; 0.5 (the value
// mice and fingers report while pressed) gives the standard width.
const MIN_PRESSURE_SCALE = 0.4;
const MAX_PRESSURE_SCALE = 1.6;
// Undo draws at most this many items afresh (twice as many just before the kept copy of the
// items before them catches up); stepping back past the copy redraws it once for the next
// UNDO_DEPTH undos.
const UNDO_DEPTH = 32;
const NO_BOUNDS = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };

function widened(bounds, { x, y }) {
  return {
    minX: Math.min(bounds.minX, x),
    maxX: Math.max(bounds.maxX, x),
    minY: Math.min(bounds.minY, y),
    maxY: Math.max(bounds.maxY, y),
  };
}

function union(a, b) {
  return widened(widened(a, { x: b.minX, y: b.minY }), { x: b.maxX, y: b.maxY });
}

function pressureScale(event) {
  if (event.pointerType !== 'pen' || !(event.pressure > 0)) return 1;
  const scale = MIN_PRESSURE_SCALE + (MAX_PRESSURE_SCALE - MIN_PRESSURE_SCALE) * event.pressure;
  return Math.min(MAX_PRESSURE_SCALE, Math.max(MIN_PRESSURE_SCALE, scale));
}

export class Pad {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{onInk?: () => void, onStrokeEnd?: () => void}} callbacks: onInk after every
   *   change to the pixels while drawing, onStrokeEnd when the pen lifts
   */
  constructor(canvas, { onInk, onStrokeEnd } = {}) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d', { willReadFrequently: true });
    this.onInk = onInk ?? (() => {});
    this.onStrokeEnd = onStrokeEnd ?? (() => {});
    this.activePointer = null;
    // {kind: 'stroke', points: [{x, y, scale}], bounds} | {kind: 'image', image}; an image
    // is only ever the first item (setImage replaces the drawing with it).
    this.items = [];
    this.inkBounds = NO_BOUNDS; // of every stroke's points, kept as they come
    // The first `count` items, ready drawn at the pad's size: what undo repaints from.
    this.kept = { canvas: document.createElement('canvas'), count: 0 };
    this.resizeBackingStore();
    canvas.addEventListener('pointerdown', (event) => this.start(event));
    canvas.addEventListener('pointermove', (event) => this.move(event));
    canvas.addEventListener('pointerup', (event) => this.end(event));
    canvas.addEventListener('pointercancel', (event) => this.end(event));
    // Belt and braces with CSS touch-action: none, for browsers that scroll anyway.
    canvas.addEventListener('touchstart', (event) => event.preventDefault(), { passive: false });
    canvas.addEventListener('touchmove', (event) => event.preventDefault(), { passive: false });
    new ResizeObserver(() => {
      if (this.resizeBackingStore()) this.redraw();
    }).observe(canvas);
  }

  /**
   * Match the canvas's pixel buffer to its displayed size (crisp on high-DPI screens). A
   * square pad (one digit) stays square; a wide one (number mode's strip) keeps its shape,
   * its longer side at most MAX_SIDE.
   */
  resizeBackingStore() {
    const rect = this.canvas.getBoundingClientRect();
    if (!rect.width || !rect.height) return false; // hidden: keep the current buffer
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
    let width;
    let height;
    if (Math.abs(rect.width - rect.height) < 1) {
      width = Math.min(
        MAX_SIDE,
        Math.max(MIN_SIDE, Math.round(Math.min(rect.width, rect.height) * ratio)),
      );
      height = width;
    } else {
      const scale = Math.min(ratio, MAX_SIDE / Math.max(rect.width, rect.height));
      width = Math.max(MIN_SIDE, Math.round(rect.width * scale));
      height = Math.max(MIN_SIDE, Math.round(rect.height * scale));
    }
    if (this.canvas.width === width && this.canvas.height === height) return false;
    this.canvas.width = width;
    this.canvas.height = height;
    return true;
  }

  /** Width over height of the pad: 1 for one digit, more for number mode's strip. */
  get aspect() {
    return this.canvas.width / this.canvas.height;
  }

  get drawing() {
    return this.activePointer !== null;
  }

  get hasInk() {
    return this.items.length > 0;
  }

  /** Only pen taps: strokes that never moved more than a fraction of the pen's width. */
  get onlyDots() {
    if (!this.items.length || this.items[0].kind === 'image') return false;
    const { minX, maxX, minY, maxY } = this.inkBounds;
    const extent = Math.max((maxX - minX) * this.canvas.width, (maxY - minY) * this.canvas.height);
    return extent < this.penWidth(1) * DOT_EXTENT_IN_PEN_WIDTHS;
  }

  /** The only thing on the pad is an image (nothing drawn over it). */
  get image() {
    return this.items.length === 1 && this.items[0].kind === 'image' ? this.items[0].image : null;
  }

  pointFromEvent(event) {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: (event.clientX - rect.left) / rect.width,
      y: (event.clientY - rect.top) / rect.height,
      scale: pressureScale(event),
    };
  }

  start(event) {
    if (this.activePointer !== null || (event.pointerType === 'mouse' && event.button !== 0)) {
      return;
    }
    event.preventDefault();
    this.activePointer = event.pointerId;
    try {
      this.canvas.setPointerCapture(event.pointerId); // keep the stroke when it leaves the pad
    } catch {
      // A pointer the browser no longer tracks (e.g. a synthetic one): draw all the same.
    }
    const stroke = this.newStroke([this.pointFromEvent(event)]);
    this.items.push(stroke);
    this.drawStroke(this.context, stroke);
    this.onInk();
  }

  newStroke(points) {
    const stroke = { kind: 'stroke', points, bounds: NO_BOUNDS };
    for (const point of points) stroke.bounds = widened(stroke.bounds, point);
    this.inkBounds = union(this.inkBounds, stroke.bounds);
    return stroke;
  }

  addPoint(stroke, point) {
    this.drawSegment(this.context, stroke.points[stroke.points.length - 1], point);
    stroke.points.push(point);
    stroke.bounds = widened(stroke.bounds, point);
    this.inkBounds = widened(this.inkBounds, point);
  }

  move(event) {
    if (event.pointerId !== this.activePointer) return;
    event.preventDefault();
    const stroke = this.items[this.items.length - 1];
    // Coalesced events keep fast strokes smooth: the browser batches them per frame.
    const events = event.getCoalescedEvents?.() ?? [];
    for (const each of events.length ? events : [event]) {
      this.addPoint(stroke, this.pointFromEvent(each));
    }
    this.onInk();
  }

  end(event) {
    if (event.pointerId !== this.activePointer) return;
    this.activePointer = null;
    this.keepUpWithUndo();
    this.onStrokeEnd();
  }

  /** Draw strokes given in pad coordinates (0..1), e.g. an example digit; one undo each. */
  addStrokes(strokes) {
    for (const points of strokes) {
      const stroke = this.newStroke(points.map(([x, y]) => ({ x, y, scale: 1 })));
      this.items.push(stroke);
      this.drawStroke(this.context, stroke);
    }
    this.keepUpWithUndo();
  }

  /** Show an image (ImageBitmap, canvas, <img>) fitted into the pad; replaces the drawing. */
  setImage(image) {
    this.items = [{ kind: 'image', image }];
    this.inkBounds = NO_BOUNDS;
    this.redraw();
  }

  /** Remove the last stroke or image; false when there was nothing to undo. */
  undo() {
    if (this.drawing || !this.items.length) return false;
    this.items.pop();
    this.inkBounds = this.items.reduce(
      (bounds, item) => (item.kind === 'stroke' ? union(bounds, item.bounds) : bounds),
      NO_BOUNDS,
    );
    if (this.kept.count > this.items.length) this.keep(Math.max(0, this.items.length - UNDO_DEPTH));
    this.paint();
    return true;
  }

  clear() {
    this.items = [];
    this.inkBounds = NO_BOUNDS;
    this.activePointer = null;
    this.redraw();
  }

  /** Everything drawn afresh (the pad's size changed, or its items were replaced). */
  redraw() {
    this.keep(Math.max(0, this.items.length - UNDO_DEPTH), { afresh: true });
    this.paint();
  }

  /** The pad: the kept copy, then the items after it. */
  paint() {
    const { canvas, count } = this.kept;
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (count) this.context.drawImage(canvas, 0, 0);
    this.drawItems(this.context, this.items.slice(count));
  }

  /** Keep the first `count` items drawn: adding to the copy where it can, else afresh. */
  keep(count, { afresh = false } = {}) {
    const { canvas } = this.kept;
    const resized = canvas.width !== this.canvas.width || canvas.height !== this.canvas.height;
    if (afresh || resized || count < this.kept.count) {
      canvas.width = this.canvas.width; // setting the size clears the canvas, even unchanged
      canvas.height = this.canvas.height;
      this.kept.count = 0;
    }
    this.drawItems(canvas.getContext('2d'), this.items.slice(this.kept.count, count));
    this.kept.count = count;
  }

  /** After items are added: once more than 2 x UNDO_DEPTH lie past the copy, extend it. */
  keepUpWithUndo() {
    if (this.items.length - this.kept.count > 2 * UNDO_DEPTH) {
      this.keep(this.items.length - UNDO_DEPTH);
    }
  }

  drawItems(context, items) {
    for (const item of items) {
      if (item.kind === 'image') this.drawImage(context, item.image);
      else this.drawStroke(context, item);
    }
  }

  /** The pen's width: a fraction of the pad's shorter side (a digit's height on a strip). */
  penWidth(scale) {
    return Math.min(this.canvas.width, this.canvas.height) * PEN_WIDTH_FRACTION * scale;
  }

  drawStroke(context, stroke) {
    const { points } = stroke;
    const first = points[0];
    context.fillStyle = INK_COLOR;
    context.beginPath();
    context.arc(
      first.x * this.canvas.width,
      first.y * this.canvas.height,
      this.penWidth(first.scale) / 2,
      0,
      2 * Math.PI,
    );
    context.fill();
    for (let index = 1; index < points.length; index += 1) {
      this.drawSegment(context, points[index - 1], points[index]);
    }
  }

  drawSegment(context, from, to) {
    const { width, height } = this.canvas;
    context.strokeStyle = INK_COLOR;
    context.lineWidth = this.penWidth((from.scale + to.scale) / 2);
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x * width, from.y * height);
    context.lineTo(to.x * width, to.y * height);
    context.stroke();
  }

  drawImage(context, image) {
    const { width, height } = this.canvas;
    const scale = Math.min(width / image.width, height / image.height);
    const drawnWidth = image.width * scale;
    const drawnHeight = image.height * scale;
    context.imageSmoothingQuality = 'high';
    context.drawImage(
      image,
      (width - drawnWidth) / 2,
      (height - drawnHeight) / 2,
      drawnWidth,
      drawnHeight,
    );
  }

  /** The canvas's RGBA pixels, what the recognizer reads. */
  pixels() {
    return this.context.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  /**
   * The strokes in drawing order, each a flat [x0, y0, x1, y1, ...] in the canvas's pixels
   * (what number mode splits into digits); null when an image is on the pad (its ink has no
   * strokes: the recognizer splits it by its pixels).
   */
  strokes() {
    if (this.items.some((item) => item.kind === 'image')) return null;
    const { width, height } = this.canvas;
    return this.items.map(({ points }) => {
      const flat = new Array(points.length * 2);
      points.forEach(({ x, y }, index) => {
        flat[2 * index] = x * width;
        flat[2 * index + 1] = y * height;
      });
      return flat;
    });
  }
}

// An example written as the next digit of a number: its ink this tall (of the pad's height),
// this far below the top, this far after the ink already there (of the height too).
const NEXT_DIGIT_HEIGHT = 0.7;
const NEXT_DIGIT_TOP = 0.15;
const NEXT_DIGIT_GAP = 0.15;

/**
 * Strokes in the unit square (an example digit) placed as the next digit on a pad `aspect`
 * times wider than tall, right of the ink within `bounds` (pad fractions; none: at the
 * left); null when it does not fit before the pad's right edge.
 * @param {Array<Array<[number, number]>>} strokes
 * @param {{minX: number, maxX: number}} bounds the pad's ink so far (Pad.inkBounds)
 * @returns {Array<Array<[number, number]>> | null} the strokes in pad coordinates (0..1)
 */
export function placeAfterInk(strokes, bounds, aspect) {
  const points = strokes.flat();
  const minX = Math.min(...points.map(([x]) => x));
  const maxX = Math.max(...points.map(([x]) => x));
  const minY = Math.min(...points.map(([, y]) => y));
  const maxY = Math.max(...points.map(([, y]) => y));
  // In units of the pad's height: the pad is `aspect` wide.
  const scale = NEXT_DIGIT_HEIGHT / (maxY - minY);
  const left = Number.isFinite(bounds.maxX)
    ? bounds.maxX * aspect + NEXT_DIGIT_GAP
    : NEXT_DIGIT_GAP;
  if (left + (maxX - minX) * scale > aspect - NEXT_DIGIT_GAP / 2) return null;
  return strokes.map((stroke) =>
    stroke.map(([x, y]) => [
      (left + (x - minX) * scale) / aspect,
      NEXT_DIGIT_TOP + (y - minY) * scale,
    ]),
  );
}
