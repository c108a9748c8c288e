// The live thread page. The server rendered the title and first post; this module loads posts in windows by
// sequence number, merges live events by seq (ignoring duplicates and stale versions), catches up after every
// reconnect, and wires the composer, reactions, edits, answers, flags and moderator tools.
import { api, ApiError, avatar, bindForm, currentUser, el, showStatus } from '../api.js';
import { on, whenConnected, invoke } from '../live.js';
import { attachMentions } from './mentions.js';

const REACTIONS = { like: '👍', heart: '❤️', tada: '🎉', laugh: '😄', thinking: '🤔', eyes: '👀' };
const root = document.getElementById('thread');
const threadId = Number(root.dataset.threadId);
const isQa = root.dataset.qa === 'true';
const list = document.getElementById('posts');
const announcer = document.getElementById('announcer');
const typingLine = document.getElementById('typing');
const earlier = document.getElementById('load-earlier');
const later = document.getElementById('load-later');

const posts = new Map(); // seq -> PostDto
const mine = new Set(); // "seq:kind"
let thread = null;
let me = null;
let state = { lastReadSeq: 0, watching: false, canModerate: false, canReply: false };
let loadedFrom = 1; // lowest seq shown
let loadedTo = 0; // highest seq shown; live posts append only when it is the thread's end
let atEnd = false;
let dividerAfter = 0;

// ---- rendering ---------------------------------------------------------------

function fmt(value) {
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function reactionBar(post) {
  const bar = el('div', { class: 'reactions', role: 'group', 'aria-label': 'Reactions' });
  for (const [kind, emoji] of Object.entries(REACTIONS)) {
    const count = post.reactions?.[kind] || 0;
    const pressed = mine.has(`${post.seq}:${kind}`);
    if (!count && !me) continue;
    const button = el('button', {
      type: 'button', class: `reaction${count ? '' : ' unused'}`, 'aria-pressed': String(pressed),
      'data-kind': kind, disabled: !me || post.hidden || post.deleted,
    }, el('span', { 'aria-hidden': 'true' }, emoji), el('span', { class: 'visually-hidden' }, count ? `${kind}, ` : kind),
    count ? el('span', { class: 'count' }, String(count)) : null);
    button.addEventListener('click', () => react(post, kind, !mine.has(`${post.seq}:${kind}`)));
    bar.append(button);
  }
  return bar;
}

function actions(post) {
  const box = el('div', { class: 'post-actions' });
  if (!me || post.deleted) return box;
  const own = post.author.userName === me.userName;
  const canWrite = state.canReply;
  if (canWrite && !post.hidden) box.append(button('Quote', () => quote(post)));
  if ((own || state.canModerate) && canWrite && !post.hidden) box.append(button('Edit', () => edit(post)));
  if (own || state.canModerate) box.append(button('Delete', () => remove(post)));
  if (isQa && post.seq > 1 && !post.hidden && (thread?.author.userName === me.userName || state.canModerate)) {
    const accepted = thread?.acceptedSeq === post.seq;
    box.append(button(accepted ? 'Unaccept answer' : 'Accept as answer', () => accept(accepted ? null : post.seq)));
  }
  if (!own && !post.hidden) box.append(button('Flag', () => flag(post)));
  if (state.canModerate) box.append(button(post.hidden ? 'Unhide' : 'Hide', () => hide(post, !post.hidden)));
  return box;
}

function button(label, handler) {
  const b = el('button', { type: 'button', class: 'link' }, label);
  b.addEventListener('click', handler);
  return b;
}

function renderPost(post) {
  const body = el('div', { class: 'post-body' });
  if (post.deleted) body.append(el('p', { class: 'muted' }, 'This post was deleted.'));
  else if (post.hidden && !post.html) body.append(el('p', { class: 'muted' }, 'This post was hidden by a moderator.'));
  else body.innerHTML = post.html; // stored HTML, rendered and sanitised by the server's Markdown pipeline
  const accepted = thread?.acceptedSeq === post.seq;
  const head = el('div', { class: 'post-head' },
    avatar(post.author),
    el('a', { class: 'post-author', href: `/u/${encodeURIComponent(post.author.userName)}` }, post.author.displayName),
    el('a', { class: 'permalink muted', href: `#p${post.seq}`, 'aria-label': `Post ${post.seq}, ${fmt(post.createdAt)}` },
      el('time', { datetime: post.createdAt }, fmt(post.createdAt))),
    post.editedAt ? historyButton(post) : null,
    post.hidden ? el('span', { class: 'badge warning' }, 'Hidden') : null,
    accepted ? el('span', { class: 'badge answered' }, '✓ Accepted answer') : null);
  const li = el('li', { class: `post${accepted ? ' accepted' : ''}${post.hidden ? ' hidden-post' : ''}`, id: `p${post.seq}`, 'data-seq': String(post.seq), tabindex: '-1' },
    head, body, reactionBar(post), actions(post));
  return li;
}

function historyButton(post) {
  const b = el('button', { type: 'button', class: 'link edited', 'aria-expanded': 'false' }, 'edited');
  b.addEventListener('click', async () => {
    const li = document.getElementById(`p${post.seq}`);
    const open = li.querySelector('.history');
    if (open) { open.remove(); b.setAttribute('aria-expanded', 'false'); return; }
    const revisions = await api.get(`/api/posts/${post.id}/revisions`);
    const box = el('div', { class: 'history' }, el('h3', {}, 'Edit history'),
      el('ol', {}, revisions.map((r) => el('li', {}, el('p', { class: 'muted' }, `Before ${r.editorName}'s edit on ${fmt(r.createdAt)}:`), el('pre', {}, r.body)))));
    li.querySelector('.post-body').after(box);
    b.setAttribute('aria-expanded', 'true');
  });
  return b;
}

function place(post) {
  const node = renderPost(post);
  const existing = document.getElementById(`p${post.seq}`);
  if (existing) { existing.replaceWith(node); return; }
  const next = [...list.children].find((li) => Number(li.dataset.seq) > post.seq);
  list.insertBefore(node, next || null);
}

/** Adds or replaces a post; an older version of a post we already have is ignored. */
function merge(post) {
  const known = posts.get(post.seq);
  if (known && known.version > post.version) return false;
  const isNew = !known;
  posts.set(post.seq, post);
  place(post);
  return isNew;
}

function renderDivider() {
  document.getElementById('unread-divider')?.remove();
  if (!dividerAfter) return;
  const next = document.getElementById(`p${dividerAfter + 1}`);
  if (next) next.before(el('li', { class: 'unread-divider', id: 'unread-divider', 'aria-label': 'New since your last visit' }, 'New since your last visit'));
}

function renderTools() {
  const tools = document.getElementById('thread-tools');
  tools.replaceChildren();
  const badges = document.getElementById('thread-badges');
  badges.replaceChildren(...[
    thread.pinned ? el('span', { class: 'badge' }, 'Pinned') : null,
    thread.locked ? el('span', { class: 'badge' }, 'Locked') : null,
    thread.acceptedSeq ? el('a', { class: 'badge answered', href: `#p${thread.acceptedSeq}` }, 'Answered') : null].filter(Boolean));
  document.getElementById('thread-title').textContent = thread.title;
  document.getElementById('reply-count').textContent = `${thread.lastSeq - 1} ${thread.lastSeq === 2 ? 'reply' : 'replies'}`;
  if (!me) return;
  const watch = button(state.watching ? 'Stop watching' : 'Watch', async () => {
    if (state.watching) await api.del(`/api/threads/${threadId}/watch`); else await api.put(`/api/threads/${threadId}/watch`);
    state.watching = !state.watching;
    renderTools();
  });
  watch.setAttribute('aria-pressed', String(state.watching));
  tools.append(watch);
  if (state.canModerate) {
    tools.append(
      button(thread.locked ? 'Unlock' : 'Lock', () => patch({ locked: !thread.locked })),
      button(thread.pinned ? 'Unpin' : 'Pin', () => patch({ pinned: !thread.pinned })),
      button('Delete thread', async () => {
        const reason = prompt('Why delete this thread?');
        if (reason === null) return;
        await api.del(`/api/threads/${threadId}?reason=${encodeURIComponent(reason)}`);
        location.href = '/forums';
      }));
  }
}

function renderComposer() {
  const area = document.getElementById('composer-area');
  if (!me) return;
  if (thread.locked && !state.canModerate) {
    area.replaceChildren(el('p', { class: 'alert info' }, 'This thread is locked: no new replies.'));
    return;
  }
  const textarea = el('textarea', { id: 'reply-body', name: 'body', required: true, 'aria-describedby': 'reply-hint' });
  const form = el('form', { id: 'reply-form', class: 'composer', novalidate: true },
    el('div', { class: 'form-status alert', role: 'status', tabindex: '-1' }),
    el('div', { class: 'field' },
      el('label', { for: 'reply-body' }, 'Your reply'),
      textarea,
      el('p', { class: 'hint', id: 'reply-hint' }, 'Markdown works. Type @ to mention someone.')),
    el('button', { type: 'submit' }, 'Post reply'));
  area.replaceChildren(form);
  attachMentions(textarea);
  let lastTyping = 0;
  textarea.addEventListener('input', () => {
    const now = Date.now();
    if (now - lastTyping > 2000) { lastTyping = now; invoke('Typing', threadId).catch(() => {}); }
  });
  bindForm(form, async (data) => {
    const post = await api.post(`/api/threads/${threadId}/posts`, { body: data.body });
    textarea.value = '';
    if (atEnd && post.seq === loadedTo + 1) { merge(post); loadedTo = post.seq; }
    else await catchUp();
    thread.lastSeq = Math.max(thread.lastSeq, post.seq);
    renderTools();
    markRead();
    showStatus(form, 'Reply posted.');
  });
}

// ---- loading -----------------------------------------------------------------

async function loadWindow({ after, before, limit = 50 }) {
  const query = before ? `before=${before}` : `after=${after}`;
  const window = await api.get(`/api/threads/${threadId}/posts?${query}&limit=${limit}`);
  for (const post of window.posts) merge(post);
  return window;
}

/** After any reconnect (or a gap): everything after the last post we have, window by window, merged by seq. */
async function catchUp() {
  if (!atEnd) return;
  let gained = 0;
  for (;;) {
    const window = await loadWindow({ after: loadedTo, limit: 100 });
    for (const post of window.posts) if (post.seq > loadedTo) { gained += 1; loadedTo = post.seq; }
    thread.lastSeq = Math.max(thread.lastSeq, window.lastSeq);
    if (!window.hasMoreAfter) break;
  }
  if (gained) announce(gained);
}

function updateButtons(first, last) {
  earlier.hidden = first <= 1;
  later.hidden = atEnd;
  loadedFrom = Math.min(loadedFrom, first);
  if (last !== undefined) loadedTo = Math.max(loadedTo, last);
}

async function start() {
  me = await currentUser().catch(() => null);
  thread = await api.get(`/api/threads/${threadId}`);
  // Once per view: read mark, watching and every reaction of ours in the thread; later changes are made here.
  if (me) {
    state = await api.get(`/api/threads/${threadId}/me`);
    for (const r of state.reactions) mine.add(`${r.seq}:${r.kind}`);
  }
  const target = Number((location.hash.match(/^#p(\d+)$/) || [])[1]) || 0;
  let after = 0;
  if (target) after = Math.max(0, target - 10);
  else if (state.lastReadSeq > 0 && state.lastReadSeq < thread.lastSeq) {
    after = Math.max(0, state.lastReadSeq - 5);
    dividerAfter = state.lastReadSeq;
  }
  list.replaceChildren();
  posts.clear();
  loadedFrom = after + 1;
  loadedTo = after;
  const window = await loadWindow({ after });
  atEnd = !window.hasMoreAfter;
  updateButtons(window.posts[0]?.seq ?? after + 1, window.posts.at(-1)?.seq ?? after);
  renderTools();
  renderComposer();
  renderDivider();
  const focus = target || (dividerAfter ? dividerAfter + 1 : 0);
  if (focus) document.getElementById(`p${focus}`)?.scrollIntoView({ block: 'start' });
  markRead();
  goLive();
}

earlier.addEventListener('click', async () => {
  const window = await loadWindow({ before: loadedFrom, limit: 50 });
  updateButtons(window.posts[0]?.seq ?? 1);
  earlier.hidden = !window.hasMoreBefore;
});

later.addEventListener('click', async () => {
  const window = await loadWindow({ after: loadedTo, limit: 50 });
  atEnd = !window.hasMoreAfter;
  updateButtons(loadedFrom, window.posts.at(-1)?.seq ?? loadedTo);
  markRead();
});

// ---- live ----------------------------------------------------------------------

let pendingAnnounce = 0;
let announceTimer;
function announce(n) {
  pendingAnnounce += n;
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    announcer.textContent = pendingAnnounce === 1 ? '1 new reply' : `${pendingAnnounce} new replies`;
    pendingAnnounce = 0;
  }, 800);
}

const typists = new Map();
function renderTyping() {
  const names = [...typists.keys()];
  typingLine.textContent = names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
}

function goLive() {
  on('postCreated', async (post) => {
    if (post.threadId !== threadId) return;
    thread.lastSeq = Math.max(thread.lastSeq, post.seq);
    if (!atEnd) { later.hidden = false; renderTools(); return; }
    if (post.seq === loadedTo + 1) {
      if (merge(post)) { loadedTo = post.seq; if (post.author.userName !== me?.userName) announce(1); }
    } else if (post.seq > loadedTo + 1) {
      await catchUp(); // we missed something: fetch the gap instead of guessing
    } else merge(post);
    typists.delete(post.author.displayName);
    renderTyping();
    renderTools();
    markRead();
  });
  on('postUpdated', (post) => {
    if (post.threadId !== threadId || !posts.has(post.seq)) return;
    merge(post);
  });
  on('threadUpdated', (t) => {
    if (t.id !== threadId || t.version < thread.version) return;
    const acceptedChanged = t.acceptedSeq !== thread.acceptedSeq;
    const lockChanged = t.locked !== thread.locked;
    const old = thread.acceptedSeq;
    thread = { ...thread, ...t };
    renderTools();
    if (lockChanged) { state.canReply = !thread.locked || state.canModerate; renderComposer(); for (const p of posts.values()) place(p); }
    if (acceptedChanged) for (const seq of [old, t.acceptedSeq]) if (seq && posts.has(seq)) place(posts.get(seq));
  });
  on('threadDeleted', (e) => {
    if (e.threadId !== threadId) return;
    document.getElementById('composer-area').replaceChildren(el('p', { class: 'alert error', role: 'alert' }, 'This thread was removed by a moderator.'));
  });
  on('typing', (e) => {
    if (e.threadId !== threadId || e.userName === me?.userName) return;
    clearTimeout(typists.get(e.displayName));
    typists.set(e.displayName, setTimeout(() => { typists.delete(e.displayName); renderTyping(); }, 4000));
    renderTyping();
  });
  on('viewers', (e) => { if (e.threadId === threadId) showViewers(e.count); });
  whenConnected(async () => {
    try {
      showViewers(await invoke('JoinThread', threadId));
    } catch { return; }
    await catchUp();
    renderTools();
  });
}

function showViewers(count) {
  document.getElementById('viewers').textContent = count > 1 ? `· ${count} people viewing` : '';
}

// ---- actions -------------------------------------------------------------------

async function guarded(action) {
  try { await action(); } catch (error) {
    const message = error instanceof ApiError ? error.message : 'Something went wrong.';
    announcer.textContent = message;
    alert(message);
  }
}

function react(post, kind, add) {
  guarded(async () => {
    const updated = add
      ? await api.post(`/api/posts/${post.id}/reactions`, { kind })
      : await api.del(`/api/posts/${post.id}/reactions/${kind}`);
    if (add) mine.add(`${post.seq}:${kind}`); else mine.delete(`${post.seq}:${kind}`);
    merge(updated);
  });
}

function quote(post) {
  const textarea = document.getElementById('reply-body');
  if (!textarea) return;
  const text = document.getElementById(`p${post.seq}`).querySelector('.post-body').innerText.trim();
  const quoted = text.split('\n').map((line) => `> ${line}`).join('\n');
  textarea.value = `${textarea.value ? `${textarea.value}\n\n` : ''}${quoted}\n\n@${post.author.userName} `;
  textarea.focus();
}

async function edit(post) {
  const li = document.getElementById(`p${post.seq}`);
  const { body: current } = await api.get(`/api/posts/${post.id}/source`);
  const textarea = el('textarea', { id: `edit-${post.seq}`, name: 'body', required: true }, current);
  const form = el('form', { class: 'composer edit-form', novalidate: true },
    el('div', { class: 'form-status alert', role: 'status', tabindex: '-1' }),
    el('div', { class: 'field' }, el('label', { for: `edit-${post.seq}` }, 'Edit your post'), textarea),
    el('div', { class: 'row' }, el('button', { type: 'submit' }, 'Save'), button('Cancel', () => place(posts.get(post.seq)))));
  li.querySelector('.post-body').replaceWith(form);
  li.querySelector('.post-actions')?.remove();
  textarea.focus();
  bindForm(form, async (data) => { merge(await api.put(`/api/posts/${post.id}`, { body: data.body })); });
}

function remove(post) {
  if (!confirm('Delete this post?')) return;
  guarded(async () => { await api.del(`/api/posts/${post.id}`); });
}

function accept(seq) {
  guarded(async () => {
    thread = { ...thread, ...(seq ? await api.post(`/api/threads/${threadId}/accept`, { seq }) : await api.del(`/api/threads/${threadId}/accept`)) };
    renderTools();
    for (const p of posts.values()) place(p);
  });
}

function flag(post) {
  const reason = prompt('Why should a moderator look at this post?');
  if (!reason) return;
  guarded(async () => { await api.post(`/api/posts/${post.id}/flags`, { reason }); announcer.textContent = 'Thanks — a moderator will take a look.'; });
}

function hide(post, hidden) {
  const reason = hidden ? prompt('Reason for hiding (shown in the audit log)') : '';
  if (reason === null) return;
  guarded(async () => { merge(await api.post(`/api/posts/${post.id}/${hidden ? 'hide' : 'unhide'}`, { reason })); });
}

function patch(body) {
  guarded(async () => { thread = { ...thread, ...(await api.patch(`/api/threads/${threadId}`, body)) }; renderTools(); renderComposer(); });
}

let readTimer;
function markRead() {
  if (!me || !atEnd) return;
  clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    if (document.visibilityState === 'visible') api.put(`/api/threads/${threadId}/read`, { seq: loadedTo }).catch(() => {});
  }, 1000);
}

start().catch((error) => {
  console.error(error);
  list.after(el('p', { class: 'alert error', role: 'alert' }, 'Could not load the thread. Reload to try again.'));
});
