// AdminJS's list pages draw a filter drawer (in the page even while closed) whose inputs are not tied to their
// visible labels: the label says for="filter-<field>" but the input has only name="filter-<field>", and a select
// (react-select) has an id of its own. The drawer's close button and the pagination buttons are icons without a
// name. Screen readers announce them as unnamed (axe `label`, `button-name`). This runs when the components bundle
// loads and names them as AdminJS draws them, from the labels already on the page: markup only, nothing AdminJS
// reads changes.

const PAGE_BUTTONS: Record<string, string> = {
  first: 'First page',
  previous: 'Previous page',
  next: 'Next page',
  last: 'Last page',
};
const CONTROLS = 'input:not([type=hidden]), select, textarea';

function hasName(control: Element, doc: Document): boolean {
  if (control.hasAttribute('aria-label') || control.hasAttribute('aria-labelledby')) return true;
  if (control.closest('label')) return true;
  return control.id !== '' && doc.querySelector(`label[for="${CSS.escape(control.id)}"]`) !== null;
}

/** The nearest label above a control, within its form group (the first ancestor that holds a label). */
function labelOf(control: Element): HTMLLabelElement | null {
  for (let box = control.parentElement; box; box = box.parentElement) {
    const label = box.querySelector('label');
    if (label) return label;
    if (box.matches('[data-css$="-filter-drawer-content"]')) return null;
  }
  return null;
}

/** Names every unnamed filter input and pagination button under `root`; returns how many it named. */
export function labelAdminControls(doc: Document = document): number {
  let named = 0;
  for (const control of doc.querySelectorAll(`[data-css$="-filter-drawer-content"] :is(${CONTROLS})`)) {
    if (hasName(control, doc)) continue;
    const label = labelOf(control);
    const text = label?.textContent?.trim();
    if (!label || !text) continue;
    // Tie the input to its own label when the label points at an id nobody has; otherwise name it after it.
    if (!control.id && label.htmlFor && !doc.getElementById(label.htmlFor)) control.id = label.htmlFor;
    else control.setAttribute('aria-label', text);
    named += 1;
  }
  // The drawer's only icon button is the one that closes it (an "X").
  for (const button of doc.querySelectorAll('[data-css$="-filter-drawer-content"] button')) {
    if (button.textContent?.trim() || button.hasAttribute('aria-label')) continue;
    button.setAttribute('aria-label', 'Close the filters');
    named += 1;
  }
  for (const [testId, name] of Object.entries(PAGE_BUTTONS)) {
    for (const button of doc.querySelectorAll(`button[data-testid="${testId}"]`)) {
      if (button.textContent?.trim() || button.hasAttribute('aria-label')) continue;
      button.setAttribute('aria-label', name);
      named += 1;
    }
  }
  return named;
}

function watch(doc: Document | undefined): void {
  if (!doc?.body || typeof MutationObserver === 'undefined') return;
  labelAdminControls(doc);
  // Once per frame at most, however many changes React makes in it (charts redraw often).
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      labelAdminControls(doc);
    });
  }).observe(doc.body, { childList: true, subtree: true });
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => watch(document));
  else watch(document);
}
