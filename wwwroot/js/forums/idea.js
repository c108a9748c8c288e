// An idea's page: the panel the server rendered (votes, status) gains the vote button, live counts and status, and staff tools:
// set the status, merge a duplicate, and see who wants it (by account and plan, with a CSV export).
import { api, ApiError, bindForm, currentUser, el, plural, showStatus } from '../api.js';
import { on } from '../live.js';
import { budgetText, setVotes, statusBadge, voteButton } from './idea-vote.js';

const panel = document.getElementById('idea-panel');
const id = Number(panel.dataset.ideaId);
const count = document.getElementById('idea-vote-count');
const word = document.getElementById('idea-vote-word');
const budget = document.getElementById('idea-budget');
const STATUSES = [['new', 'New'], ['under-review', 'Under review'], ['planned', 'Planned'], ['in-progress', 'In progress'],
  ['shipped', 'Shipped'], ['declined', 'Declined']];

function showVotes(votes) {
  count.textContent = String(votes);
  word.textContent = votes === 1 ? 'vote' : 'votes';
  const button = panel.querySelector('[data-idea-vote]');
  if (button) setVotes(button, votes);
}

function showStatusOf(e) {
  document.getElementById('idea-status').replaceWith(Object.assign(statusBadge(e.status, e.statusLabel), { id: 'idea-status' }));
  document.getElementById('idea-status-note').textContent = e.statusNote ?? '';
  const announcement = document.getElementById('idea-announcement');
  announcement.hidden = !e.announcementUrl;
  if (e.announcementUrl) announcement.querySelector('a').href = e.announcementUrl;
}

function field(label, input, hint) {
  return el('div', { class: 'field' }, el('label', { for: input.id }, label), input,
    hint ? el('p', { class: 'hint', id: `${input.id}-hint` }, hint) : null);
}

function staffTools(idea) {
  const status = el('select', { id: 'is-status', name: 'status' },
    STATUSES.map(([value, label]) => el('option', { value, selected: value === idea.status }, label)));
  const note = el('textarea', { id: 'is-note', name: 'note', rows: '2', maxlength: '500' });
  note.value = idea.statusNote ?? '';
  const url = el('input',
    { id: 'is-url', name: 'announcementUrl', maxlength: '300', 'aria-describedby': 'is-url-hint', value: idea.announcementUrl ?? '' });
  const statusForm = el('form', { id: 'idea-status-form', novalidate: true, class: 'idea-tool' },
    el('h3', {}, 'Set the status'), el('div', { class: 'form-status alert', role: 'status', tabindex: '-1' }),
    field('Status', status), field('Note for voters (optional)', note),
    field('Announcement (shipped ideas)', url, 'A path on this site, such as /t/12/release-notes or /spotlights/our-launch.'),
    el('button', { type: 'submit' }, 'Save status'));
  bindForm(statusForm, async (data) => {
    const saved = await api.put(`/api/ideas/${id}/status`, { status: data.status, note: data.note, announcementUrl: data.announcementUrl || null });
    showStatusOf(saved);
    showStatus(statusForm, `Saved: ${saved.statusLabel}. Voters and watchers were told.`);
  });

  const target = el('input', { id: 'im-target', name: 'targetId', inputmode: 'numeric', 'aria-describedby': 'im-target-hint' });
  const mergeForm = el('form', { id: 'idea-merge-form', novalidate: true, class: 'idea-tool' },
    el('h3', {}, 'Merge a duplicate'), el('div', { class: 'form-status alert', role: 'status', tabindex: '-1' }),
    field('Merge this idea into idea number', target, 'The number in the other idea’s address (/t/number/…). Votes and watchers move there.'),
    el('button', { type: 'submit', class: 'secondary' }, 'Merge into that idea'));
  bindForm(mergeForm, async (data) => {
    const merged = await api.post(`/api/ideas/${id}/merge`, { targetId: Number(data.targetId) || null });
    location.href = merged.url;
  });

  const voters = el('div', { id: 'idea-voters', 'aria-live': 'polite' });
  const show = el('button', { type: 'button', class: 'secondary', id: 'idea-voters-button' }, 'Who wants it?');
  show.addEventListener('click', async () => {
    const list = await api.get(`/api/ideas/${id}/voters`);
    voters.replaceChildren(
      el('p', {}, `${plural(list.total, 'voter')} in ${plural(list.groups.length, 'group')}. `,
        el('a', { href: `/api/ideas/${id}/voters.csv`, download: '' }, 'Download CSV')),
      el('table', { class: 'idea-voters-table' },
        el('caption', { class: 'visually-hidden' }, 'Voters by account and plan'),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Account'), el('th', { scope: 'col' }, 'Plan'), el('th', { scope: 'col' }, 'Votes'),
          el('th', { scope: 'col' }, 'Members'))),
        el('tbody', {}, list.groups.map((g) => el('tr', {},
          el('td', {}, g.accountName ? `${g.accountName} (${g.account})` : g.account), el('td', {}, g.plan), el('td', {}, String(g.count)),
          el('td', {}, g.voters.map((v) => v.displayName).join(', ')))))));
  });
  return el('section', { class: 'idea-tools', 'aria-label': 'Staff tools' }, statusForm, mergeForm,
    el('div', { class: 'idea-tool' }, el('h3', {}, 'Who wants it'), show, voters));
}

async function start() {
  const [idea, me] = await Promise.all([api.get(`/api/ideas/${id}`), currentUser().catch(() => null)]);
  showVotes(idea.votes);
  budget.textContent = budgetText(idea);
  document.getElementById('idea-vote-area').replaceChildren(voteButton(idea, {
    signedIn: Boolean(me),
    onChange: (state) => { showVotes(state.votes); budget.textContent = budgetText(state); },
    onRefused: (message) => { budget.textContent = message; },
  }));
  if (idea.canManage) document.getElementById('idea-staff').replaceChildren(staffTools(idea));
  on('ideaVotes', (e) => { if (e.threadId === id) showVotes(e.votes); });
  on('ideaChanged', (e) => {
    if (e.threadId !== id) return;
    if (e.mergedIntoUrl) { location.href = e.mergedIntoUrl; return; }
    showStatusOf(e);
    showVotes(e.votes);
  });
}

start().catch((error) => { if (!(error instanceof ApiError)) throw error; });
