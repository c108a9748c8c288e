// Webhook endpoints: add, edit, enable/disable, rotate the secret, send a test event, read the delivery log and redeliver.
import { api, bindForm, el, plural, showStatus } from '../api.js';
import { confirmDialog } from '../dialog.js';

const API = '/api/admin/integrations/webhooks';
const form = document.getElementById('webhook-form');
const boxes = document.getElementById('w-type-boxes');
const secretBox = document.getElementById('webhook-secret');
const log = document.getElementById('webhook-deliveries');
let editing = null;

function when(value) {
  return value ? new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '—';
}

function renderTypes(types) {
  if (boxes.childElementCount) return;
  boxes.replaceChildren(...types.map((type) => {
    const id = `w-type-${type.replace('.', '-')}`;
    return el('label', { class: 'checkbox', for: id }, el('input', { type: 'checkbox', id, value: type, 'data-event-type': '', checked: true }), type);
  }));
}

function chosenTypes() {
  return [...boxes.querySelectorAll('input[data-event-type]:checked')].map((box) => box.value);
}

function showSecret(shown) {
  secretBox.replaceChildren(el('p', {}, shown.note),
    el('p', {}, 'Signing secret for ', el('code', {}, shown.endpoint.url), ': ', el('code', { 'data-testid': 'webhook-secret' }, shown.secret)));
  secretBox.focus?.();
}

function startEdit(endpoint) {
  editing = endpoint;
  form.elements.namedItem('url').value = endpoint.url;
  form.elements.namedItem('description').value = endpoint.description;
  form.elements.namedItem('includePrivate').checked = endpoint.includePrivate;
  form.elements.namedItem('enabled').checked = endpoint.enabled;
  boxes.querySelectorAll('input[data-event-type]').forEach((box) => { box.checked = endpoint.eventTypes.includes(box.value); });
  document.getElementById('webhook-form-title').textContent = `Edit ${endpoint.url}`;
  document.getElementById('webhook-submit').textContent = 'Save endpoint';
  document.getElementById('webhook-cancel').hidden = false;
  form.elements.namedItem('url').focus();
}

function stopEdit() {
  editing = null;
  form.reset();
  boxes.querySelectorAll('input[data-event-type]').forEach((box) => { box.checked = true; });
  document.getElementById('webhook-form-title').textContent = 'Add an endpoint';
  document.getElementById('webhook-submit').textContent = 'Add endpoint';
  document.getElementById('webhook-cancel').hidden = true;
}

function action(label, handler, cls = 'secondary') {
  const button = el('button', { type: 'button', class: cls }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try { await handler(); } catch (error) { showStatus(form, error.message, 'error'); } finally { button.disabled = false; }
  });
  return button;
}

function endpointRow(endpoint) {
  const state = endpoint.enabled ? (endpoint.failingSince ? `Enabled · failing since ${when(endpoint.failingSince)}` : 'Enabled')
    : `Disabled${endpoint.disabledReason ? ` · ${endpoint.disabledReason}` : ''}`;
  return el('tr', { dataset: { id: endpoint.id } },
    el('td', {}, el('code', {}, endpoint.url), endpoint.description ? el('div', { class: 'muted' }, endpoint.description) : null,
      endpoint.previousSecretExpiresAt && new Date(endpoint.previousSecretExpiresAt) > new Date()
        ? el('div', { class: 'muted' }, `Old secret signs too until ${when(endpoint.previousSecretExpiresAt)}`) : null),
    el('td', {}, plural(endpoint.eventTypes.length, 'event type'), endpoint.includePrivate ? el('div', { class: 'muted' }, 'includes private') : null),
    el('td', {}, state),
    el('td', {}, el('div', { class: 'share-row' },
      action('Deliveries', () => showDeliveries(endpoint)),
      action('Send test event', async () => { await api.post(`${API}/${endpoint.id}/test`); await showDeliveries(endpoint); }),
      action('Edit', async () => startEdit(endpoint)),
      action(endpoint.enabled ? 'Disable' : 'Enable', async () => {
        await api.post(`${API}/${endpoint.id}/${endpoint.enabled ? 'disable' : 'enable'}`);
        await load();
      }),
      action('Rotate secret', async () => {
        if (!await confirmDialog('A new secret is shown once; the old one keeps signing for 24 hours.', { title: 'Rotate the signing secret?', confirmLabel: 'Rotate' })) return;
        showSecret(await api.post(`${API}/${endpoint.id}/rotate`));
        await load();
      }),
      action('Delete', async () => {
        if (!await confirmDialog(`Delete ${endpoint.url} and its delivery log?`, { title: 'Delete endpoint?', confirmLabel: 'Delete', danger: true })) return;
        await api.del(`${API}/${endpoint.id}`);
        if (log.dataset.endpoint === endpoint.id) log.replaceChildren();
        await load();
      }, 'danger'))));
}

async function showDeliveries(endpoint) {
  const rows = await api.get(`${API}/${endpoint.id}/deliveries`);
  log.dataset.endpoint = endpoint.id;
  const body = rows.length ? rows.map((d) => el('tr', { dataset: { id: d.id } },
    el('td', {}, d.eventType, el('div', { class: 'muted' }, el('code', {}, d.eventId))),
    el('td', {}, String(d.attempts)),
    el('td', {}, d.state, d.state === 'pending' && d.attempts ? el('div', { class: 'muted' }, `next ${when(d.nextAttemptAt)}`) : null),
    el('td', {}, d.statusCode ?? '—'),
    el('td', {}, d.latencyMs === null ? '—' : `${d.latencyMs} ms`),
    el('td', {}, d.responseExcerpt ? el('code', {}, d.responseExcerpt) : '—'),
    el('td', {}, action('Redeliver', async () => {
      await api.post(`${API}/${endpoint.id}/deliveries/${d.id}/redeliver`);
      await showDeliveries(endpoint);
    }))))
    : [el('tr', {}, el('td', { colspan: '7', class: 'empty' }, 'No deliveries yet.'))];
  log.replaceChildren(
    el('div', { class: 'share-row' }, el('h3', {}, `Deliveries to ${endpoint.url}`), action('Refresh', () => showDeliveries(endpoint))),
    el('div', { class: 'table-wrap' }, el('table', {},
      el('caption', { class: 'visually-hidden' }, `Latest deliveries to ${endpoint.url}`),
      el('thead', {}, el('tr', {}, ...['Event', 'Attempts', 'State', 'Status', 'Latency', 'Response', 'Actions']
        .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', { id: 'webhook-delivery-rows' }, ...body))));
}

export async function load() {
  const list = await api.get(API);
  renderTypes(list.eventTypes);
  document.getElementById('webhook-endpoints').replaceChildren(...(list.endpoints.length ? list.endpoints.map(endpointRow)
    : [el('tr', {}, el('td', { colspan: '4', class: 'empty' }, 'No endpoints yet.'))]));
}

document.getElementById('webhook-cancel').addEventListener('click', stopEdit);

bindForm(form, async (data) => {
  const body = { url: data.url, description: data.description, eventTypes: chosenTypes(), includePrivate: data.includePrivate, enabled: data.enabled };
  if (editing) {
    await api.put(`${API}/${editing.id}`, body);
    showStatus(form, 'Endpoint saved.');
    stopEdit();
  } else {
    showSecret(await api.post(API, body));
    form.reset();
    boxes.querySelectorAll('input[data-event-type]').forEach((box) => { box.checked = true; });
  }
  await load();
});
