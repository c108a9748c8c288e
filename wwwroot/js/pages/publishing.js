// The story editor: list, edit, upload images, live preview, save/publish/schedule, history.
import { api, ApiError, bindForm, el, formatDate, param, showProblem, showStatus } from '../api.js';
import { badge } from '../badges.js';

const parts = location.pathname.split('/').filter(Boolean); // ['publishing', ...]
const list = document.getElementById('story-list');
const editor = document.getElementById('story-editor');

async function showList() {
  list.hidden = false;
  const tbody = document.getElementById('stories');
  try {
    const data = await api.get('/api/stories');
    const errors = document.getElementById('content-errors');
    errors.replaceChildren(...data.contentErrors.map((e) => el('p', {}, `${e.file} line ${e.line}: ${e.message}`)));
    tbody.replaceChildren(...(data.stories.length ? data.stories.map(row) : [el('tr', {}, el('td', { colspan: 4, class: 'empty' }, 'No stories yet.'))]));
  } catch (error) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 4 }, error.message)));
  }
}

function row(story) {
  const href = story.readOnly ? `/publishing/file/${encodeURIComponent(story.slug)}` : `/publishing/${story.id}`;
  return el('tr', {},
    el('td', {}, el('a', { href }, story.title), ' ', el('span', { class: 'muted' }, story.customer),
      story.readOnly ? badge('note', { text: 'from content/', title: story.sourceFile }) : null),
    el('td', {}, story.kind === 'spotlight' ? 'Spotlight' : 'Case study'),
    el('td', {}, el('span', { class: `status status-${story.status}` }, story.status),
      story.status === 'scheduled' && story.publishAt ? ` ${new Date(story.publishAt).toLocaleString()}` : ''),
    el('td', {}, formatDate(story.updatedAt)));
}

// ---- editor ----------------------------------------------------------------

const form = document.getElementById('story-form');
const fields = ['kind', 'slug', 'title', 'summary', 'customer', 'body', 'personName', 'personRole', 'quote', 'challenge', 'solution',
  'results', 'ctaLabel', 'ctaUrl', 'heroImage', 'heroAlt', 'logoImage', 'industry', 'companySize', 'productArea', 'featuredMember', 'creditReferralCode'];
let storyId = null;

function metricsInputs(values = []) {
  const box = document.getElementById('metrics');
  box.replaceChildren();
  for (let i = 0; i < 4; i += 1) {
    const m = values[i] || {};
    box.append(el('div', { class: 'field-row metric-row' },
      el('div', { class: 'field' }, el('label', { for: `metric-value-${i}` }, `Metric ${i + 1} value`),
        el('input', { id: `metric-value-${i}`, maxlength: 20, value: m.value || '', placeholder: i === 0 ? '42%' : '' })),
      el('div', { class: 'field' }, el('label', { for: `metric-label-${i}` }, `Metric ${i + 1} label`),
        el('input', { id: `metric-label-${i}`, maxlength: 60, value: m.label || '', placeholder: i === 0 ? 'less churn' : '' }))));
  }
}

function collect() {
  const data = {};
  for (const name of fields) data[name] = form.elements.namedItem(name)?.value ?? '';
  data.metrics = [];
  for (let i = 0; i < 4; i += 1) {
    const value = document.getElementById(`metric-value-${i}`).value.trim();
    const label = document.getElementById(`metric-label-${i}`).value.trim();
    if (value || label) data.metrics.push({ value, label });
  }
  return data;
}

function fill(story) {
  for (const name of fields) {
    const input = form.elements.namedItem(name);
    if (input) input.value = story.fields[name] ?? '';
  }
  metricsInputs(story.fields.metrics || []);
  applyKind();
  showState(story);
  preview();
}

function showState(story) {
  storyId = story.id;
  document.getElementById('editor-title').textContent = story.fields.title || 'New story';
  const when = story.status === 'scheduled' && story.publishAt ? ` for ${new Date(story.publishAt).toLocaleString()}` : '';
  document.getElementById('story-state').textContent = `Status: ${story.status}${when}`;
  const previewLink = document.getElementById('preview-link');
  previewLink.hidden = !story.previewUrl;
  if (story.previewUrl) previewLink.href = story.previewUrl;
  const publicLink = document.getElementById('public-link');
  publicLink.hidden = story.status === 'draft';
  publicLink.href = story.publicUrl;
  document.getElementById('unpublish').disabled = story.status === 'draft';
  if (story.redirectFrom?.length) document.getElementById('slug-hint').textContent = `Old addresses that redirect here: ${story.redirectFrom.join(', ')}`;
}

function applyKind() {
  const kind = form.elements.namedItem('kind').value;
  editor.dataset.kind = kind;
  document.querySelectorAll('.kind-spotlight').forEach((n) => { n.hidden = kind !== 'spotlight'; });
  document.querySelectorAll('.kind-case-study').forEach((n) => { n.hidden = kind !== 'case-study'; });
}

async function save() {
  const data = collect();
  const story = storyId ? await api.put(`/api/stories/${storyId}`, data) : await api.post('/api/stories', data);
  if (!storyId) history.replaceState(null, '', `/publishing/${story.id}`);
  fill(story);
  loadRevisions();
  return story;
}

async function act(action) {
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiError) showProblem(form, error);
    else throw error;
  }
}

async function showEditor() {
  editor.hidden = false;
  metricsInputs();
  form.elements.namedItem('kind').addEventListener('change', () => { applyKind(); preview(); });
  bindForm(form, async () => { await save(); showStatus(form, 'Draft saved.'); });
  document.getElementById('publish').addEventListener('click', () => act(async () => {
    await save();
    const result = await api.post(`/api/stories/${storyId}/publish`, {});
    showState(result.story);
    showStatus(form, result.message);
  }));
  document.getElementById('schedule').addEventListener('click', () => act(async () => {
    const at = document.getElementById('publishAt').value;
    if (!at) { showProblem(form, new ApiError(400, { detail: 'Choose a date and time to schedule.' })); return; }
    await save();
    const result = await api.post(`/api/stories/${storyId}/publish`, { publishAt: new Date(at).toISOString() });
    showState(result.story);
    showStatus(form, result.message);
  }));
  document.getElementById('unpublish').addEventListener('click', () => act(async () => {
    const story = await api.post(`/api/stories/${storyId}/unpublish`, {});
    showState(story);
    showStatus(form, 'Unpublished: the story is a draft again.');
  }));
  wireUploads();
  form.addEventListener('input', () => schedulePreview());

  if (parts[1] === 'new') {
    form.elements.namedItem('kind').value = param('kind') === 'case-study' ? 'case-study' : 'spotlight';
    applyKind();
    document.getElementById('unpublish').disabled = true;
    return;
  }
  try {
    if (parts[1] === 'file') {
      const story = await api.get(`/api/stories/files/${encodeURIComponent(parts[2] || '')}`);
      fill(story);
      const note = document.getElementById('readonly-note');
      note.hidden = false;
      note.textContent = `This story comes from ${story.sourceFile} (from content/) and is read-only here. Edit the file to change it.`;
      editor.querySelectorAll('input, textarea, select, button').forEach((n) => { n.disabled = true; });
      return;
    }
    fill(await api.get(`/api/stories/${encodeURIComponent(parts[1])}`));
    loadRevisions();
  } catch (error) {
    showProblem(form, error);
  }
}

// ---- images ----------------------------------------------------------------

async function upload(file) {
  const body = new FormData();
  body.append('file', file);
  return api.upload('/api/media', body);
}

function thumbnail(media, alt) {
  const small = media.renditions.find((r) => r.contentType === 'image/jpeg') || media.renditions[0];
  return el('img', { src: small.url, alt, width: small.width, height: small.height });
}

function wireUploads() {
  for (const [inputId, field, previewId, label] of [['hero-file', 'heroImage', 'hero-preview', 'Hero image'], ['logo-file', 'logoImage', 'logo-preview', 'Logo']]) {
    document.getElementById(inputId).addEventListener('change', (event) => act(async () => {
      const file = event.target.files[0];
      if (!file) return;
      showStatus(form, `Uploading ${file.name}…`, 'info');
      const media = await upload(file);
      document.getElementById(field).value = media.id;
      document.getElementById(previewId).replaceChildren(thumbnail(media, label));
      showStatus(form, `${label} uploaded (${media.width}×${media.height}).`);
      preview();
    }));
  }
  const body = document.getElementById('body');
  const insert = async (file) => {
    showStatus(form, `Uploading ${file.name}…`, 'info');
    const media = await upload(file);
    const at = body.selectionStart ?? body.value.length;
    const text = `\n${media.markdown.replace('![]', `![${file.name.replace(/\.[^.]+$/, '').replace(/[[\]]/g, '')}]`)}\n`;
    body.value = body.value.slice(0, at) + text + body.value.slice(at);
    showStatus(form, 'Image inserted.');
    preview();
  };
  document.getElementById('body-image').addEventListener('change', (event) => act(async () => {
    if (event.target.files[0]) await insert(event.target.files[0]);
  }));
  body.addEventListener('dragover', (event) => { event.preventDefault(); body.classList.add('dragging'); });
  body.addEventListener('dragleave', () => body.classList.remove('dragging'));
  body.addEventListener('drop', (event) => act(async () => {
    event.preventDefault();
    body.classList.remove('dragging');
    for (const file of event.dataTransfer.files) if (file.type.startsWith('image/') || file.size) await insert(file);
  }));
}

// ---- live preview and history ----------------------------------------------

let timer;
function schedulePreview() {
  clearTimeout(timer);
  timer = setTimeout(preview, 300);
}

async function preview() {
  try {
    const { html } = await api.post('/api/stories/preview', collect());
    // The server renders this with raw HTML disabled and every URL allow-listed: it is the same markup the public page uses.
    const fragment = document.createRange().createContextualFragment(html);
    document.getElementById('live-preview').replaceChildren(fragment);
  } catch (error) {
    document.getElementById('live-preview').replaceChildren(el('p', { class: 'field-error' }, error.message));
  }
}

async function loadRevisions() {
  if (!storyId) return;
  const revisions = await api.get(`/api/stories/${storyId}/revisions`);
  const listEl = document.getElementById('revisions');
  listEl.replaceChildren(...revisions.map((r) => el('li', {},
    el('span', {}, `#${r.number} · ${new Date(r.createdAt).toLocaleString()} · ${r.title} `),
    el('button', { type: 'button', class: 'link', onclick: () => act(async () => {
      fill(await api.post(`/api/stories/${storyId}/revisions/${r.number}/restore`, {}));
      loadRevisions();
      showStatus(form, `Restored version #${r.number}.`);
    }) }, `Restore #${r.number}`))));
}

if (parts.length === 1) showList();
else showEditor();
