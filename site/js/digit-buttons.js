// A row of digit buttons, built one way for every row the page has: the examples ("Draw an
// example 3"), the correction row ("It was a 7") and a number's runner-up ("Use 7 instead").
// Each is a plain <button> showing its digit, with data-testid and data-digit for tests, and
// an accessible name that says what it does (the digit alone would not).

/**
 * One digit button.
 * @param {string} digit what it shows ('0'-'9'), also its data-digit
 * @param {{className: string, testId: string, name: (digit: string) => string,
 *          onClick: (digit: string) => void}} options name: its accessible name
 * @returns {HTMLButtonElement}
 */
export function digitButton(digit, { className, testId, name, onClick }) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  button.dataset.testid = testId;
  button.dataset.digit = digit;
  button.textContent = digit;
  button.setAttribute('aria-label', name(digit));
  button.addEventListener('click', () => onClick(button.dataset.digit));
  return button;
}

/**
 * A button per digit, appended to `container` in order; returns them.
 * @param {HTMLElement} container
 * @param {Iterable<string>} digits
 * @param {Parameters<typeof digitButton>[1]} options
 */
export function appendDigitButtons(container, digits, options) {
  return [...digits].map((digit) => {
    const button = digitButton(digit, options);
    container.append(button);
    return button;
  });
}
