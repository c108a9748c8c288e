// A category: its threads (live: new threads and reply counts) and the new-thread form.
import {
  api, request, avatar, plural, bindForm, currentUser, el, formatDate, newIdempotencyKey, showStatus, writeOnce,
} from '../api.js';
import { on, whenConnected, invoke } from '../live.js';
import { threadBadges } from '../badges.js';
import { attachMentions } from './mentions.js';
import { attachSimilar } from '../knowledge/similar.js';

const slug = decodeURIComponent(location.pathname.split('/')[2] || '');
const listNode = document.getElementById('threads');
const announcer = document.getElementById('category-announcer');
const threads = new Map();
let category;
let nextPage = null; // the API's rel="next" link: the server decides the page size and whether there is more

function row(t) {
  const replies = t.lastSeq - 1;
  return el('li', { class: `thread-row${t.unread ? ' has-unread' : ''}`, 'data-thread-id': String(t.id) },
    avatar(t.author),
    el('div', { class: 'thread-main' },
      el('a', { class: 'thread-link', href: t.url }, t.title),
      el('span', { class: 'thread-badges' }, threadBadges(t)),
      el('p', { class: 'muted' }, `${t.author.displayName} · last activity ${formatDate(t.lastPostAt)}`)),
    el('span', { class: 'reply-count', 'aria-label': plural(replies, 'reply', 'replies') }, String(replies)));
}

function render() {
  listNode.removeAttribute('aria-busy');
  const sorted = [...threads.values()].sort((a, b) => (b.pinned - a.pinned) || (new Date(b.lastPostAt) - new Date(a.lastPostAt)));
  if (!sorted.length) { listNode.replaceChildren(el('li', { class: 'empty' }, 'No threads yet — start the first one.')); return; }
  listNode.replaceChildren(...sorted.map(row));
}

async function loadPage(url = `/api/categories/${encodeURIComponent(slug)}/threads`) {
  const res = await request('GET', url, undefined, { raw: true });
  for (const t of await res.json()) threads.set(t.id, t);
  // The server sends a rel="next" link only when another page exists.
  nextPage = (res.headers.get('link') || '').match(/<([^>]+)>\s*;\s*rel="next"/)?.[1] ?? null;
  document.getElementById('more-threads').hidden = !nextPage;
  render();
}

async function start() {
  try {
    category = await api.get(`/api/categories/${encodeURIComponent(slug)}`);
  } catch {
    document.getElementById('category-name').textContent = 'Category not found';
    listNode.removeAttribute('aria-busy');
    document.getElementById('new-thread-card').hidden = true;
    return;
  }
  document.title = `${category.name} · ${document.title.split(' · ').pop()}`;
  document.getElementById('category-name').textContent = category.name;
  document.getElementById('category-description').textContent = category.description;
  if (category.kind === 'ideas') {
    document.getElementById('category-description').append(' ',
      el('a', { href: `/ideas?category=${encodeURIComponent(category.slug)}` }, 'Vote on these ideas and see their status'));
  }
  await loadPage();

  const me = await currentUser().catch(() => null);
  if (me) {
    const form = document.getElementById('new-thread');
    form.hidden = false;
    document.getElementById('new-thread-signin').hidden = true;
    attachMentions(document.getElementById('nt-body'));
    const similar = attachSimilar(document.getElementById('nt-title'), { focusAfter: document.getElementById('nt-body') });
    let key = null; // one key per thread being started, kept until the server confirms it (see writeOnce)
    bindForm(form, async (data) => {
      key ??= newIdempotencyKey();
      const created = await writeOnce('POST', '/api/threads', { categoryId: category.id, title: data.title, body: data.body }, key, {
        onRetry: () => showStatus(form, 'Connection trouble: still posting your thread…', 'info'),
      });
      key = null;
      similar.posted();
      location.href = created.thread.url;
    });
  }

  on('threadCreated', (e) => {
    if (e.categoryId !== category.id || threads.has(e.thread.id)) return;
    threads.set(e.thread.id, e.thread);
    render();
    announcer.textContent = `New thread: ${e.thread.title}`;
  });
  on('threadActivity', (e) => {
    if (e.categoryId !== category.id) return;
    const known = threads.get(e.thread.id);
    threads.set(e.thread.id, { ...e.thread, unread: known ? known.unread + Math.max(0, e.thread.lastSeq - known.lastSeq) : 0 });
    render();
  });
  on('threadDeleted', (e) => { if (threads.delete(e.threadId)) render(); });
  whenConnected(async () => {
    await invoke('JoinCategory', category.id).catch(() => {});
    await loadPage();
  });
}

document.getElementById('more-threads').addEventListener('click', async () => { if (nextPage) await loadPage(nextPage); });
start();
