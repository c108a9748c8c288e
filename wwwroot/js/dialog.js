// Accessible replacements for the browser's alert(), confirm() and prompt(): a modal <dialog> labelled by its heading.
// showModal() makes the rest of the page inert and moves focus in; Escape (the dialog's cancel) answers "no"; Enter or the
// confirm button answers "yes"; focus then goes back to whatever opened it. The native dialogs block the page, cannot be
// styled, read badly in screen readers and are suppressed by some browsers after a few uses.
// Built from elements, never HTML strings: messages and default values may hold member text.
import { el } from './api.js';

// Ids only have to be unique while a dialog is open; a counter is enough (no state about any page lives here).
let serial = 0;

/** Opens one dialog; resolves true when the member confirmed, false when they cancelled (button, Escape). */
function open({ title, message, field = null, confirmLabel = 'OK', cancelLabel = 'Cancel', danger = false }) {
  serial += 1;
  const titleId = `dialog-title-${serial}`;
  const messageId = message ? `dialog-message-${serial}` : null;
  const opener = document.activeElement;
  const confirm = el('button', { type: 'submit', value: 'confirm', class: danger ? 'danger' : null, autofocus: !field }, confirmLabel);
  const cancel = cancelLabel ? el('button', { type: 'button', class: 'secondary' }, cancelLabel) : null;
  // method="dialog": submitting (Enter in the field, or the confirm button) closes the dialog with the button's value.
  const form = el('form', { method: 'dialog', class: 'dialog-form' },
    el('h2', { id: titleId, class: 'dialog-title' }, title),
    message ? el('p', { id: messageId, class: 'dialog-message' }, message) : null,
    typeof field === 'function' ? field(titleId) : null,
    el('div', { class: 'dialog-actions' }, cancel, confirm));
  const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': messageId }, form);
  cancel?.addEventListener('click', () => dialog.close('cancel'));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const confirmed = dialog.returnValue === 'confirm';
      const value = form.elements.namedItem('value')?.value ?? null;
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve({ confirmed, value });
    }, { once: true });
    dialog.showModal();
  });
}

/** Tells the member something (an error, say) and waits until they dismiss it. */
export async function alertDialog(message, { title = 'Something went wrong', confirmLabel = 'OK' } = {}) {
  await open({ title, message, confirmLabel, cancelLabel: null });
}

/**
 * Asks a yes/no question; resolves true or false. The message is the heading unless a title is given.
 * `danger` styles the confirm button as destructive.
 */
export async function confirmDialog(message, { title, confirmLabel = 'OK', danger = false } = {}) {
  const { confirmed } = await open({ title: title ?? message, message: title ? message : null, confirmLabel, danger });
  return confirmed;
}

/**
 * Asks for one line of text; resolves the text, or null when cancelled. The label is the heading unless a title is
 * given (then it labels the field). `required` refuses an empty answer in place, as a form field does.
 */
export async function promptDialog(label, { title, value = '', maxLength, required = false, confirmLabel = 'OK', danger = false } = {}) {
  const field = (titleId) => {
    const input = el('input', {
      type: 'text', name: 'value', id: `${titleId}-value`, autocomplete: 'off', maxlength: maxLength ?? null, required, autofocus: true,
      'aria-labelledby': title ? null : titleId,
    });
    input.value = value;
    if (value) queueMicrotask(() => input.select()); // a suggested answer is replaced by typing, kept by Enter
    return el('div', { class: 'field' }, title ? el('label', { for: input.id }, label) : null, input);
  };
  const answer = await open({ title: title ?? label, field, confirmLabel, danger });
  return answer.confirmed ? answer.value : null;
}
