// "Wrong? It was a: 0 1 2 ... 9": under each final answer, one tap (or Tab and Enter) says
// which digit the drawing really was. The row keeps its place while hidden (no final answer
// yet, the pen moving), so the buttons below it do not jump as results come and go; where the
// recognizer cannot learn (the baseline page), it is taken away.

import { appendDigitButtons } from './digit-buttons.js';
import { LABELS } from './facts.js';

/** "a 7", "an 8": the digit as a sentence names it. */
export function aDigit(label) {
  return `${label === '8' ? 'an' : 'a'} ${label}`;
}

export class CorrectionRow {
  /**
   * @param {HTMLElement} root the row (data-testid="correct")
   * @param {{onCorrect: (label: string) => void}} options called with the digit tapped
   */
  constructor(root, { onCorrect }) {
    this.root = root;
    this.noteElement = root.querySelector('[data-testid="correct-note"]');
    this.busy = false;
    const digits = root.querySelector('.correct-digits');
    this.buttons = appendDigitButtons(digits, LABELS, {
      className: 'correct-digit',
      testId: 'correct-digit',
      name: (label) => `It was ${aDigit(label)}`,
      onClick: (label) => {
        if (!this.busy) onCorrect(label);
      },
    });
  }

  /** A final answer is shown: offer to correct it (its own digit marked, a confirmation). */
  show(answer) {
    this.root.dataset.shown = 'true';
    for (const button of this.buttons) {
      button.dataset.answer = String(button.dataset.digit === answer);
    }
  }

  /** No final answer on screen: nothing to correct (the row keeps its place). */
  hide() {
    this.root.dataset.shown = 'false';
    this.note('');
  }

  /** While a correction is applied, another tap is ignored (the buttons keep the focus:
   * a disabled button would drop a keyboard user's place). */
  setBusy(busy) {
    this.busy = busy;
    this.root.setAttribute('aria-busy', String(busy));
  }

  /** The recognizer cannot learn (e.g. the baseline page): no row at all. */
  unavailable() {
    this.root.hidden = true;
  }

  available() {
    this.root.hidden = false;
  }

  /** A line under the buttons: what the last correction did. */
  note(text) {
    this.noteElement.textContent = text;
  }
}
