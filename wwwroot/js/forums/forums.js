// The forum index: categories with counts and unread numbers (kept live), and search.
import { api, bindForm, currentUser, el, formatDate, showStatus } from '../api.js';
import { on, whenConnected, invoke } from '../live.js';
import { badge } from '../badges.js';

const listNode = document.getElementById('categories');
let categories = [];

function render() {
  listNode.removeAttribute('aria-busy');
  if (!categories.length) { listNode.replaceChildren(el('li', { class: 'empty' }, 'No categories yet.')); return; }
  listNode.replaceChildren(...categories.map((c) => el('li', { class: 'category card', 'data-category-id': String(c.id) },
    el('div', { class: 'category-main' },
      el('h3', {}, el('a', { href: `/c/${encodeURIComponent(c.slug)}` }, c.name),
        c.isQa ? badge('qa') : null,
        c.kind === 'ideas' ? badge('note', { text: 'Ideas', href: `/ideas?category=${encodeURIComponent(c.slug)}` }) : null,
        c.isPrivate ? badge('private') : null),
      el('p', { class: 'muted' }, c.description)),
    el('dl', { class: 'category-stats' },
      el('div', {}, el('dt', {}, 'Threads'), el('dd', {}, String(c.threadCount))),
      el('div', {}, el('dt', {}, 'Posts'), el('dd', {}, String(c.postCount))),
      c.unread ? el('div', { class: 'unread' }, el('dt', {}, 'Unread'), el('dd', {}, String(c.unread))) : null,
      c.lastActivityAt ? el('div', {}, el('dt', {}, 'Active'), el('dd', {}, formatDate(c.lastActivityAt))) : null))));
}

async function load() {
  categories = await api.get('/api/categories');
  render();
}

let reloadTimer;
function reloadSoon() { clearTimeout(reloadTimer); reloadTimer = setTimeout(load, 1000); }

await load();
on('threadCreated', reloadSoon);
on('threadActivity', reloadSoon);
whenConnected(async () => {
  for (const c of categories) await invoke('JoinCategory', c.id).catch(() => {});
  await load();
});

// ---- search -------------------------------------------------------------------
const form = document.getElementById('search-form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const q = form.elements.namedItem('q').value.trim();
  const section = document.getElementById('search-results');
  const results = document.getElementById('search-list');
  if (!q) { section.hidden = true; return; }
  let hits = [];
  let refused = '';
  try { hits = await api.get(`/api/search?q=${encodeURIComponent(q)}`); } catch (error) { refused = error.message || 'Search failed.'; }
  section.hidden = false;
  document.getElementById('search-title').textContent = refused || (hits.length ? `${hits.length} result${hits.length === 1 ? '' : 's'} for “${q}”` : `Nothing found for “${q}”`);
  results.replaceChildren(...hits.map((h) => {
    // Title and snippet are escaped on the server, then only <mark> is added around hits.
    const title = el('a', { href: h.url });
    title.innerHTML = h.title;
    const snippet = el('p', { class: 'snippet' });
    snippet.innerHTML = h.snippet;
    return el('li', {}, title, el('span', { class: 'muted' }, ` in ${h.category}`), snippet);
  }));
});

// ---- admins: create and edit categories -----------------------------------------
const me = await currentUser().catch(() => null);
if (me?.roles.includes('Admin')) {
  const section = document.getElementById('category-admin');
  const adminForm = document.getElementById('category-form');
  const pick = adminForm.elements.namedItem('pick');
  const field = (name) => adminForm.elements.namedItem(name);
  const roles = ['Moderator', 'Marketing', 'Admin'];
  const fillPick = () => {
    pick.replaceChildren(el('option', { value: '' }, 'New category'), ...categories.map((c) => el('option', { value: String(c.id) }, c.name)));
  };
  section.hidden = false;
  // The staff menu links here: the section was hidden when the browser looked for the anchor.
  if (location.hash === '#category-admin') section.scrollIntoView();
  fillPick();
  pick.addEventListener('change', async () => {
    const c = categories.find((x) => String(x.id) === pick.value);
    field('name').value = c?.name ?? '';
    field('slug').value = c?.slug ?? '';
    field('description').value = c?.description ?? '';
    field('position').value = String(c?.position ?? 0);
    field('isQa').checked = Boolean(c?.isQa);
    field('kind').value = c?.kind ?? 'discussion';
    for (const r of roles) field(`role-${r}`).checked = Boolean(c?.readRoles?.includes(r));
    field('readPlans').value = (c?.readPlans ?? []).join('\n');
    field('readAccounts').value = (c?.readAccounts ?? []).join('\n');
  });
  // Values are stored comma-separated, so a comma or a line break both separate them here.
  const values = (text) => String(text ?? '').split(/[,\n]/).map((v) => v.trim()).filter(Boolean);
  bindForm(adminForm, async (data) => {
    const body = {
      name: data.name, slug: data.slug || undefined, description: data.description, position: Number(data.position) || 0,
      isQa: data.isQa, kind: data.kind, readRoles: roles.filter((r) => data[`role-${r}`]),
      readPlans: values(data.readPlans), readAccounts: values(data.readAccounts),
    };
    const saved = pick.value ? await api.patch(`/api/categories/${pick.value}`, body) : await api.post('/api/categories', body);
    await load();
    fillPick();
    pick.value = String(saved.id);
    showStatus(adminForm, `Saved “${saved.name}”.`);
  });
}
