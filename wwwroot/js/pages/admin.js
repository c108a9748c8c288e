import { api, currentUser, el, formatDate } from '../api.js';

const ROLES = ['Moderator', 'Marketing', 'Admin'];
const me = await currentUser();
if (!me) location.replace('/signin?returnUrl=/admin');
const status = document.getElementById('admin-status');
const body = document.getElementById('members');
const form = document.getElementById('member-search');
const exportLink = document.getElementById('export');
const detail = document.getElementById('member-detail');

function filters() {
  const query = new URLSearchParams();
  for (const name of ['q', 'plan', 'account']) {
    const value = form.elements.namedItem(name).value.trim();
    if (value) query.set(name, value);
  }
  return query.toString();
}

function row(member) {
  const boxes = ROLES.map((role) => {
    const id = `role-${member.id}-${role}`;
    const box = el('input', { type: 'checkbox', id, checked: member.roles.includes(role) });
    box.addEventListener('change', () => save(member, tr));
    return el('label', { class: 'checkbox', for: id }, box, role);
  });
  const more = el('button', { type: 'button', class: 'link', 'aria-controls': 'member-detail' }, 'Details',
    el('span', { class: 'visually-hidden' }, ` of ${member.displayName}`));
  more.addEventListener('click', () => show(member.id));
  const tr = el('tr', { dataset: { id: member.id } },
    el('td', {}, el('a', { href: `/u/${encodeURIComponent(member.userName)}` }, member.displayName), el('div', { class: 'muted' }, `@${member.userName}`),
      more, ' · ', el('a', { href: `/admin/members/${encodeURIComponent(member.id)}` }, 'Timeline',
        el('span', { class: 'visually-hidden' }, ` of ${member.displayName}`))),
    el('td', {}, member.email, member.emailConfirmed ? '' : el('div', { class: 'muted' }, 'unconfirmed')),
    el('td', {}, formatDate(member.joinedAt)),
    el('td', {}, member.externalId ?? '', member.deactivatedAt ? el('div', { class: 'muted' }, 'deactivated') : ''),
    el('td', {}, member.accountName ?? '', member.accountId ? el('div', { class: 'muted' }, member.accountId) : ''),
    el('td', {}, member.plan ?? ''),
    el('td', {}, ...boxes));
  return tr;
}

/** The member's product identity and custom attributes, as the product last reported them. */
async function show(id) {
  try {
    const { member, attributes } = await api.get(`/api/admin/members/${encodeURIComponent(id)}`);
    const pairs = [['External id', member.externalId], ['Account', [member.accountName, member.accountId].filter(Boolean).join(' · ')],
      ['Plan', member.plan], ['Deactivated', member.deactivatedAt ? formatDate(member.deactivatedAt) : ''],
      ...Object.entries(attributes)];
    document.getElementById('member-detail-title').textContent = `${member.displayName} (@${member.userName})`;
    document.getElementById('member-attributes').replaceChildren(...pairs.flatMap(([name, value]) =>
      [el('dt', {}, name), el('dd', {}, value || '—')]));
    detail.hidden = false;
    detail.focus();
  } catch (error) {
    status.className = 'form-status alert error';
    status.textContent = error.message;
  }
}

async function save(member, tr) {
  const roles = ROLES.filter((role) => tr.querySelector(`#role-${CSS.escape(member.id)}-${role}`).checked);
  try {
    const updated = await api.put(`/api/admin/members/${member.id}/roles`, { roles });
    status.className = 'form-status alert success';
    status.textContent = `${updated.displayName}: ${updated.roles.join(', ')}`;
  } catch (error) {
    status.className = 'form-status alert error';
    status.textContent = error.message;
    await load();
  }
}

async function load() {
  const query = filters();
  exportLink.href = `/api/admin/members/export.csv${query ? `?${query}` : ''}`;
  try {
    const members = await api.get(`/api/admin/members?${query}`);
    body.replaceChildren(...members.map(row));
    status.className = 'form-status alert';
    status.textContent = '';
  } catch (error) {
    status.className = 'form-status alert error';
    status.textContent = error.status === 403 ? 'Only admins can manage members.' : error.message;
  }
}

async function loadPlans() {
  const plans = await api.get('/api/admin/members/plans').catch(() => []);
  form.elements.namedItem('plan').append(...plans.map((p) => el('option', { value: p.plan }, `${p.plan} (${p.members})`)));
}

let timer;
form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 250); });
form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
await loadPlans();
await load();
