// The ideas list: every idea board the member may read, sorted and filtered, with vote buttons kept live, and the new-idea form.
import { api, request, avatar, plural, bindForm, currentUser, el, formatDate, newIdempotencyKey, showStatus, writeOnce } from '../api.js';
import { attachSimilar } from '../knowledge/similar.js';
import { on, whenConnected, invoke } from '../live.js';
import { budgetText, setVotes, statusBadge, voteButton } from './idea-vote.js';

const listNode = document.getElementById('ideas');
const filters = document.getElementById('idea-filters');
const announcer = document.getElementById('ideas-announcer');
const budget = document.getElementById('ideas-budget');
const more = document.getElementById('more-ideas');
let boards = [];
let me = null;
let nextPage = null;
const shown = new Map();

const field = (name) => filters.elements.namedItem(name);

function row(idea) {
  return el('li', { class: 'idea-row', 'data-idea-id': String(idea.id) },
    voteButton(idea, {
      signedIn: Boolean(me),
      onChange: (state) => { budget.textContent = budgetText(state); },
      onRefused: (message) => { budget.textContent = message; },
    }),
    el('div', { class: 'thread-main' },
      el('a', { class: 'thread-link', href: idea.url }, idea.title),
      el('span', { class: 'thread-badges' }, statusBadge(idea.status, idea.statusLabel)),
      el('p', { class: 'muted' }, `${idea.author.displayName} · ${formatDate(idea.createdAt)} · ${plural(idea.replies, 'comment')}`,
        boards.length > 1 ? ` · ${idea.category.name}` : '')),
    avatar(idea.author));
}

function query(page) {
  const params = new URLSearchParams();
  for (const name of ['sort', 'status', 'category']) if (field(name).value) params.set(name, field(name).value);
  if (page) params.set('page', String(page));
  const text = params.toString();
  history.replaceState(null, '', text ? `?${text}` : location.pathname);
  return `/api/ideas${text ? `?${text}` : ''}`;
}

async function load(url = query(), append = false) {
  listNode.setAttribute('aria-busy', 'true');
  const res = await request('GET', url, undefined, { raw: true });
  const ideas = await res.json();
  if (!append) { shown.clear(); listNode.replaceChildren(); }
  for (const idea of ideas) { shown.set(idea.id, idea); listNode.append(row(idea)); }
  const empty = boards.length ? 'No ideas here yet — suggest the first one.' : 'There are no idea boards yet.';
  if (!shown.size) listNode.replaceChildren(el('li', { class: 'empty' }, empty));
  nextPage = (res.headers.get('link') || '').match(/<([^>]+)>\s*;\s*rel="next"/)?.[1] ?? null;
  more.hidden = !nextPage;
  listNode.removeAttribute('aria-busy');
}

async function start() {
  const params = new URLSearchParams(location.search);
  for (const name of ['sort', 'status']) if (params.get(name)) field(name).value = params.get(name);
  me = await currentUser().catch(() => null);
  boards = (await api.get('/api/categories')).filter((c) => c.kind === 'ideas');
  field('category').append(...boards.map((b) => el('option', { value: b.slug }, b.name)));
  if (params.get('category')) field('category').value = params.get('category');
  await load();
  if (me && boards.length) {
    const form = document.getElementById('new-idea');
    const board = form.elements.namedItem('categoryId');
    board.append(...boards.map((b) => el('option', { value: String(b.id) }, b.name)));
    const chosen = boards.find((b) => b.slug === field('category').value);
    if (chosen) board.value = String(chosen.id);
    form.hidden = false;
    document.getElementById('new-idea-signin').hidden = true;
    // The same "maybe already asked" panel as the new-thread form: an idea may already exist, or be answered in the help center.
    const similar = attachSimilar(document.getElementById('ni-title'), { focusAfter: document.getElementById('ni-body') });
    let key = null; // one key per idea being posted, kept for its retries (see writeOnce)
    bindForm(form, async (data) => {
      key ??= newIdempotencyKey();
      const created = await writeOnce('POST', '/api/threads', { categoryId: Number(data.categoryId), title: data.title, body: data.body }, key, {
        onRetry: () => showStatus(form, 'Connection trouble: still posting your idea…', 'info'),
      });
      key = null;
      similar.posted();
      location.href = created.thread.url;
    });
  } else if (!boards.length) {
    document.getElementById('new-idea-card').hidden = true;
  }

  filters.addEventListener('change', () => load());
  on('ideaVotes', (e) => {
    const node = listNode.querySelector(`[data-idea-id="${e.threadId}"] [data-idea-vote]`);
    if (!node) return;
    setVotes(node, e.votes);
    shown.get(e.threadId).votes = e.votes;
  });
  on('ideaChanged', (e) => {
    const item = listNode.querySelector(`[data-idea-id="${e.threadId}"]`);
    if (!item) return;
    if (e.mergedIntoId) { item.remove(); shown.delete(e.threadId); return; }
    item.querySelector('.thread-badges').replaceChildren(statusBadge(e.status, e.statusLabel));
    setVotes(item.querySelector('[data-idea-vote]'), e.votes);
    announcer.textContent = `${shown.get(e.threadId)?.title ?? 'An idea'} is now ${e.statusLabel}.`;
  });
  on('threadCreated', (e) => {
    if (!boards.some((b) => b.id === e.categoryId) || shown.has(e.thread.id)) return;
    announcer.textContent = `New idea: ${e.thread.title}`;
    load();
  });
  whenConnected(async () => {
    for (const b of boards) await invoke('JoinCategory', b.id).catch(() => {});
  });
}

more.addEventListener('click', async () => { if (nextPage) await load(nextPage, true); });
start();
