// Keeping a thread page complete. Live posts are published after their transaction commits, outside the write lock, so
// they can arrive out of order: a post ahead of the one we expect is held for a moment (the missing one is usually just
// behind it) and a gap that closes by itself costs no request. A gap that stays, a reconnect or a server's Resync runs the
// catch-up: one per page at a time, retried with backoff until the page holds everything the thread has. While it runs the
// page says "Catching up…" rather than pretending to be live.
import { api, ApiError, jittered } from '../api.js';
import { invoke, isConnected, setBehind, whenConnected, whenResync } from '../live.js';
import { renderHead, showPost, showViewers } from './thread-render.js';

/** How long a post that arrived ahead of its turn waits for the missing ones before we fetch them. */
export const GAP_WAIT_MS = 300;
const SHOW_BEHIND_AFTER_MS = 400;
const RETRY_MS = [500, 1000, 2000, 4000, 8000, 15000];
const backoff = (attempt) => jittered(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** One window after or before a seq; its size is the server's (see thread-state.js). */
export async function loadWindow(page, { after, before }) {
  const query = before ? `before=${before}` : `after=${after}`;
  const window = await api.get(`/api/threads/${page.state.threadId}/posts?${query}`);
  for (const post of window.posts) showPost(page, post);
  return window;
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

/** Shows held posts that are now in turn (and refreshes ones the page already has); returns how many others' posts it added. */
function drain(page) {
  const { state } = page;
  const { buffer } = state.sync;
  for (const [seq, post] of buffer) if (seq <= state.loadedTo) { showPost(page, post); buffer.delete(seq); }
  let added = 0;
  while (buffer.has(state.loadedTo + 1)) {
    const post = buffer.get(state.loadedTo + 1);
    buffer.delete(post.seq);
    showPost(page, post);
    state.loadedTo = post.seq;
    if (post.author.userName !== state.me?.userName) added += 1;
  }
  if (!buffer.size) { clearTimeout(state.sync.gapTimer); state.sync.gapTimer = 0; }
  return added;
}

const behind = (state) => state.loadedTo < state.thread.lastSeq;

/** Everything after the last post we have, window by window, merged by seq. */
async function fetchMissing(page) {
  const { state } = page;
  let gained = 0;
  for (;;) {
    const window = await loadWindow(page, { after: state.loadedTo });
    for (const post of window.posts) if (post.seq > state.loadedTo) { gained += 1; state.loadedTo = post.seq; }
    state.thread.lastSeq = Math.max(state.thread.lastSeq, window.lastSeq);
    if (!window.hasMoreAfter) return gained;
  }
}

/** Errors no retry can mend: the thread is gone or out of the reader's reach (the page says so through other events). */
const FINAL = new Set([401, 403, 404, 410]);

async function runCatchUp(page) {
  const { state } = page;
  const key = `thread:${state.threadId}`;
  // A catch-up that answers at once (the usual one after connecting) is not worth a flash of "Catching up…".
  const slow = setTimeout(() => setBehind(key, true), SHOW_BEHIND_AFTER_MS);
  let gained = 0;
  try {
    for (let attempt = 0; ;) {
      state.sync.again = false;
      try {
        const got = await fetchMissing(page);
        gained += got + drain(page);
        if (!state.sync.again && !behind(state)) break;
        // Still short (a live post ran ahead of what the server answered): go again, but never in a tight loop.
        if (!got) await sleep(backoff(attempt++));
      } catch (error) {
        if (error instanceof ApiError && FINAL.has(error.status)) { console.warn('Catching up stopped.', error); break; }
        console.warn('Catching up failed; trying again.', error);
        setBehind(key, true);
        await sleep(backoff(attempt++));
      }
    }
  } finally {
    clearTimeout(slow);
    setBehind(key, false);
  }
  if (gained) announce(page, gained);
  renderHead(page);
  markRead(page);
}

/** Fetches what the page misses; at most one runs per page (a call meanwhile makes the running one go round once more). */
export function catchUp(page) {
  const { state } = page;
  if (!state.atEnd) return Promise.resolve();
  const { sync } = state;
  if (sync.running) { sync.again = true; return sync.running; }
  clearTimeout(sync.gapTimer);
  sync.gapTimer = 0;
  sync.running = runCatchUp(page).finally(() => { sync.running = null; });
  return sync.running;
}

/** A post of this thread, live or our own: shown in seq order, held briefly when it is ahead of the ones we have. */
export function receivePost(page, post) {
  const { state } = page;
  const { sync } = state;
  state.thread.lastSeq = Math.max(state.thread.lastSeq, post.seq);
  if (post.seq <= state.loadedTo) { showPost(page, post); return; }
  sync.buffer.set(post.seq, post);
  const added = drain(page);
  if (added) announce(page, added);
  if (!sync.buffer.size || sync.running || sync.gapTimer) return;
  sync.gapTimer = setTimeout(() => {
    sync.gapTimer = 0;
    if (sync.buffer.size) catchUp(page);
  }, GAP_WAIT_MS);
}

/** Joins the thread's group after every (re)connect, retrying until it is in, then catches up; a Resync catches up too. */
export function stayJoined(page) {
  const { state } = page;
  let generation = 0;
  whenConnected(async () => {
    const mine = ++generation;
    for (let attempt = 0; ; attempt++) {
      try {
        showViewers(page, await invoke('JoinThread', state.threadId));
        break;
      } catch (error) {
        console.warn('Joining the live thread failed; trying again.', error);
        // Disconnected: the next reconnect runs this again. A newer run supersedes this one.
        if (!isConnected() || mine !== generation) return;
        await sleep(backoff(attempt));
      }
    }
    await catchUp(page);
  });
  whenResync(() => catchUp(page));
}
