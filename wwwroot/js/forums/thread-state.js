// The thread page's one state object and the decisions made from it (which post is new, what changed in the thread,
// which buttons a post offers). Nothing here touches the DOM: thread-render.js draws what these functions decide.

export const REACTIONS = { like: '👍', heart: '❤️', tada: '🎉', laugh: '😄', thinking: '🤔', eyes: '👀' };

/**
 * Posts shown above a permalink target, or above the first unread post, for context. How many posts one window holds is
 * not decided here: the page never sends a limit, so the server's Forums:WindowSize is the one page size.
 */
export const CONTEXT_BEFORE_TARGET = 10;
export const CONTEXT_BEFORE_UNREAD = 5;

/** Everything the page knows; created once by thread.js and passed to every function that needs it. */
export function createState(root) {
  return {
    threadId: Number(root.dataset.threadId),
    isQa: root.dataset.qa === 'true',
    thread: null, // ThreadDto
    me: null, // the signed-in member, or null
    viewer: { lastReadSeq: 0, watching: false, canModerate: false, canReply: false },
    posts: new Map(), // seq -> PostDto
    mine: new Set(), // "seq:kind": the viewer's own reactions
    loadedFrom: 1, // lowest seq shown
    loadedTo: 0, // highest seq shown; live posts append only when it is the thread's end
    atEnd: false,
    dividerAfter: 0, // the unread divider goes after this seq (0: none)
    typists: new Map(), // display name -> timer that forgets them
    pendingAnnounce: 0,
    lastTypingSent: 0,
    timers: { announce: 0, read: 0 },
    // thread-sync.js: the catch-up in flight, whether to go round again, live posts held until their turn, the gap timer.
    sync: { running: null, again: false, buffer: new Map(), gapTimer: 0 },
  };
}

/** Keeps a post unless we already hold a newer version; says whether it was new, changed or stale, and what it replaced. */
export function mergePost(state, post) {
  const previous = state.posts.get(post.seq);
  if (previous && previous.version > post.version) return { status: 'stale', previous };
  state.posts.set(post.seq, post);
  return { status: previous ? 'changed' : 'new', previous };
}

/** What an update to the post changes on screen: the body only when its content or visibility changed. */
export function bodyChanged(previous, post) {
  return !previous || previous.html !== post.html || previous.hidden !== post.hidden || previous.deleted !== post.deleted;
}

/** Applies a newer thread (from a write of ours or a live event) and says what changed; null when it is older than ours. */
export function applyThread(state, update) {
  const before = state.thread;
  if (update.version < before.version) return null;
  state.thread = { ...before, ...update };
  const after = state.thread;
  const lockChanged = after.locked !== before.locked;
  if (lockChanged && state.me) state.viewer.canReply = !after.locked || state.viewer.canModerate;
  return {
    lockChanged,
    pinnedChanged: after.pinned !== before.pinned,
    acceptedChanged: after.acceptedSeq !== before.acceptedSeq,
    acceptedBefore: before.acceptedSeq,
    titleChanged: after.title !== before.title,
  };
}

export const reactionKey = (seq, kind) => `${seq}:${kind}`;
export const hasReacted = (state, seq, kind) => state.mine.has(reactionKey(seq, kind));

export function setReacted(state, seq, kind, on) {
  if (on) state.mine.add(reactionKey(seq, kind)); else state.mine.delete(reactionKey(seq, kind));
}

export const isAccepted = (state, seq) => state.thread?.acceptedSeq === seq;

/** The buttons under a post, in order, as { action, label }: the same rules the server enforces, so no button only fails. */
export function postActions(state, post) {
  const { me, viewer, thread } = state;
  if (!me || post.deleted) return [];
  const own = post.author.userName === me.userName;
  const list = [];
  if (viewer.canReply && !post.hidden) list.push({ action: 'quote', label: 'Quote' });
  if ((own || viewer.canModerate) && viewer.canReply && !post.hidden) list.push({ action: 'edit', label: 'Edit' });
  if (own || viewer.canModerate) list.push({ action: 'delete', label: 'Delete' });
  if (state.isQa && post.seq > 1 && !post.hidden && (thread?.author.userName === me.userName || viewer.canModerate)) {
    list.push({ action: 'accept', label: isAccepted(state, post.seq) ? 'Unaccept answer' : 'Accept as answer' });
  }
  if (!own && !post.hidden) list.push({ action: 'flag', label: 'Flag' });
  if (viewer.canModerate) list.push({ action: 'hide', label: post.hidden ? 'Unhide' : 'Hide' });
  return list;
}

/** The thread's tools for the viewer: watch for members, lock/pin/delete for moderators. */
export function toolActions(state) {
  const { me, viewer, thread } = state;
  if (!me) return [];
  const list = [{ action: 'watch', label: viewer.watching ? 'Stop watching' : 'Watch', pressed: viewer.watching }];
  if (viewer.canModerate) {
    list.push(
      { action: 'lock', label: thread.locked ? 'Unlock' : 'Lock' },
      { action: 'pin', label: thread.pinned ? 'Unpin' : 'Pin' },
      { action: 'delete-thread', label: 'Delete thread' });
    // A solved question can become a knowledge-base article (the server allows moderators and admins only).
    if (thread.acceptedSeq) list.push({ action: 'promote', label: 'Make a KB article' });
  }
  return list;
}

/** What the reply area shows: nothing of ours for visitors (the server's sign-in link), a notice when locked, or the form. */
export function composerMode(state) {
  if (!state.me) return 'visitor';
  return state.thread.locked && !state.viewer.canModerate ? 'locked' : 'open';
}

export const replyCountText = (thread) => `${thread.lastSeq - 1} ${thread.lastSeq === 2 ? 'reply' : 'replies'}`;
