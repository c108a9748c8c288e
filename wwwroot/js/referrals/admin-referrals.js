// Marketing and admin tools for the referral program.
import { api, bindForm, currentUser, el, formatDate, plural, showStatus } from '../api.js';

const me = await currentUser();
if (!me) location.replace('/signin?returnUrl=/admin/referrals');
const status = document.getElementById('referral-admin-status');
const isAdmin = me?.roles.includes('Admin');

function fail(error) {
  status.className = 'form-status alert error';
  status.textContent = error.status === 403 ? 'Only marketing and admins can manage the referral program.' : error.message;
}

function numbersOf(data, names) {
  for (const name of names) data[name] = data[name] === '' || data[name] === undefined ? null : Number(data[name]);
  return data;
}

const PROGRAM_NUMBERS = ['signupAdvocateCredits', 'signupFriendCredits', 'conversionAdvocateCredits', 'conversionAdvocatePercent', 'conversionFriendCredits',
  'monthlyCap', 'lifetimeCap', 'attributionDays', 'holdDays', 'velocityPerHour', 'recurringPercent', 'recurringCredits', 'recurringMonths',
  'recurringCap', 'tierBronzeConversions', 'tierSilverConversions', 'tierGoldConversions', 'tierBronzePercent', 'tierSilverPercent',
  'tierGoldPercent'];

async function loadProgram() {
  const program = await api.get('/api/admin/referrals/program');
  const form = document.getElementById('program-form');
  for (const [key, value] of Object.entries(program)) {
    const input = form.elements.namedItem(key);
    if (!input) continue;
    if (input.type === 'checkbox') input.checked = value; else input.value = value ?? '';
  }
}

async function showUses(campaign) {
  const uses = await api.get(`/api/admin/referrals/campaigns/${campaign.id}/uses`);
  const box = document.getElementById('campaign-uses');
  box.replaceChildren(el('h3', {}, `Who used ${campaign.code}`),
    uses.length ? el('ul', { class: 'referral-list' }, ...uses.map((u) => el('li', {},
      el('strong', {}, u.displayName || u.email || 'A customer'), ' ', el('span', { class: 'muted' }, `${formatDate(u.at)} · ${u.decision}`))))
      : el('p', { class: 'empty' }, 'Nobody yet.'));
}

async function loadCampaigns() {
  const campaigns = await api.get('/api/admin/referrals/campaigns');
  document.getElementById('campaigns').replaceChildren(...campaigns.map((c) => {
    const toggle = el('button', { type: 'button', class: 'secondary' }, c.disabled ? 'Enable' : 'Disable');
    toggle.addEventListener('click', async () => { await api.patch(`/api/admin/referrals/campaigns/${c.id}`, { disabled: !c.disabled }); await loadCampaigns(); });
    const uses = el('button', { type: 'button', class: 'link' }, 'Who used it');
    uses.addEventListener('click', () => showUses(c).catch(fail));
    return el('tr', {},
      el('td', {}, el('code', {}, c.code), c.disabled ? el('div', { class: 'muted' }, 'disabled') : null),
      el('td', {}, c.campaignTag || ''),
      el('td', {}, `${c.usedCount}${c.usageLimit ? ` / ${c.usageLimit}` : ''}`),
      el('td', {}, String(c.clicks)),
      el('td', {}, c.expiresAt ? formatDate(c.expiresAt) : '—'),
      el('td', {}, uses, toggle));
  }));
}

async function loadFunnel(from, to) {
  const q = new URLSearchParams();
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  const rows = await api.get(`/api/admin/referrals/funnel?${q}`);
  // The server covers the 30 days before "to" (or today) when "from" is empty: say which range the table shows.
  document.getElementById('funnel-range').textContent = from && to ? `Showing ${from} to ${to}.`
    : from ? `Showing ${from} to today.`
      : to ? `No start date: showing the 30 days up to ${to}.`
        : 'No dates chosen: showing the last 30 days.';
  document.getElementById('funnel').replaceChildren(...rows.map((r) => el('tr', {},
    el('td', {}, r.campaign), el('td', {}, String(r.clicks)), el('td', {}, String(r.signups)), el('td', {}, String(r.conversions)))));
}

async function loadTop() {
  const rows = await api.get('/api/admin/referrals/top');
  document.getElementById('top').replaceChildren(...(rows.length ? rows.map((r) => el('li', {},
    el('span', {}, r.displayName, r.userName ? el('span', { class: 'muted' }, ` @${r.userName}`) : null),
    el('span', { class: 'muted' }, `${plural(r.conversions, 'customer')} · ${plural(r.signups, 'sign-up')} · ${plural(r.credits, 'credit')}`)))
    : [el('li', { class: 'empty' }, 'No referrals yet.')]));
}

async function loadReview() {
  const items = await api.get('/api/admin/referrals/review');
  document.getElementById('review').replaceChildren(...(items.length ? items.map((item) => {
    const reasonId = `review-reason-${item.id}`;
    const reason = el('input', { id: reasonId, maxlength: '500', required: true });
    const decide = async (approve) => {
      try {
        await api.post(`/api/admin/referrals/review/${item.id}`, { approve, reason: reason.value });
        await loadReview();
      } catch (error) { fail(error); }
    };
    const approve = el('button', { type: 'button' }, 'Approve');
    approve.addEventListener('click', () => decide(true));
    const reject = el('button', { type: 'button', class: 'danger' }, 'Reject');
    reject.addEventListener('click', () => decide(false));
    return el('li', { class: 'referral' },
      el('div', {}, el('strong', {}, item.referred || item.referredEmail || 'A customer'), ' referred by ', el('strong', {}, item.advocate || 'a campaign'),
        el('span', { class: 'muted' }, ` · score ${item.score} · ${formatDate(item.createdAt)}`)),
      el('ul', {}, ...item.explanations.map((text, i) => el('li', {}, el('code', {}, item.reasons[i]), ' ', text))),
      el('div', { class: 'field' }, el('label', { for: reasonId }, 'Reason for your decision'), reason),
      el('div', { class: 'share-row' }, approve, reject));
  }) : [el('li', { class: 'empty' }, 'Nothing waiting for review.')]));
}

async function loadKeys() {
  const card = document.getElementById('keys-card');
  if (!isAdmin) { card.hidden = true; return; }
  const keys = await api.get('/api/admin/referrals/keys');
  document.getElementById('keys').replaceChildren(...keys.map((k) => {
    const revoke = el('button', { type: 'button', class: 'danger' }, 'Revoke');
    revoke.addEventListener('click', async () => { await api.del(`/api/admin/referrals/keys/${encodeURIComponent(k.id)}`); await loadKeys(); });
    const used = k.lastUsedAt ? `last used ${formatDate(k.lastUsedAt)}` : 'never used';
    return el('li', { 'data-key': k.id }, el('code', {}, k.id), ` ${k.name} · created ${formatDate(k.createdAt)} · ${used} `,
      el('span', { class: 'key-scopes' }, ...k.scopes.map((s) => el('code', {}, s))), ' ',
      k.revokedAt ? el('span', { class: 'muted' }, `revoked ${formatDate(k.revokedAt)}`) : revoke);
  }));
}

async function loadStats() {
  const s = await api.get('/api/admin/referrals/stats');
  document.getElementById('click-stats').textContent =
    `Since start: ${plural(s.redirects, 'redirect')}, ${plural(s.clicksStored, 'click')} stored, ${s.clicksBuffered} waiting.`;
}

bindForm(document.getElementById('program-form'), async (data) => {
  await api.put('/api/admin/referrals/program', numbersOf(data, PROGRAM_NUMBERS));
  showStatus(document.getElementById('program-form'), 'Program saved.');
});

bindForm(document.getElementById('campaign-form'), async (data) => {
  const body = numbersOf({ ...data }, ['usageLimit', 'rewardOverride']);
  body.expiresAt = data.expiresAt ? new Date(`${data.expiresAt}T23:59:59Z`).toISOString() : null;
  await api.post('/api/admin/referrals/campaigns', body);
  document.getElementById('campaign-form').reset();
  await loadCampaigns();
});

bindForm(document.getElementById('funnel-form'), async (data) => loadFunnel(data.from, data.to));

bindForm(document.getElementById('adjust-form'), async (data) => {
  const entry = await api.post('/api/admin/referrals/adjustments', numbersOf(data, ['amount']));
  document.getElementById('adjust-form').reset();
  showStatus(document.getElementById('adjust-form'), `Added ${plural(entry.amount, 'credit')}.`);
  await loadTop();
});

bindForm(document.getElementById('key-form'), async (data) => {
  const scopes = [...document.querySelectorAll('#k-scopes input[data-scope]:checked')].map((box) => box.dataset.scope);
  const key = await api.post('/api/admin/referrals/keys', { name: data.name, scopes });
  document.getElementById('key-form').reset();
  document.getElementById('new-key').replaceChildren(el('p', {}, 'Copy the secret now; it is not shown again.'),
    el('p', {}, 'Key id: ', el('code', {}, key.id)), el('p', {}, 'Secret: ', el('code', { 'data-testid': 'new-secret' }, key.secret)));
  await loadKeys();
});

try {
  await Promise.all([loadProgram(), loadCampaigns(), loadFunnel(), loadTop(), loadReview(), loadKeys(), loadStats()]);
} catch (error) { fail(error); }
document.getElementById('referral-admin').setAttribute('aria-busy', 'false');
