import { currentUser, el } from '../api.js';

// Signed-in members get a welcome instead of the sign-up call to action.
const me = await currentUser().catch(() => null);
if (me) {
  document.getElementById('hero-actions')?.replaceChildren(
    el('p', { class: 'lead' }, `Welcome back, ${me.displayName}.`),
    el('a', { class: 'button', href: `/u/${encodeURIComponent(me.userName)}` }, 'Your profile'),
  );
}

// Features publish their recent items at /api/activity; until one does, the placeholder stays.
try {
  const res = await fetch('/api/activity', { headers: { Accept: 'application/json' } });
  if (res.ok) {
    const items = await res.json();
    if (items.length) {
      document.getElementById('activity').replaceChildren(...items.map((item) => el('li', {},
        el('a', { href: item.url }, item.title), el('span', { class: 'muted' }, item.summary))));
    }
  }
} catch { /* the placeholder is fine */ }
