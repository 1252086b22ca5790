// The drawing pad: pointer events (mouse, touch, pen) onto a canvas, black ink on a
// transparent background. The page's Python reads the canvas pixels as they are, so what
// the user sees is exactly what is recognized.

const PEN_WIDTH_FRACTION = 1 / 14; // of the canvas side: 20 px on a 280 px pad
const MAX_PIXEL_RATIO = 2; // more only costs preprocessing time, the model sees 28x28
const INK_COLOR = '#000000';

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
    this.lastPoint = null;
    this.hasInk = false;
    this.resizeBackingStore();
    canvas.addEventListener('pointerdown', (event) => this.start(event));
    canvas.addEventListener('pointermove', (event) => this.move(event));
    canvas.addEventListener('pointerup', (event) => this.end(event));
    canvas.addEventListener('pointercancel', (event) => this.end(event));
    // Belt and braces with CSS touch-action: none, for browsers that scroll anyway.
    canvas.addEventListener('touchstart', (event) => event.preventDefault(), { passive: false });
    canvas.addEventListener('touchmove', (event) => event.preventDefault(), { passive: false });
  }

  /** Match the canvas's pixel buffer to its displayed size (crisp on high-DPI screens). */
  resizeBackingStore() {
    const rect = this.canvas.getBoundingClientRect();
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
    const side = Math.max(28, Math.round(Math.min(rect.width, rect.height) * ratio));
    if (this.canvas.width !== side || this.canvas.height !== side) {
      this.canvas.width = side;
      this.canvas.height = side;
    }
  }

  get drawing() {
    return this.activePointer !== null;
  }

  get penWidth() {
    return this.canvas.width * PEN_WIDTH_FRACTION;
  }

  pointFromEvent(event) {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / rect.width) * this.canvas.width,
      y: ((event.clientY - rect.top) / rect.height) * this.canvas.height,
    };
  }

  start(event) {
    if (this.activePointer !== null || (event.pointerType === 'mouse' && event.button !== 0)) {
      return;
    }
    event.preventDefault();
    this.activePointer = event.pointerId;
    this.canvas.setPointerCapture?.(event.pointerId);
    this.lastPoint = this.pointFromEvent(event);
    this.dot(this.lastPoint);
    this.onInk();
  }

  move(event) {
    if (event.pointerId !== this.activePointer) return;
    event.preventDefault();
    // Coalesced events keep fast strokes smooth: the browser batches them per frame.
    const events = event.getCoalescedEvents?.() ?? [];
    for (const each of events.length ? events : [event]) {
      const point = this.pointFromEvent(each);
      this.line(this.lastPoint, point);
      this.lastPoint = point;
    }
    this.onInk();
  }

  end(event) {
    if (event.pointerId !== this.activePointer) return;
    this.activePointer = null;
    this.lastPoint = null;
    this.onStrokeEnd();
  }

  dot(point) {
    const context = this.context;
    context.fillStyle = INK_COLOR;
    context.beginPath();
    context.arc(point.x, point.y, this.penWidth / 2, 0, 2 * Math.PI);
    context.fill();
    this.hasInk = true;
  }

  line(from, to) {
    const context = this.context;
    context.strokeStyle = INK_COLOR;
    context.lineWidth = this.penWidth;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    this.hasInk = true;
  }

  clear() {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.hasInk = false;
    this.activePointer = null;
    this.lastPoint = null;
  }

  /** The canvas's RGBA pixels, what the recognizer reads. */
  pixels() {
    return this.context.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }
}
