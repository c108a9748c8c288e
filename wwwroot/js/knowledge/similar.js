// Similar questions while typing: a reusable widget for any composer with a title field (new thread, new idea).
// Once the title has three words it asks /api/kb/similar (debounced, the latest answer wins) and lists up to five items —
// solved threads, then articles, then open threads — each opening in a new tab. "My question is different" puts them away.
// Deflections: the first suggestion opened is reported (a token back); if the composer is then left without posting,
// the token goes out with navigator.sendBeacon and the server counts one deflection.
import { api, el } from '../api.js';

const LABELS = { solved: 'Solved', article: 'Article', thread: 'Open thread', idea: 'Idea' };
const words = (text) => (text.match(/[\p{L}\p{N}]+/gu) || []).length;

/**
 * @param {HTMLInputElement} title the title input to watch
 * @param {object} options `after` (the element the panel goes after; default the title's field), `focusAfter` (what
 *   "my question is different" focuses), `delayMs` (debounce, default 300)
 * @returns {{ posted(): void, refresh(): Promise<void> }} call posted() once the composer's post succeeded
 */
export function attachSimilar(title, { after = title.closest('.field') ?? title, focusAfter = null, delayMs = 300 } = {}) {
  const heading = el('h3', { id: `${title.id}-similar-title` }, 'Similar questions — maybe already answered');
  const list = el('ul', { id: `${title.id}-similar-list` });
  const different = el('button', { type: 'button', class: 'secondary', 'data-similar-different': '' }, 'My question is different');
  const status = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const panel = el('section', { class: 'similar', 'aria-labelledby': heading.id, 'data-similar': '', hidden: true }, heading, list, different);
  after.insertAdjacentElement('afterend', panel);
  panel.insertAdjacentElement('afterend', status);

  let timer = null;
  let asked = 0;
  let dismissedFor = null;
  let token = null;
  let done = false;

  function show(items) {
    panel.hidden = items.length === 0;
    status.textContent = items.length ? `${items.length} similar question${items.length === 1 ? '' : 's'} found` : '';
    list.replaceChildren(...items.map((item) => {
      const link = el('a', { href: item.url, target: '_blank', rel: 'noopener', 'data-similar-kind': item.kind }, item.title);
      link.addEventListener('click', () => opened(item.url));
      return el('li', {}, el('span', { class: `kind kind-${item.kind === 'article' ? 'article' : 'thread'}` }, LABELS[item.kind] ?? item.kind),
        link, el('span', { class: 'muted' }, ` in ${item.where}`), el('span', { class: 'visually-hidden' }, ' (opens in a new tab)'));
    }));
  }

  async function refresh() {
    const text = title.value.trim();
    if (words(text) < 3 || text === dismissedFor) { show([]); return; }
    const mine = ++asked;
    let items = [];
    try { items = await api.get(`/api/kb/similar?title=${encodeURIComponent(text)}`); } catch { items = []; }
    if (mine === asked) show(items);
  }

  async function opened(url) {
    if (token) return; // one composer, one deflection at most
    try { token = (await api.post('/api/kb/suggestions/opened', { url })).token; } catch { token = null; }
  }

  title.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, delayMs);
  });
  different.addEventListener('click', () => {
    dismissedFor = title.value.trim();
    show([]);
    status.textContent = 'Suggestions hidden. Go ahead and ask.';
    (focusAfter ?? title).focus();
  });
  window.addEventListener('pagehide', () => {
    if (token && !done && title.value.trim()) navigator.sendBeacon(`/api/kb/deflections/${encodeURIComponent(token)}`);
  });

  return {
    posted() { done = true; },
    refresh,
  };
}
