// The live thread page. The server rendered the title and first post; this entry owns the page's one state object,
// loads the first window of posts (around a permalink or the first unread post), then hands over to the live handling
// (thread-live.js) and the reader's actions (thread-actions.js). Drawing lives in thread-render.js.
import { api, currentUser, el } from '../api.js';
import { CONTEXT_BEFORE_TARGET, CONTEXT_BEFORE_UNREAD, createState, setReacted } from './thread-state.js';
import { postNode, renderComposer, renderDivider, renderHead, renderTools } from './thread-render.js';
import { goLive, loadWindow, markRead } from './thread-live.js';
import { bindActions } from './thread-actions.js';

const byId = (id) => document.getElementById(id);
const root = byId('thread');
const page = {
  state: createState(root),
  dom: {
    list: byId('posts'), announcer: byId('announcer'), typing: byId('typing'), earlier: byId('load-earlier'), later: byId('load-later'),
    tools: byId('thread-tools'), badges: byId('thread-badges'), title: byId('thread-title'), replyCount: byId('reply-count'),
    composer: byId('composer-area'), viewers: byId('viewers'),
  },
};

function extendLoaded(first, last) {
  const { state, dom } = page;
  dom.earlier.hidden = first <= 1;
  dom.later.hidden = state.atEnd;
  state.loadedFrom = Math.min(state.loadedFrom, first);
  if (last !== undefined) state.loadedTo = Math.max(state.loadedTo, last);
}

async function start() {
  const { state, dom } = page;
  state.me = await currentUser().catch(() => null);
  state.thread = await api.get(`/api/threads/${state.threadId}`);
  // Once per view: read mark, watching and every reaction of ours in the thread; later changes are made here.
  if (state.me) {
    state.viewer = await api.get(`/api/threads/${state.threadId}/me`);
    for (const r of state.viewer.reactions) setReacted(state, r.seq, r.kind, true);
  }
  const target = Number((location.hash.match(/^#p(\d+)$/) || [])[1]) || 0;
  let after = 0;
  if (target) after = Math.max(0, target - CONTEXT_BEFORE_TARGET);
  else if (state.viewer.lastReadSeq > 0 && state.viewer.lastReadSeq < state.thread.lastSeq) {
    after = Math.max(0, state.viewer.lastReadSeq - CONTEXT_BEFORE_UNREAD);
    state.dividerAfter = state.viewer.lastReadSeq;
  }
  dom.list.replaceChildren();
  state.posts.clear();
  state.loadedFrom = after + 1;
  state.loadedTo = after;
  const window = await loadWindow(page, { after });
  state.atEnd = !window.hasMoreAfter;
  extendLoaded(window.posts[0]?.seq ?? after + 1, window.posts.at(-1)?.seq ?? after);
  renderHead(page);
  renderTools(page);
  renderComposer(page);
  renderDivider(page);
  const focus = target || (state.dividerAfter ? state.dividerAfter + 1 : 0);
  if (focus) postNode(focus)?.scrollIntoView({ block: 'start' });
  markRead(page);
  goLive(page);
}

page.dom.earlier.addEventListener('click', async () => {
  const window = await loadWindow(page, { before: page.state.loadedFrom });
  extendLoaded(window.posts[0]?.seq ?? 1);
  page.dom.earlier.hidden = !window.hasMoreBefore;
});

page.dom.later.addEventListener('click', async () => {
  const { state } = page;
  const window = await loadWindow(page, { after: state.loadedTo });
  state.atEnd = !window.hasMoreAfter;
  extendLoaded(state.loadedFrom, window.posts.at(-1)?.seq ?? state.loadedTo);
  markRead(page);
});

bindActions(page);
start().catch((error) => {
  console.error(error);
  page.dom.list.after(el('p', { class: 'alert error', role: 'alert' }, 'Could not load the thread. Reload to try again.'));
});
