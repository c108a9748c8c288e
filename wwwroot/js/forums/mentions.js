// @mention autocomplete for a textarea: type "@an" and pick a member with the arrow keys and Enter (or a click).
import { api, el } from '../api.js';

let counter = 0;

export function attachMentions(textarea) {
  counter += 1;
  const listId = `mention-list-${counter}`;
  const box = el('ul', { class: 'mention-list', id: listId, role: 'listbox', 'aria-label': 'Members to mention', hidden: true });
  textarea.after(box);
  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', listId);
  let items = [];
  let active = -1;
  let timer;
  let seq = 0;

  const close = () => { box.hidden = true; items = []; active = -1; textarea.removeAttribute('aria-activedescendant'); };

  function query() {
    const upto = textarea.value.slice(0, textarea.selectionStart);
    const match = upto.match(/(?:^|[\s(])@([a-z0-9_-]{1,32})$/i);
    return match ? match[1] : null;
  }

  function pick(index) {
    const member = items[index];
    if (!member) return;
    const caret = textarea.selectionStart;
    const upto = textarea.value.slice(0, caret).replace(/@([a-z0-9_-]*)$/i, `@${member.userName} `);
    textarea.value = upto + textarea.value.slice(caret);
    textarea.selectionStart = textarea.selectionEnd = upto.length;
    close();
    textarea.focus();
  }

  function render() {
    box.replaceChildren(...items.map((m, i) => {
      const li = el('li', { id: `${listId}-${i}`, role: 'option', 'aria-selected': String(i === active), class: i === active ? 'active' : '' },
        el('strong', {}, m.displayName), ' ', el('span', { class: 'muted' }, `@${m.userName}`));
      li.addEventListener('mousedown', (e) => { e.preventDefault(); pick(i); });
      return li;
    }));
    box.hidden = items.length === 0;
    if (active >= 0) textarea.setAttribute('aria-activedescendant', `${listId}-${active}`);
    else textarea.removeAttribute('aria-activedescendant');
  }

  textarea.addEventListener('input', () => {
    clearTimeout(timer);
    const prefix = query();
    if (!prefix) { close(); return; }
    timer = setTimeout(async () => {
      const mine = ++seq;
      const found = await api.get(`/api/members?prefix=${encodeURIComponent(prefix)}`).catch(() => []);
      if (mine !== seq) return;
      items = found;
      active = items.length ? 0 : -1;
      render();
    }, 150);
  });

  textarea.addEventListener('keydown', (e) => {
    if (box.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); active = (active + 1) % items.length; render(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); active = (active - 1 + items.length) % items.length; render(); }
    else if (e.key === 'Enter' || e.key === 'Tab') { if (active >= 0) { e.preventDefault(); pick(active); } }
    else if (e.key === 'Escape') { close(); }
  });
  textarea.addEventListener('blur', () => setTimeout(close, 150));
}
