// Drawing the thread page. A post's element is created once and then updated in place, part by part (classes, badges,
// body, reactions, buttons), so a lock, an accepted answer, an edit, a hide or a reaction keeps the reader's scroll
// position and focus. Buttons carry data-action / data-kind; thread-actions.js handles their clicks by delegation.
import { avatar, el } from '../api.js';
import { badge, threadBadges } from '../badges.js';
import {
  REACTIONS, bodyChanged, composerMode, hasReacted, isAccepted, mergePost, postActions, replyCountText, toolActions,
} from './thread-state.js';

export function fmt(value) {
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const postNode = (seq) => document.getElementById(`p${seq}`);

/** Puts `node` at `index` in `box` unless it is already there: moving a focused element would drop its focus. */
function placeAt(box, node, index) {
  if (box.children[index] !== node) box.insertBefore(node, box.children[index] ?? null);
}

/**
 * Makes `box` hold exactly these buttons ({ action, label, pressed? }), reusing the ones it has by action. Buttons that
 * go are removed first, so the ones that stay are already in order and are never moved.
 */
export function syncButtons(box, specs) {
  const wanted = new Set(specs.map((spec) => spec.action));
  for (const stale of [...box.children].filter((b) => !wanted.has(b.dataset.action))) stale.remove();
  const existing = new Map([...box.children].map((b) => [b.dataset.action, b]));
  specs.forEach((spec, index) => {
    const button = existing.get(spec.action) ?? el('button', { type: 'button', class: 'link', 'data-action': spec.action });
    if (button.textContent !== spec.label) button.textContent = spec.label;
    if (spec.pressed !== undefined) button.setAttribute('aria-pressed', String(spec.pressed));
    placeAt(box, button, index);
  });
}

/** The reaction buttons: signed-in readers see every kind, visitors only the ones with a count. Same rule as syncButtons. */
function syncReactions(state, bar, post) {
  const shown = Object.entries(REACTIONS).filter(([kind]) => state.me || post.reactions?.[kind]);
  const wanted = new Set(shown.map(([kind]) => kind));
  for (const stale of [...bar.children].filter((b) => !wanted.has(b.dataset.kind))) stale.remove();
  const existing = new Map([...bar.children].map((b) => [b.dataset.kind, b]));
  shown.forEach(([kind, emoji], index) => {
    const count = post.reactions?.[kind] || 0;
    const button = existing.get(kind) ?? el('button', { type: 'button', 'data-kind': kind },
      el('span', { 'aria-hidden': 'true' }, emoji), el('span', { class: 'visually-hidden' }), el('span', { class: 'count' }));
    button.className = `reaction${count ? '' : ' unused'}`;
    button.setAttribute('aria-pressed', String(hasReacted(state, post.seq, kind)));
    button.disabled = !state.me || post.hidden || post.deleted;
    // The accessible name reads "like, 3" (or just "like"): the emoji itself is hidden from screen readers.
    button.children[1].textContent = count ? `${kind}, ` : kind;
    button.children[2].textContent = count ? String(count) : '';
    placeAt(bar, button, index);
  });
}

function fillBody(body, post) {
  if (post.deleted) body.replaceChildren(el('p', { class: 'muted' }, 'This post was deleted.'));
  else if (post.hidden && !post.html) body.replaceChildren(el('p', { class: 'muted' }, 'This post was hidden by a moderator.'));
  else body.innerHTML = post.html; // stored HTML, rendered and sanitised by the server's Markdown pipeline
}

function createPost(post) {
  return el('li', { class: 'post', id: `p${post.seq}`, 'data-seq': String(post.seq), tabindex: '-1' },
    el('div', { class: 'post-head' },
      avatar(post.author),
      el('a', { class: 'post-author', href: `/u/${encodeURIComponent(post.author.userName)}` }, post.author.displayName),
      el('a', { class: 'permalink muted', href: `#p${post.seq}`, 'aria-label': `Post ${post.seq}, ${fmt(post.createdAt)}` },
        el('time', { datetime: post.createdAt }, fmt(post.createdAt))),
      el('span', { class: 'post-badges' })),
    el('div', { class: 'post-body' }),
    el('div', { class: 'reactions', role: 'group', 'aria-label': 'Reactions' }),
    el('div', { class: 'post-actions' }));
}

/** Brings an existing post element up to date with `post`; `previous` is the version it showed (null: nothing yet). */
function updatePost(state, li, post, previous) {
  const accepted = isAccepted(state, post.seq);
  li.classList.toggle('accepted', accepted);
  li.classList.toggle('hidden-post', post.hidden);
  if (post.editedAt && !li.querySelector('.edited')) {
    const history = el('button', { type: 'button', class: 'link edited', 'data-action': 'history', 'aria-expanded': 'false' }, 'edited');
    li.querySelector('.post-badges').before(history);
  }
  const badges = li.querySelector('.post-badges');
  const kinds = [post.hidden ? 'hidden' : null, accepted ? 'accepted' : null].filter(Boolean);
  if (badges.dataset.kinds !== kinds.join(' ')) {
    badges.dataset.kinds = kinds.join(' ');
    badges.replaceChildren(...kinds.map((kind) => badge(kind)));
  }
  if (bodyChanged(previous, post)) {
    fillBody(li.querySelector('.post-body'), post);
    // An open edit history describes the old text: close it.
    li.querySelector('.history')?.remove();
    li.querySelector('.edited')?.setAttribute('aria-expanded', 'false');
  }
  syncReactions(state, li.querySelector('.reactions'), post);
  syncButtons(li.querySelector('.post-actions'), postActions(state, post));
}

/** Adds a post or updates the one on screen (an older version is ignored). Returns true when the post is new to the page. */
export function showPost(page, post) {
  const { state, dom } = page;
  const { status, previous } = mergePost(state, post);
  if (status === 'stale') return false;
  let li = postNode(post.seq);
  if (!li) {
    li = createPost(post);
    const next = [...dom.list.children].find((node) => Number(node.dataset.seq) > post.seq);
    dom.list.insertBefore(li, next ?? null);
  }
  updatePost(state, li, post, previous);
  return status === 'new';
}

/** Re-applies the thread's state (accepted answer, who may do what) to one post, leaving its body alone. */
export function refreshPost(page, seq) {
  const post = page.state.posts.get(seq);
  const li = postNode(seq);
  if (post && li) updatePost(page.state, li, post, post);
}

export function refreshAllPosts(page) {
  for (const seq of page.state.posts.keys()) refreshPost(page, seq);
}

export function renderDivider(page) {
  document.getElementById('unread-divider')?.remove();
  const after = page.state.dividerAfter;
  if (!after) return;
  const divider = el('li', { class: 'unread-divider', id: 'unread-divider', 'aria-label': 'New since your last visit' }, 'New since your last visit');
  postNode(after + 1)?.before(divider);
}

/** Title, badges and reply count in the thread's head. */
export function renderHead(page) {
  const { thread } = page.state;
  const { title, badges, replyCount } = page.dom;
  if (title.textContent !== thread.title) title.textContent = thread.title;
  const kinds = [thread.pinned, thread.locked, thread.acceptedSeq].join();
  if (badges.dataset.kinds !== kinds) {
    badges.dataset.kinds = kinds;
    badges.replaceChildren(...threadBadges({
      pinned: thread.pinned, locked: thread.locked, answered: Boolean(thread.acceptedSeq), answerHref: `#p${thread.acceptedSeq}`,
    }));
  }
  const count = replyCountText(thread);
  if (replyCount.textContent !== count) replyCount.textContent = count;
}

export function renderTools(page) {
  syncButtons(page.dom.tools, toolActions(page.state));
}

/** The reply area; rebuilt only when what it shows changes, so a half-written reply survives every other update. */
export function renderComposer(page) {
  const area = page.dom.composer;
  const mode = composerMode(page.state);
  if (mode === 'visitor' || area.dataset.mode === mode || area.dataset.mode === 'removed') return;
  area.dataset.mode = mode;
  if (mode === 'locked') {
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
  page.wireComposer?.(form, textarea);
}

export function showViewers(page, count) {
  page.dom.viewers.textContent = count > 1 ? `· ${count} people viewing` : '';
}

export function renderTyping(page) {
  const names = [...page.state.typists.keys()];
  page.dom.typing.textContent = names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
}
