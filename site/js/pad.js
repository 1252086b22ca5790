// The drawing pad: pointer events (mouse, touch, pen) onto a canvas, black ink on a
// transparent background. The page's Python reads the canvas pixels as they are, so what
// the user sees is exactly what is recognized.
//
// The drawing is kept as a list of items (strokes in coordinates relative to the pad, or an
// image), not only as pixels: undo removes the last item, and when the pad changes size (a
// phone rotated, a window resized) everything is drawn again, crisp, at the new size.

const PEN_WIDTH_FRACTION = 1 / 14; // of the canvas side: 20 px on a 280 px pad
const MAX_PIXEL_RATIO = 2; // more only costs preprocessing time, the model sees 28x28
const MIN_SIDE = 28;
// Ink that spans less than this many pen widths is a tap, a dot: no digit to recognize.
const DOT_EXTENT_IN_PEN_WIDTHS = 0.75;
const INK_COLOR = '#000000';
// A pen that reports pressure draws thinner when light, bolder when firm; 0.5 (the value
// mice and fingers report while pressed) gives the standard width.
const MIN_PRESSURE_SCALE = 0.4;
const MAX_PRESSURE_SCALE = 1.6;

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
    this.items = []; // {kind: 'stroke', points: [{x, y, scale}]} | {kind: 'image', image}
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

  /** Match the canvas's pixel buffer to its displayed size (crisp on high-DPI screens). */
  resizeBackingStore() {
    const rect = this.canvas.getBoundingClientRect();
    if (!rect.width || !rect.height) return false; // hidden: keep the current buffer
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
    const side = Math.max(MIN_SIDE, Math.round(Math.min(rect.width, rect.height) * ratio));
    if (this.canvas.width === side && this.canvas.height === side) return false;
    this.canvas.width = side;
    this.canvas.height = side;
    return true;
  }

  get drawing() {
    return this.activePointer !== null;
  }

  get hasInk() {
    return this.items.length > 0;
  }

  /** Only pen taps: strokes that never moved more than a fraction of the pen's width. */
  get onlyDots() {
    if (!this.items.length || this.items.some((item) => item.kind !== 'stroke')) return false;
    const points = this.items.flatMap((item) => item.points);
    const extent = (axis) =>
      Math.max(...points.map((point) => point[axis])) - Math.min(...points.map((point) => point[axis]));
    return Math.max(extent('x'), extent('y')) < PEN_WIDTH_FRACTION * DOT_EXTENT_IN_PEN_WIDTHS;
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
    const stroke = { kind: 'stroke', points: [this.pointFromEvent(event)] };
    this.items.push(stroke);
    this.drawStroke(stroke);
    this.onInk();
  }

  move(event) {
    if (event.pointerId !== this.activePointer) return;
    event.preventDefault();
    const stroke = this.items[this.items.length - 1];
    // Coalesced events keep fast strokes smooth: the browser batches them per frame.
    const events = event.getCoalescedEvents?.() ?? [];
    for (const each of events.length ? events : [event]) {
      const point = this.pointFromEvent(each);
      this.drawSegment(stroke.points[stroke.points.length - 1], point);
      stroke.points.push(point);
    }
    this.onInk();
  }

  end(event) {
    if (event.pointerId !== this.activePointer) return;
    this.activePointer = null;
    this.onStrokeEnd();
  }

  /** Draw strokes given in pad coordinates (0..1), e.g. an example digit; one undo each. */
  addStrokes(strokes) {
    for (const points of strokes) {
      const stroke = { kind: 'stroke', points: points.map(([x, y]) => ({ x, y, scale: 1 })) };
      this.items.push(stroke);
      this.drawStroke(stroke);
    }
  }

  /** Show an image (ImageBitmap, canvas, <img>) fitted into the pad; replaces the drawing. */
  setImage(image) {
    this.items = [{ kind: 'image', image }];
    this.redraw();
  }

  /** Remove the last stroke or image; false when there was nothing to undo. */
  undo() {
    if (this.drawing || !this.items.length) return false;
    this.items.pop();
    this.redraw();
    return true;
  }

  clear() {
    this.items = [];
    this.activePointer = null;
    this.redraw();
  }

  redraw() {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    for (const item of this.items) {
      if (item.kind === 'image') this.drawImage(item.image);
      else this.drawStroke(item);
    }
  }

  penWidth(scale) {
    return this.canvas.width * PEN_WIDTH_FRACTION * scale;
  }

  drawStroke(stroke) {
    const [first, ...rest] = stroke.points;
    const context = this.context;
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
    let previous = first;
    for (const point of rest) {
      this.drawSegment(previous, point);
      previous = point;
    }
  }

  drawSegment(from, to) {
    const context = this.context;
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

  drawImage(image) {
    const { width, height } = this.canvas;
    const scale = Math.min(width / image.width, height / image.height);
    const drawnWidth = image.width * scale;
    const drawnHeight = image.height * scale;
    this.context.imageSmoothingQuality = 'high';
    this.context.drawImage(
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
}
