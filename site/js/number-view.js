// Number mode's answer (issue 13): the number read, in large type, and under it each digit
// with how sure the model is of it and the 28x28 image the model saw. A digit the model is
// not sure of (below the same "not sure" threshold as a single digit) is marked and offers
// its runner-up as a button: one tap swaps it into the number. The number can be copied.
//
// [data-testid=number] holds exactly the digits shown, with data-seq (bumped by every answer
// shown, a swap included) and data-status ('ok' | 'empty' | 'rejected' | 'error') as
// [data-testid=prediction] has them, and for a refusal data-reason (the recognizer's:
// 'too-many-digits', 'long-line', 'scribble', 'not-digits'). It says nothing itself: the page's one announcer speaks
// what `spoken()` returns, for final answers only.

import { aDigit } from './correction.js';
import { digitButton } from './digit-buttons.js';
import { MNIST_SIZE } from './facts.js';
import { drawModelInput, formatPercent } from './results.js';

const ORDINALS = ['1st', '2nd', '3rd'];

/** "1st", "2nd", "3rd", "4th", ... "12th": a digit's place, as a sentence names it. */
export function ordinal(place) {
  return ORDINALS[place - 1] ?? `${place}th`;
}

/** The number as a screen reader should say it: digit by digit ("2 0 2 6"), not "two
 * thousand and twenty-six", which a phone number or a meter reading is not. */
export function spokenDigits(number) {
  return [...number].join(' ');
}

/**
 * The digits of an 'ok' number result as the view keeps them.
 * @param {{digits: Array<{digit: string, probability: number,
 *          runner_up?: {digit: string, probability: number}, input: ArrayLike<number>}>}}
 *   result
 * @param {number} threshold below it, a digit is "not sure"
 */
export function digitsOf(result, threshold) {
  return result.digits.map((each) => ({
    digit: each.digit,
    probability: each.probability,
    runnerUp: each.runner_up ?? null,
    unsure: each.probability < threshold,
    input: each.input,
  }));
}

/** What the page says of the unsure digits, e.g. "Not sure of the 3rd digit: 2 or 7." */
export function unsureSentence(digits) {
  const unsure = digits
    .map((each, index) => ({ ...each, place: index + 1 }))
    .filter((each) => each.unsure && each.runnerUp);
  if (!unsure.length) return '';
  const parts = unsure.map(
    ({ place, digit, runnerUp }) => `the ${ordinal(place)} digit: ${digit} or ${runnerUp.digit}`,
  );
  return `Not sure of ${parts.join('; ')}. Tap the other one if it is right.`;
}

/** Whether a digit's cell would show the same again: digit, confidence, runner-up and the
 * model's input, value for value. */
function sameCell(shown, each) {
  if (
    !shown ||
    shown.digit !== each.digit ||
    shown.probability !== each.probability ||
    shown.unsure !== each.unsure ||
    shown.runnerUp?.digit !== each.runnerUp?.digit ||
    shown.runnerUp?.probability !== each.runnerUp?.probability ||
    shown.input.length !== each.input.length
  ) {
    return false;
  }
  for (let i = 0; i < each.input.length; i += 1) {
    if (shown.input[i] !== each.input[i]) return false;
  }
  return true;
}

export class NumberView {
  /**
   * @param {HTMLElement} root the number's box (data-testid="number-box")
   * @param {{announce: (text: string) => void}} options announce: the page's one announcer
   */
  constructor(root, { announce }) {
    const byTestId = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.number = byTestId('number');
    this.list = byTestId('number-digits');
    this.copyButton = byTestId('number-copy');
    this.copyNote = byTestId('number-copy-note');
    this.announce = announce;
    this.seq = 0;
    this.digits = [];
    this.shown = []; // what each cell shows (a copy: useRunnerUp changes this.digits in place)
    this.copyButton.addEventListener('click', () => this.copy());
  }

  /** The number shown now ('' when none). */
  get text() {
    return this.digits.map((each) => each.digit).join('');
  }

  bumpSeq() {
    this.seq += 1;
    this.number.dataset.seq = String(this.seq);
  }

  /** Show an 'ok' number result; returns what to say of it (the page says it when final). */
  showNumber(result, { threshold }) {
    this.digits = digitsOf(result, threshold);
    this.#render('ok');
    return this.spoken();
  }

  /**
   * No number: nothing written, a refusal (too many digits, a line…) or a failure;
   * `reason` (a refusal's, from the recognizer) goes in data-reason.
   */
  showNothing(status, reason = null) {
    this.digits = [];
    this.#render(status, reason);
  }

  setPending(pending) {
    this.number.dataset.pending = String(pending);
  }

  /** The final answer in words: the number digit by digit, and the digits it is unsure of. */
  spoken() {
    const unsure = unsureSentence(this.digits).replace(' Tap the other one if it is right.', '');
    return `Recognized the number ${spokenDigits(this.text)}.${unsure ? ` ${unsure}` : ''}`;
  }

  /** The person says the `index`-th digit is its runner-up: swap the two, in the number. */
  useRunnerUp(index) {
    const each = this.digits[index];
    if (!each?.runnerUp) return;
    const { digit, probability } = each;
    each.digit = each.runnerUp.digit;
    each.probability = each.runnerUp.probability;
    each.runnerUp = { digit, probability };
    this.#render('ok');
    const place = ordinal(index + 1);
    this.announce(
      `The ${place} digit is now ${each.digit}: the number is ${spokenDigits(this.text)}.`,
    );
    // The cells were drawn afresh: the focus goes back to the button just used.
    this.list.children[index]?.querySelector('[data-testid="number-runner-up"]')?.focus();
  }

  async copy() {
    const text = this.text;
    if (!text) return;
    let said;
    try {
      await navigator.clipboard.writeText(text);
      said = `Copied ${text}.`;
    } catch {
      // Refused (no permission, an insecure page): select it, so Ctrl+C or a long press does.
      const range = document.createRange();
      range.selectNodeContents(this.number);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      said = 'Copying is not allowed here: the number is selected, copy it from there.';
    }
    this.copyNote.textContent = said;
    this.announce(said);
  }

  #render(status, reason = null) {
    this.number.textContent = this.text;
    this.number.dataset.status = status;
    if (reason) this.number.dataset.reason = reason;
    else delete this.number.dataset.reason;
    this.copyButton.disabled = !this.digits.length;
    this.copyNote.textContent = '';
    this.#renderCells();
    this.bumpSeq();
  }

  /**
   * One cell per digit. Live answers follow the pen, each with every digit but the newest
   * as before: a cell showing exactly what it would show again is kept (its picture is not
   * drawn again, and focus inside it stays); only the others are made afresh.
   */
  #renderCells() {
    const cells = this.list.children;
    this.digits.forEach((each, index) => {
      const kept = cells[index];
      if (kept && sameCell(this.shown[index], each)) return;
      const cell = this.#cell(each, index);
      if (kept) kept.replaceWith(cell);
      else this.list.append(cell);
    });
    while (cells.length > this.digits.length) cells[cells.length - 1].remove();
    this.shown = this.digits.map((each) => ({
      ...each,
      runnerUp: each.runnerUp && { ...each.runnerUp },
    }));
  }

  /** One digit: what the model saw, the digit, how sure, and its runner-up when unsure. */
  #cell({ digit, probability, runnerUp, unsure, input }, index) {
    const place = ordinal(index + 1);
    const cell = document.createElement('li');
    cell.className = 'number-digit';
    cell.dataset.testid = 'number-digit';
    cell.dataset.digit = digit;
    cell.dataset.unsure = String(unsure);
    const picture = document.createElement('canvas');
    picture.width = MNIST_SIZE;
    picture.height = MNIST_SIZE;
    picture.className = 'number-input';
    picture.setAttribute('role', 'img');
    picture.setAttribute('aria-label', `The ${place} digit as the model sees it`);
    drawModelInput(picture, input);
    const value = document.createElement('span');
    value.className = 'number-digit-value';
    value.textContent = digit;
    const confidence = document.createElement('span');
    confidence.className = 'number-digit-confidence';
    confidence.dataset.testid = 'number-digit-confidence';
    confidence.textContent = unsure
      ? `Not sure (${formatPercent(probability)})`
      : formatPercent(probability);
    cell.append(picture, value, confidence);
    if (unsure && runnerUp) {
      // "or [7]": the button shows the digit alone, so its name ("The 2nd digit is a 7")
      // holds all of its visible text, as speech input expects.
      const or = document.createElement('span');
      or.className = 'number-runner-up-label';
      or.textContent = 'or';
      or.setAttribute('aria-hidden', 'true');
      const button = digitButton(runnerUp.digit, {
        className: 'number-runner-up',
        testId: 'number-runner-up',
        name: (other) => `The ${place} digit is ${aDigit(other)}`,
        onClick: () => this.useRunnerUp(index),
      });
      button.title = `${runnerUp.digit}: ${formatPercent(runnerUp.probability)}`;
      const offer = document.createElement('span');
      offer.className = 'number-runner-up-offer';
      offer.append(or, button);
      cell.append(offer);
    }
    return cell;
  }
}
