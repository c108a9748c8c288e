// Staff: the knowledge-base articles with their helpfulness, the editor (drafts, revisions, publish) and the deflection count.
import { api, bindForm, el, formatDate, param, showStatus } from '../api.js';

const list = document.getElementById('kb-articles');
const editor = document.getElementById('kb-editor');
const form = document.getElementById('kb-article-form');
const field = (name) => form.elements.namedItem(name);
let current = null;

async function loadStats() {
  const s = await api.get('/api/kb/stats');
  document.getElementById('stat-published').textContent = String(s.published);
  document.getElementById('stat-drafts').textContent = String(s.drafts);
  document.getElementById('stat-opened').textContent = String(s.suggestionsOpened);
  document.getElementById('stat-deflections').textContent = String(s.deflections);
}

async function loadSections() {
  const sections = await api.get('/api/kb/sections');
  const options = () => sections.map((s) => el('option', { value: String(s.id) }, s.title));
  field('sectionId').replaceChildren(...options());
  document.getElementById('kp-section').replaceChildren(...options());
}

async function loadList() {
  const rows = await api.get('/api/kb/articles');
  list.setAttribute('aria-busy', 'false');
  if (!rows.length) { list.replaceChildren(el('tr', {}, el('td', { colspan: '5', class: 'empty' }, 'No articles yet.'))); return; }
  list.replaceChildren(...rows.map((a) => {
    const edit = el('a', { href: `/kb/manage?id=${a.id}`, 'data-article': String(a.id) }, a.title);
    edit.addEventListener('click', (event) => { event.preventDefault(); history.pushState(null, '', edit.href); open(a.id); });
    return el('tr', {},
      el('td', {}, edit, a.promoted ? el('span', { class: 'badge' }, 'From a thread') : null),
      el('td', {}, a.status === 'published' ? 'Published' : 'Draft'),
      el('td', {}, String(a.helpful)), el('td', {}, String(a.notHelpful)), el('td', {}, String(a.comments)));
  }));
}

function showArticle(a) {
  current = a;
  editor.hidden = false;
  document.getElementById('kb-editor-title').textContent = a ? a.title : 'New article';
  document.getElementById('kb-editor-state').textContent = a
    ? `${a.status === 'published' ? 'Published' : 'Draft'} · saved ${formatDate(a.updatedAt)}`
      + (a.redirectFrom.length ? ` · old addresses: ${a.redirectFrom.join(', ')}` : '')
    : 'Not saved yet';
  for (const name of ['title', 'slug', 'summary', 'body']) field(name).value = a ? a[name] : '';
  if (a) field('sectionId').value = String(a.sectionId);
  document.getElementById('kb-publish').hidden = !a || a.status === 'published';
  document.getElementById('kb-unpublish').hidden = !a || a.status !== 'published';
  const view = document.getElementById('kb-view');
  view.hidden = !a || a.status !== 'published';
  if (a) view.href = a.url;
}

async function open(id) {
  const [a, revisions, feedback] = await Promise.all([
    api.get(`/api/kb/articles/${id}`), api.get(`/api/kb/articles/${id}/revisions`), api.get(`/api/kb/articles/${id}/feedback`)]);
  showArticle(a);
  document.getElementById('kb-revisions').replaceChildren(...revisions.map((r) =>
    el('li', {}, `#${r.number} ${r.title} — ${formatDate(r.createdAt)}${r.authorName ? ` by ${r.authorName}` : ''}`)));
  const comments = feedback.comments.length ? feedback.comments.map((c) =>
    el('li', {}, el('strong', {}, c.helpful ? 'Helpful: ' : 'Not helpful: '), c.comment, el('span', { class: 'muted' }, ` — ${formatDate(c.at)}`)))
    : [el('li', { class: 'muted' }, 'No comments yet.')];
  document.getElementById('kb-comments').replaceChildren(...comments);
  document.getElementById('kb-editor-title').focus();
}

bindForm(form, async (data) => {
  const body = { sectionId: Number(data.sectionId), title: data.title, slug: data.slug || null, summary: data.summary, body: data.body };
  const saved = current ? await api.put(`/api/kb/articles/${current.id}`, body) : await api.post('/api/kb/articles', body);
  if (!current) history.replaceState(null, '', `/kb/manage?id=${saved.id}`);
  await open(saved.id);
  showStatus(form, 'Saved. A new revision was kept.');
  await Promise.all([loadList(), loadStats()]);
});

for (const [id, action, message] of [['kb-publish', 'publish', 'Published.'], ['kb-unpublish', 'unpublish', 'Back to draft.']]) {
  document.getElementById(id).addEventListener('click', async () => {
    if (!current) return;
    await api.post(`/api/kb/articles/${current.id}/${action}`);
    await open(current.id);
    showStatus(form, message);
    await Promise.all([loadList(), loadStats()]);
  });
}

document.getElementById('kb-new').addEventListener('click', () => {
  history.pushState(null, '', '/kb/manage');
  showArticle(null);
  field('title').focus();
});

const sectionForm = document.getElementById('kb-section-form');
bindForm(sectionForm, async (data) => {
  await api.post('/api/kb/sections', { title: data.title, description: data.description, position: Number(data.position || 0) });
  sectionForm.reset();
  showStatus(sectionForm, 'Section added.');
  await loadSections();
});

const promoteForm = document.getElementById('kb-promote-form');
bindForm(promoteForm, async (data) => {
  const threadId = Number(/(?:\/t\/)?(\d+)/.exec(data.threadId)?.[1]);
  const article = await api.post('/api/kb/promote', { threadId: threadId || null, sectionId: Number(data.sectionId) || null });
  promoteForm.reset();
  history.pushState(null, '', `/kb/manage?id=${article.id}`);
  await Promise.all([loadList(), loadStats()]);
  await open(article.id);
});

await Promise.all([loadSections(), loadList(), loadStats()]);
if (param('promote')) promoteForm.elements.namedItem('threadId').value = param('promote');
if (param('id')) await open(Number(param('id')));
