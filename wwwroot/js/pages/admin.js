import { api, currentUser, el, formatDate } from '../api.js';

const ROLES = ['Moderator', 'Marketing', 'Admin'];
const me = await currentUser();
if (!me) location.replace('/signin?returnUrl=/admin');
const status = document.getElementById('admin-status');
const body = document.getElementById('members');

function row(member) {
  const boxes = ROLES.map((role) => {
    const id = `role-${member.id}-${role}`;
    const box = el('input', { type: 'checkbox', id, checked: member.roles.includes(role) });
    box.addEventListener('change', () => save(member, tr));
    return el('label', { class: 'checkbox', for: id }, box, role);
  });
  const tr = el('tr', { dataset: { id: member.id } },
    el('td', {}, el('a', { href: `/u/${encodeURIComponent(member.userName)}` }, member.displayName), el('div', { class: 'muted' }, `@${member.userName}`)),
    el('td', {}, member.email, member.emailConfirmed ? '' : el('div', { class: 'muted' }, 'unconfirmed')),
    el('td', {}, formatDate(member.joinedAt)),
    el('td', {}, ...boxes));
  return tr;
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

async function load(q = '') {
  try {
    const members = await api.get(`/api/admin/members?q=${encodeURIComponent(q)}`);
    body.replaceChildren(...members.map(row));
  } catch (error) {
    status.className = 'form-status alert error';
    status.textContent = error.status === 403 ? 'Only admins can manage members.' : error.message;
  }
}

let timer;
document.getElementById('q').addEventListener('input', (e) => { clearTimeout(timer); timer = setTimeout(() => load(e.target.value), 250); });
document.getElementById('member-search').addEventListener('submit', (e) => e.preventDefault());
await load();
