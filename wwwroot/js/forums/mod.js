// The moderator queue: flags arrive and leave live; bulk hide or dismiss; sanctions and the audit log.
import { api, bindForm, currentUser, el, plural, showStatus } from '../api.js';
import { on, whenConnected, invoke } from '../live.js';
import { badge } from '../badges.js';
import { alertDialog, promptDialog } from '../dialog.js';
import { REASON_MAX_LENGTH } from './limits.js';

const flagsNode = document.getElementById('flags');
const announcer = document.getElementById('mod-announcer');
const flags = new Map();

function fmt(value) { return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }); }

/** The bulk actions only work on a selection, so they are only enabled when there is one. */
function updateBulk() {
  const none = !flagsNode.querySelector('.flag-select:checked');
  document.getElementById('bulk-hide').disabled = none;
  document.getElementById('bulk-dismiss').disabled = none;
  const all = document.getElementById('select-all');
  all.disabled = flags.size === 0;
  if (flags.size === 0) all.checked = false;
}

function render() {
  flagsNode.removeAttribute('aria-busy');
  queueMicrotask(updateBulk);
  document.getElementById('queue-count').textContent = String(flags.size);
  if (!flags.size) { flagsNode.replaceChildren(el('li', { class: 'empty' }, 'The queue is empty. Nice.')); return; }
  flagsNode.replaceChildren(...[...flags.values()].sort((a, b) => b.id - a.id).map((f) => el('li', { class: 'flag', 'data-flag-id': String(f.id) },
    el('input', { type: 'checkbox', class: 'flag-select', value: String(f.id), id: `flag-${f.id}`, 'aria-label': `Select flag on “${f.threadTitle}” post ${f.seq}` }),
    el('div', {},
      el('a', { href: f.url }, `${f.threadTitle} #${f.seq}`), f.postHidden ? badge('hidden') : null,
      el('p', { class: 'excerpt' }, f.excerpt),
      el('p', { class: 'muted' }, `By ${f.postAuthor.displayName} · flagged by ${f.flaggedBy} (${fmt(f.createdAt)}): `, el('em', {}, f.reason))))));
}

function selected() { return [...flagsNode.querySelectorAll('.flag-select:checked')].map((b) => Number(b.value)); }

async function resolve(action) {
  const ids = selected();
  const status = document.getElementById('queue-status');
  if (!ids.length) { status.className = 'form-status alert error'; status.textContent = 'Select at least one flag.'; return; }
  let reason = '';
  if (action === 'hide') {
    reason = await promptDialog('Reason (for the audit log)', {
      title: 'Hide the selected posts', value: 'Violates community guidelines', confirmLabel: 'Hide posts', danger: true, maxLength: REASON_MAX_LENGTH,
    });
    if (reason === null) return; // Cancel (or Escape) means "do not hide"
  }
  const result = await api.post('/api/mod/flags/resolve', { ids, action, reason });
  for (const id of ids) flags.delete(id);
  render();
  status.className = 'form-status alert success';
  status.textContent = `${plural(result.resolved, 'flag')} ${action === 'hide' ? 'resolved by hiding' : 'dismissed'}.`;
  loadAudit();
}

async function loadQueue() {
  flags.clear();
  for (const f of await api.get('/api/mod/flags')) flags.set(f.id, f);
  render();
}

async function loadAudit() {
  const items = await api.get('/api/mod/audit');
  document.getElementById('audit').replaceChildren(...items.map((a) => el('li', {},
    el('strong', {}, a.moderator), ` ${a.action} `, el('span', {}, a.target), a.reason ? el('span', { class: 'muted' }, ` — ${a.reason}`) : null,
    el('span', { class: 'muted' }, ` · ${fmt(a.createdAt)}`))));
}

async function loadSanctions() {
  const items = await api.get('/api/mod/sanctions');
  document.getElementById('sanctions').replaceChildren(...(items.length ? items.map((s) => {
    const lift = el('button', { type: 'button', class: 'link' }, 'Lift');
    lift.addEventListener('click', async () => { await api.del(`/api/mod/sanctions/${s.id}`); loadSanctions(); loadAudit(); });
    return el('li', {}, `@${s.userName} — ${s.kind} until ${fmt(s.until)} (${s.reason}) `, lift);
  }) : [el('li', { class: 'empty' }, 'None.')]));
}

const me = await currentUser().catch(() => null);
if (!me || !(me.roles.includes('Moderator') || me.roles.includes('Admin'))) {
  document.querySelector('main').replaceChildren(el('section', { class: 'card' }, el('h1', {}, 'Moderators only'), el('p', {}, 'Sign in with a moderator account to see the queue.')));
} else {
  await Promise.all([loadQueue(), loadAudit(), loadSanctions()]);
  document.getElementById('bulk-hide').addEventListener('click', () => resolve('hide').catch((e) => alertDialog(e.message)));
  document.getElementById('bulk-dismiss').addEventListener('click', () => resolve('dismiss').catch((e) => alertDialog(e.message)));
  document.getElementById('select-all').addEventListener('change', (e) => {
    flagsNode.querySelectorAll('.flag-select').forEach((b) => { b.checked = e.target.checked; });
    updateBulk();
  });
  flagsNode.addEventListener('change', updateBulk);
  const form = document.getElementById('sanction-form');
  bindForm(form, async (data) => {
    const s = await api.post(`/api/mod/members/${encodeURIComponent(data.userName.replace(/^@/, ''))}/sanctions`, { kind: data.kind, days: Number(data.days), reason: data.reason });
    showStatus(form, `@${s.userName} is ${s.kind === 'suspend' ? 'suspended' : 'silenced'} until ${fmt(s.until)}.`);
    form.reset();
    loadSanctions();
    loadAudit();
  });
  on('flagCreated', (f) => { flags.set(f.id, f); render(); announcer.textContent = `New flag on “${f.threadTitle}”`; });
  on('flagsResolved', (e) => { for (const id of e.ids) flags.delete(id); render(); });
  whenConnected(async () => { await invoke('JoinModQueue'); await loadQueue(); });
}
