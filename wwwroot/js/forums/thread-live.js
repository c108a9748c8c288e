// Loading and live handling: windows of posts by sequence number, the catch-up after every reconnect (merged by seq, so
// nothing shows twice or out of order), live events applied to just the elements they change, read marks and announcements.
import { api, el } from '../api.js';
import { on, whenConnected, invoke } from '../live.js';
import { applyThread } from './thread-state.js';
import {
  refreshAllPosts, refreshPost, renderComposer, renderHead, renderTools, renderTyping, showPost, showViewers,
} from './thread-render.js';

/** One window after or before a seq; its size is the server's (see thread-state.js). */
export async function loadWindow(page, { after, before }) {
  const query = before ? `before=${before}` : `after=${after}`;
  const window = await api.get(`/api/threads/${page.state.threadId}/posts?${query}`);
  for (const post of window.posts) showPost(page, post);
  return window;
}

/** After any reconnect (or a gap): everything after the last post we have, window by window, merged by seq. */
export async function catchUp(page) {
  const { state } = page;
  if (!state.atEnd) return;
  let gained = 0;
  for (;;) {
    const window = await loadWindow(page, { after: state.loadedTo });
    for (const post of window.posts) if (post.seq > state.loadedTo) { gained += 1; state.loadedTo = post.seq; }
    state.thread.lastSeq = Math.max(state.thread.lastSeq, window.lastSeq);
    if (!window.hasMoreAfter) break;
  }
  if (gained) announce(page, gained);
}

/** New replies are announced politely and in one sentence, however many arrive at once. */
export function announce(page, count) {
  const { state, dom } = page;
  state.pendingAnnounce += count;
  clearTimeout(state.timers.announce);
  state.timers.announce = setTimeout(() => {
    dom.announcer.textContent = state.pendingAnnounce === 1 ? '1 new reply' : `${state.pendingAnnounce} new replies`;
    state.pendingAnnounce = 0;
  }, 800);
}

/** Marks the thread read up to the last post shown, once the reader has had it on screen for a moment. */
export function markRead(page) {
  const { state } = page;
  if (!state.me || !state.atEnd) return;
  clearTimeout(state.timers.read);
  state.timers.read = setTimeout(() => {
    if (document.visibilityState === 'visible') api.put(`/api/threads/${state.threadId}/read`, { seq: state.loadedTo }).catch(() => {});
  }, 1000);
}

/** A newer thread (our own write's answer or a live event): only what changed is redrawn. */
export function applyThreadUpdate(page, update) {
  const change = applyThread(page.state, update);
  if (!change) return;
  renderHead(page);
  renderTools(page);
  if (change.lockChanged) {
    renderComposer(page);
    refreshAllPosts(page); // Quote and Edit depend on whether the viewer may still reply
  }
  if (change.acceptedChanged) for (const seq of [change.acceptedBefore, page.state.thread.acceptedSeq]) if (seq) refreshPost(page, seq);
}

async function onPostCreated(page, post) {
  const { state, dom } = page;
  if (post.threadId !== state.threadId) return;
  state.thread.lastSeq = Math.max(state.thread.lastSeq, post.seq);
  if (!state.atEnd) { dom.later.hidden = false; renderHead(page); return; }
  if (post.seq === state.loadedTo + 1) {
    if (showPost(page, post)) { state.loadedTo = post.seq; if (post.author.userName !== state.me?.userName) announce(page, 1); }
  } else if (post.seq > state.loadedTo + 1) {
    await catchUp(page); // we missed something: fetch the gap instead of guessing
  } else showPost(page, post);
  clearTimeout(state.typists.get(post.author.displayName));
  state.typists.delete(post.author.displayName);
  renderTyping(page);
  renderHead(page);
  markRead(page);
}

function onTyping(page, event) {
  const { state } = page;
  if (event.threadId !== state.threadId || event.userName === state.me?.userName) return;
  clearTimeout(state.typists.get(event.displayName));
  state.typists.set(event.displayName, setTimeout(() => { state.typists.delete(event.displayName); renderTyping(page); }, 4000));
  renderTyping(page);
}

/** Tells the others in the thread that we are typing, at most every two seconds (the server throttles too). */
export function sendTyping(page) {
  const now = Date.now();
  if (now - page.state.lastTypingSent <= 2000) return;
  page.state.lastTypingSent = now;
  invoke('Typing', page.state.threadId).catch(() => {});
}

export function goLive(page) {
  const { state, dom } = page;
  const mine = (id) => id === state.threadId;
  on('postCreated', (post) => onPostCreated(page, post));
  on('postUpdated', (post) => { if (mine(post.threadId) && state.posts.has(post.seq)) showPost(page, post); });
  on('threadUpdated', (thread) => { if (mine(thread.id)) applyThreadUpdate(page, thread); });
  on('threadDeleted', (event) => {
    if (!mine(event.threadId)) return;
    dom.composer.dataset.mode = 'removed';
    dom.composer.replaceChildren(el('p', { class: 'alert error', role: 'alert' }, 'This thread was removed by a moderator.'));
  });
  on('typing', (event) => onTyping(page, event));
  on('viewers', (event) => { if (mine(event.threadId)) showViewers(page, event.count); });
  whenConnected(async () => {
    try {
      showViewers(page, await invoke('JoinThread', state.threadId));
    } catch { return; }
    await catchUp(page);
    renderHead(page);
  });
}
