import { api, el, formatDate } from '../api.js';

const KIND_LABELS = {
  arrived: 'Arrival', joined: 'Joined', 'first-post': 'First post', 'first-answer': 'Answer', referral: 'Referral',
  conversion: 'Customer', credit: 'Credit', story: 'Story', stage: 'Stage', badge: 'Badge',
};
const form = document.getElementById('member-find');
const status = document.getElementById('timeline-status');
const summary = document.getElementById('member-summary');
const timeline = document.getElementById('member-timeline');
const list = document.getElementById('timeline-entries');

/** The member in the address (/admin/members/{id or handle}); none shows only the search. */
function keyFromPath() {
  const part = location.pathname.split('/')[3];
  return part ? decodeURIComponent(part) : '';
}

function entry(item) {
  const time = el('time', { datetime: item.at }, formatDate(item.at));
  const title = item.url ? el('a', { href: item.url }, item.title) : el('span', {}, item.title);
  return el('li', { class: `timeline-entry kind-${item.kind}` },
    el('span', { class: 'badge' }, KIND_LABELS[item.kind] ?? item.kind),
    el('div', { class: 'timeline-body' }, el('p', { class: 'timeline-title' }, title),
      item.detail ? el('p', { class: 'muted' }, item.detail) : '', el('p', { class: 'muted small' }, time)));
}

async function show(key) {
  if (!key) return;
  status.className = 'form-status alert';
  status.textContent = 'Loading…';
  try {
    const view = await api.get(`/api/admin/members/${encodeURIComponent(key)}/timeline`);
    const { member, lifecycle, entries } = view;
    document.getElementById('member-name').textContent = member.displayName;
    document.getElementById('member-handle').replaceChildren(el('a', { href: member.profileUrl }, `@${member.userName}`));
    document.getElementById('member-joined').textContent = formatDate(member.joinedAt);
    document.getElementById('member-stage').textContent = lifecycle
      ? `${lifecycle.label} since ${formatDate(lifecycle.since)} (${lifecycle.cause})` : 'Not worked out yet';
    list.replaceChildren(...entries.map(entry));
    if (!entries.length) list.append(el('li', { class: 'muted' }, 'Nothing yet.'));
    summary.hidden = false;
    timeline.hidden = false;
    document.title = `${member.displayName} · Member timeline`;
    status.textContent = `${entries.length} events for ${member.displayName}.`;
  } catch (error) {
    summary.hidden = true;
    timeline.hidden = true;
    status.className = 'form-status alert error';
    status.textContent = error.status === 404 ? 'No member with that handle.' : error.message;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = form.elements.namedItem('key').value.trim().replace(/^@/, '');
  if (!key) return;
  history.pushState(null, '', `/admin/members/${encodeURIComponent(key)}`);
  show(key);
});
window.addEventListener('popstate', () => show(keyFromPath()));
const initial = keyFromPath();
if (initial) form.elements.namedItem('key').value = initial;
await show(initial);
