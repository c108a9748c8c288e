// Live handling: live events applied to just the elements they change, typing and viewers. Keeping the page complete
// (windows by seq, the out-of-order buffer, the one catch-up in flight, rejoining) lives in thread-sync.js.
import { el } from '../api.js';
import { on, invoke } from '../live.js';
import { applyThread } from './thread-state.js';
import {
  refreshAllPosts, refreshPost, renderComposer, renderHead, renderTools, renderTyping, showPost, showViewers,
} from './thread-render.js';
import { markRead, receivePost, stayJoined } from './thread-sync.js';

export { announce, catchUp, loadWindow, markRead, receivePost } from './thread-sync.js';

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

function onPostCreated(page, post) {
  const { state, dom } = page;
  if (post.threadId !== state.threadId) return;
  if (!state.atEnd) {
    state.thread.lastSeq = Math.max(state.thread.lastSeq, post.seq);
    dom.later.hidden = false;
    renderHead(page);
    return;
  }
  receivePost(page, post);
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
  stayJoined(page);
}
