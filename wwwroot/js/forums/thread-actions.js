// What the reader does on the thread page: reply, react, quote, edit, delete, accept, flag, hide, watch, lock, pin.
// Clicks are handled by delegation (one listener per area, by data-action / data-kind), so buttons survive updates.
// Questions are asked in accessible <dialog>s (../dialog.js), never with the browser's prompt/confirm/alert.
import { api, ApiError, bindForm, el, newIdempotencyKey, showStatus, writeOnce } from '../api.js';
import { alertDialog, confirmDialog, promptDialog } from '../dialog.js';
import { attachMentions } from './mentions.js';
import { REASON_MAX_LENGTH } from './limits.js';
import { hasReacted, setReacted } from './thread-state.js';
import { fmt, postNode, renderHead, renderTools, showPost } from './thread-render.js';
import { applyThreadUpdate, markRead, receivePost, sendTyping } from './thread-live.js';

async function guarded(page, action) {
  try { await action(); } catch (error) {
    const message = error instanceof ApiError ? error.message : 'Something went wrong.';
    page.dom.announcer.textContent = message;
    await alertDialog(message);
  }
}

const threadUrl = (page, rest = '') => `/api/threads/${page.state.threadId}${rest}`;

function react(page, post, kind) {
  const add = !hasReacted(page.state, post.seq, kind);
  return guarded(page, async () => {
    const updated = add
      ? await api.post(`/api/posts/${post.id}/reactions`, { kind })
      : await api.del(`/api/posts/${post.id}/reactions/${kind}`);
    setReacted(page.state, post.seq, kind, add);
    showPost(page, updated);
  });
}

function quote(page, post) {
  const textarea = document.getElementById('reply-body');
  if (!textarea) return;
  const text = postNode(post.seq).querySelector('.post-body').innerText.trim();
  const quoted = text.split('\n').map((line) => `> ${line}`).join('\n');
  textarea.value = `${textarea.value ? `${textarea.value}\n\n` : ''}${quoted}\n\n@${post.author.userName} `;
  textarea.focus();
}

async function toggleHistory(post, button) {
  const li = postNode(post.seq);
  const open = li.querySelector('.history');
  if (open) { open.remove(); button.setAttribute('aria-expanded', 'false'); return; }
  const revisions = await api.get(`/api/posts/${post.id}/revisions`);
  const box = el('div', { class: 'history' }, el('h3', {}, 'Edit history'),
    el('ol', {}, revisions.map((r) => el('li', {},
      el('p', { class: 'muted' }, `Before ${r.editorName}'s edit on ${fmt(r.createdAt)}:`), el('pre', {}, r.body)))));
  li.querySelector('.post-body').after(box);
  button.setAttribute('aria-expanded', 'true');
}

/** The edit form stands in for the body while open; the body and buttons stay (hidden) and keep receiving live updates. */
function closeEdit(li) {
  li.querySelector('.edit-form')?.remove();
  li.querySelector('.post-body').hidden = false;
  li.querySelector('.post-actions').hidden = false;
  li.querySelector('.post-actions [data-action="edit"]')?.focus();
}

async function edit(page, post) {
  const li = postNode(post.seq);
  if (li.querySelector('.edit-form')) return;
  const { body: current } = await api.get(`/api/posts/${post.id}/source`);
  const textarea = el('textarea', { id: `edit-${post.seq}`, name: 'body', required: true }, current);
  const form = el('form', { class: 'composer edit-form', novalidate: true },
    el('div', { class: 'form-status alert', role: 'status', tabindex: '-1' }),
    el('div', { class: 'field' }, el('label', { for: `edit-${post.seq}` }, 'Edit your post'), textarea),
    el('div', { class: 'row' },
      el('button', { type: 'submit' }, 'Save'),
      el('button', { type: 'button', class: 'link', 'data-action': 'cancel-edit' }, 'Cancel')));
  const body = li.querySelector('.post-body');
  body.hidden = true;
  li.querySelector('.post-actions').hidden = true;
  body.after(form);
  textarea.focus();
  bindForm(form, async (data) => {
    showPost(page, await api.put(`/api/posts/${post.id}`, { body: data.body }));
    closeEdit(li);
  });
}

async function remove(page, post) {
  if (!await confirmDialog('Delete this post?', { confirmLabel: 'Delete post', danger: true })) return;
  await guarded(page, async () => { await api.del(`/api/posts/${post.id}`); });
}

function accept(page, post) {
  const seq = page.state.thread.acceptedSeq === post.seq ? null : post.seq;
  return guarded(page, async () => {
    applyThreadUpdate(page, seq ? await api.post(threadUrl(page, '/accept'), { seq }) : await api.del(threadUrl(page, '/accept')));
  });
}

async function flag(page, post) {
  const reason = await promptDialog('Why should a moderator look at this post?', {
    title: 'Flag this post', confirmLabel: 'Flag post', required: true, maxLength: REASON_MAX_LENGTH,
  });
  if (!reason) return;
  await guarded(page, async () => {
    await api.post(`/api/posts/${post.id}/flags`, { reason });
    page.dom.announcer.textContent = 'Thanks — a moderator will take a look.';
  });
}

async function hide(page, post) {
  const hidden = !post.hidden;
  const reason = hidden
    ? await promptDialog('Reason for hiding (shown in the audit log)', {
      title: 'Hide this post', confirmLabel: 'Hide post', maxLength: REASON_MAX_LENGTH,
    })
    : '';
  if (reason === null) return;
  await guarded(page, async () => { showPost(page, await api.post(`/api/posts/${post.id}/${hidden ? 'hide' : 'unhide'}`, { reason })); });
}

const POST_ACTIONS = {
  quote, edit, accept, flag, hide, delete: remove,
  history: (page, post, button) => toggleHistory(post, button),
  'cancel-edit': (page, post) => closeEdit(postNode(post.seq)),
};

async function watch(page) {
  const { viewer } = page.state;
  await guarded(page, async () => {
    if (viewer.watching) await api.del(threadUrl(page, '/watch')); else await api.put(threadUrl(page, '/watch'));
    viewer.watching = !viewer.watching;
    renderTools(page);
  });
}

function patch(page, body) {
  return guarded(page, async () => applyThreadUpdate(page, await api.patch(threadUrl(page), body)));
}

async function deleteThread(page) {
  const reason = await promptDialog('Why delete this thread?', {
    title: 'Delete this thread?', confirmLabel: 'Delete thread', danger: true, maxLength: REASON_MAX_LENGTH,
  });
  if (reason === null) return;
  await guarded(page, async () => {
    await api.del(threadUrl(page, `?reason=${encodeURIComponent(reason)}`));
    location.href = '/forums';
  });
}

const TOOL_ACTIONS = {
  watch,
  lock: (page) => patch(page, { locked: !page.state.thread.locked }),
  pin: (page) => patch(page, { pinned: !page.state.thread.pinned }),
  'delete-thread': deleteThread,
  promote: (page) => { location.href = `/kb/manage?promote=${page.state.thread.id}`; },
};

function wireComposer(page, form, textarea) {
  const { state } = page;
  // The reply being sent: its key lives until the server confirms it, so every retry (ours or the member's) is that reply.
  let key = null;
  attachMentions(textarea);
  textarea.addEventListener('input', () => sendTyping(page));
  bindForm(form, async (data) => {
    key ??= newIdempotencyKey();
    const post = await writeOnce('POST', threadUrl(page, '/posts'), { body: data.body }, key, {
      onRetry: () => showStatus(form, 'Connection trouble: still sending your reply…', 'info'),
    });
    key = null;
    textarea.value = ''; // only now: the draft stays until the reply is confirmed
    if (state.atEnd) receivePost(page, post); else state.thread.lastSeq = Math.max(state.thread.lastSeq, post.seq);
    renderHead(page);
    markRead(page);
    showStatus(form, 'Reply posted.');
  });
}

/** Wires the page's buttons and the reply form (drawn later, and again when a lock changes what it shows). */
export function bindActions(page) {
  const { state, dom } = page;
  page.wireComposer = (form, textarea) => wireComposer(page, form, textarea);
  dom.list.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    const li = button?.closest('li.post');
    const post = li && state.posts.get(Number(li.dataset.seq));
    if (!post || !dom.list.contains(li)) return;
    if (button.dataset.kind) react(page, post, button.dataset.kind);
    else POST_ACTIONS[button.dataset.action]?.(page, post, button);
  });
  dom.tools.addEventListener('click', (event) => {
    const action = event.target.closest('button[data-action]')?.dataset.action;
    if (action) TOOL_ACTIONS[action]?.(page);
  });
}
