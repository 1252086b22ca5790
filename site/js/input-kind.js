// Which input the device has, so the page speaks of it: touch-only devices (a phone, a tablet
// without mouse or keyboard) get words for fingers, desktops their keyboard tips. Sets
// <html data-input="touch"> or "keyboard" (style.css shows the matching .for-touch or
// .for-keyboard wording) and swaps the tooltips that name a shortcut for their
// `data-touch-title`. Follows changes: a mouse plugged into a tablet.

const TOUCH_ONLY_QUERY = '(hover: none) and (pointer: coarse)';

export function followInputKind(root = document.documentElement) {
  const touchOnly = window.matchMedia(TOUCH_ONLY_QUERY);
  const titled = [...root.querySelectorAll('[data-touch-title]')];
  for (const element of titled) element.dataset.keyboardTitle = element.title;
  const apply = () => {
    const kind = touchOnly.matches ? 'touch' : 'keyboard';
    root.dataset.input = kind;
    for (const element of titled) element.title = element.dataset[`${kind}Title`];
  };
  apply();
  touchOnly.addEventListener('change', apply);
}
