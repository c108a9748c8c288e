// The billing events section of /admin/integrations: the last 100 Stripe and Paddle events with what became of each.
// Refused deliveries (bad signatures) are only counted by the server, never listed.
import { api, currentUser, el } from './api.js';

const me = await currentUser();
if (!me) location.replace('/signin?returnUrl=/admin/integrations');
const rows = document.getElementById('billing-events-rows');
const status = document.getElementById('billing-status');
const connections = document.getElementById('billing-connections');
const invalid = document.getElementById('billing-invalid');
const when = (value) => new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function row(event) {
  return el('tr', { dataset: { id: String(event.id) } },
    el('td', {}, when(event.receivedAt)),
    el('td', {}, event.provider === 'stripe' ? 'Stripe' : 'Paddle'),
    el('td', {}, el('code', {}, event.type), el('div', { class: 'muted' }, event.eventId)),
    el('td', {}, el('span', { class: event.outcome === 'ignored' ? 'badge warning' : 'badge' }, event.outcome)),
    el('td', {}, event.reason));
}

function describe(list) {
  const connected = [list.stripeConnected && 'Stripe', list.paddleConnected && 'Paddle'].filter(Boolean);
  connections.textContent = connected.length
    ? `Connected: ${connected.join(' and ')}.`
    : 'No billing provider is connected: set Billing:Stripe:WebhookSecret or Billing:Paddle:WebhookSecret.';
  const bad = list.invalidSignatures;
  invalid.textContent = bad.stripe + bad.paddle > 0
    ? `Refused for an invalid signature since the server started: Stripe ${bad.stripe}, Paddle ${bad.paddle}`
      + ` (last ${when(bad.lastAt)}). Their contents are not kept.`
    : '';
}

async function load() {
  try {
    const list = await api.get('/api/admin/integrations/billing-events');
    describe(list);
    rows.replaceChildren(...(list.events.length
      ? list.events.map(row)
      : [el('tr', {}, el('td', { colspan: '5', class: 'muted' }, 'No billing events yet.'))]));
    status.className = 'form-status alert';
    status.textContent = '';
  } catch (error) {
    status.className = 'form-status alert error';
    status.textContent = error.status === 403 ? 'Only admins can see billing events.' : error.message;
  }
}

document.getElementById('billing-refresh').addEventListener('click', load);
await load();
