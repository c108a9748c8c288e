// One search box over articles, threads (ideas too) and stories, each result labelled with its kind; the kind filter narrows it.
import { api, el, param } from '../api.js';

const form = document.getElementById('find-form');
const section = document.getElementById('find-results');
const title = document.getElementById('find-title');
const list = document.getElementById('find-list');
const LABELS = { article: 'Article', thread: 'Thread', idea: 'Idea', story: 'Story' };

function html(tag, attrs, markup) {
  // Titles and snippets are escaped on the server; only <mark> is added around hits.
  const node = el(tag, attrs);
  node.innerHTML = markup;
  return node;
}

async function run(q, kind) {
  if (!q) { section.hidden = true; return; }
  section.hidden = false;
  title.textContent = 'Searching…';
  let result;
  try {
    result = await api.get(`/api/find?q=${encodeURIComponent(q)}&kind=${encodeURIComponent(kind)}`);
  } catch (error) {
    title.textContent = error.message || 'Search failed.';
    list.replaceChildren();
    return;
  }
  const { hits, counts } = result;
  const parts = [[counts.articles, 'article'], [counts.threads, 'thread'], [counts.ideas, 'idea'], [counts.stories, 'story']]
    .filter(([n]) => n).map(([n, k]) => `${n} ${k}${n === 1 ? '' : (k === 'story' ? '' : 's')}`.replace('storys', 'stories'));
  title.textContent = hits.length ? `Results for “${q}”: ${parts.join(', ')}` : `Nothing found for “${q}”`;
  list.replaceChildren(...hits.map((h) => el('li', { 'data-kind': h.kind },
    el('span', { class: `kind kind-${h.kind}` }, LABELS[h.kind] ?? h.kind),
    html('a', { href: h.url }, h.title),
    el('span', { class: 'muted' }, ` in ${h.where}`),
    html('p', { class: 'snippet' }, h.snippet))));
}

function current() {
  return { q: form.elements.namedItem('q').value.trim(), kind: new FormData(form).get('kind') || 'all' };
}

function submit(push) {
  const { q, kind } = current();
  const url = `/search?q=${encodeURIComponent(q)}${kind !== 'all' ? `&kind=${kind}` : ''}`;
  if (push) history.pushState(null, '', url);
  run(q, kind);
}

form.addEventListener('submit', (event) => { event.preventDefault(); submit(true); });
form.querySelectorAll('input[name="kind"]').forEach((radio) => radio.addEventListener('change', () => submit(true)));

function fromAddress() {
  form.elements.namedItem('q').value = param('q') ?? '';
  const kind = param('kind') ?? 'all';
  const radio = form.querySelector(`input[name="kind"][value="${CSS.escape(kind)}"]`);
  if (radio) radio.checked = true;
  run(current().q, current().kind);
}
window.addEventListener('popstate', fromAddress);
fromAddress();
