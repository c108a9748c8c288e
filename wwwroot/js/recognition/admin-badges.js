// Admins' badge page (/admin/badges): create manual badges, grant them with a reason, see holders and revoke. Names are user text:
// always set as text, so a badge named with HTML shows its characters.
import { api, bindForm, el, formatDate, showStatus } from '../api.js';

const rows = document.getElementById('badge-rows');
const holders = document.getElementById('badge-holders');
const select = document.getElementById('g-badge');
let badges = [];

async function showHolders(b) {
  const list = await api.get(`/api/admin/badges/${encodeURIComponent(b.key)}/grants`);
  holders.replaceChildren(el('h3', {}, `Holders of ${b.name}`), list.length
    ? el('ul', { class: 'profile-posts' }, list.map((h) => el('li', {},
      el('a', { href: `/u/${encodeURIComponent(h.userName)}` }, h.displayName), ` (@${h.userName}) · ${formatDate(h.grantedAt)}`,
      h.reason ? ` · ${h.reason}` : '', ' ',
      b.manual ? el('button', { type: 'button', class: 'secondary', onclick: async () => {
        await api.del(`/api/admin/badges/${encodeURIComponent(b.key)}/grants/${encodeURIComponent(h.userName)}`);
        await load();
        await showHolders(badges.find((x) => x.key === b.key) ?? b);
      } }, `Revoke from ${h.userName}`) : null)))
    : el('p', { class: 'empty' }, 'Nobody holds this badge yet.'));
}

async function load() {
  badges = await api.get('/api/admin/badges');
  rows.replaceChildren(...badges.map((b) => el('tr', { 'data-badge-key': b.key },
    el('td', {}, el('span', { class: 'badge' }, b.name), b.description ? el('div', { class: 'muted' }, b.description) : null),
    el('td', {}, b.manual ? 'By hand' : 'Automatically'),
    el('td', {}, String(b.holders)),
    el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: () => showHolders(b) }, `Holders of ${b.name}`)))));
  const chosen = select.value;
  select.replaceChildren(...badges.filter((b) => b.manual).map((b) => el('option', { value: b.key, selected: b.key === chosen }, b.name)));
}

bindForm(document.getElementById('badge-form'), async (data) => {
  const created = await api.post('/api/admin/badges', { name: data.name, description: data.description });
  await load();
  select.value = created.key;
  showStatus(document.getElementById('badge-form'), `Badge “${created.name}” created.`);
});

bindForm(document.getElementById('grant-form'), async (data) => {
  const held = await api.post(`/api/admin/badges/${encodeURIComponent(data.badge)}/grants`, { userName: data.userName, reason: data.reason });
  await load();
  showStatus(document.getElementById('grant-form'), `Granted to ${held.displayName}.`);
});

try { await load(); } finally { document.getElementById('badges-admin').removeAttribute('aria-busy'); }
