// The advocate dashboard: link, QR, sharing, funnel, credits (live), referrals and leaderboard.
import { api, bindForm, currentUser, el, formatDate, showStatus } from '../api.js';
import { on, whenConnected } from '../live.js';

const root = document.getElementById('refer');
const me = await currentUser();
const number = new Intl.NumberFormat();

function plural(n, word) { return `${number.format(n)} ${word}${n === 1 ? '' : 's'}`; }

function credits(value) { return `${value > 0 ? '' : value < 0 ? '−' : ''}${number.format(Math.abs(value))}`; }

function setBalances(b) {
  document.getElementById('balance-available').textContent = credits(b.available);
  document.getElementById('balance-pending').textContent = credits(b.pending);
  document.getElementById('balance-lifetime').textContent = credits(b.lifetime);
  document.getElementById('redeem').disabled = b.available <= 0;
}

const STATE_LABEL = { pending: 'Pending', available: 'Available', reversed: 'Reversed', reversal: 'Reversal', redeemed: 'Redeemed' };

function ledgerRow(entry) {
  const when = entry.state === 'pending' ? `available ${formatDate(entry.availableAt)}` : '';
  return el('tr', { dataset: { id: entry.id, state: entry.state } },
    el('td', {}, formatDate(entry.createdAt)),
    el('td', {}, entry.explanation, entry.note ? el('div', { class: 'muted' }, entry.note) : null),
    el('td', { class: entry.amount < 0 ? 'amount negative' : 'amount' }, credits(entry.amount)),
    el('td', {}, el('span', { class: `state state-${entry.state}` }, STATE_LABEL[entry.state] || entry.state), when ? el('div', { class: 'muted' }, when) : null));
}

function renderLedger(entries) {
  const body = document.getElementById('ledger');
  body.replaceChildren(...(entries.length ? entries.map(ledgerRow)
    : [el('tr', {}, el('td', { colspan: '4', class: 'empty' }, 'No credits yet — share your link to earn your first.'))]));
}

function renderReferrals(referrals) {
  const list = document.getElementById('referrals');
  list.replaceChildren(...(referrals.length ? referrals.map((r) => el('li', { class: 'referral' },
    el('div', {}, el('strong', {}, r.who), ' ', el('span', { class: `state state-${r.status.replace(/\s+/g, '-')}` }, r.status)),
    el('div', { class: 'muted' }, formatDate(r.createdAt)),
    ...r.explanations.map((text) => el('p', { class: 'hint' }, text))))
    : [el('li', { class: 'empty' }, 'Nobody has joined through your link yet.')]));
}

async function renderLeaderboard() {
  const rows = await api.get('/api/referrals/leaderboard');
  document.getElementById('leaderboard').replaceChildren(...(rows.length ? rows.map((r) => el('li', { class: r.isYou ? 'you' : '' },
    el('span', {}, r.displayName, r.isYou ? ' (you)' : ''), el('span', { class: 'muted' }, `${plural(r.conversions, 'customer')} · ${plural(r.signups, 'sign-up')}`)))
    : [el('li', { class: 'empty' }, 'No referrals yet. Be the first!')]));
}

function shareLinks(link) {
  document.getElementById('share-linkedin').href = `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(link)}`;
  const text = 'I use this community to get answers from other customers — join me:';
  document.getElementById('share-x').href = `https://x.com/intent/post?text=${encodeURIComponent(text)}&url=${encodeURIComponent(link)}`;
}

/** Bronze, Silver, Gold: where the advocate stands and how many paying customers (in 12 months) reach the next tier. */
function renderTier(tier) {
  if (!tier) return;
  document.getElementById('tier-card').hidden = false;
  document.getElementById('tier-name').textContent = tier.tier ?? 'No tier yet';
  document.getElementById('tier-multiplier').textContent = tier.tier ? `${tier.multiplier} rewards` : '';
  const progress = document.getElementById('tier-progress');
  const next = document.getElementById('tier-next');
  if (tier.nextTier) {
    progress.max = tier.nextConversions;
    progress.value = tier.conversions;
    next.textContent = `${plural(tier.conversions, 'paying customer')} in the last 12 months; `
      + `${tier.toNext} more to reach ${tier.nextTier} (${tier.nextMultiplier} rewards).`;
  } else {
    progress.max = 1;
    progress.value = 1;
    next.textContent = `${plural(tier.conversions, 'paying customer')} in the last 12 months: you are in the top tier.`;
  }
  document.getElementById('tier-list').replaceChildren(...tier.tiers.filter((t) => t.conversions > 0).map((t) =>
    el('li', {}, el('strong', {}, t.name), ` from ${plural(t.conversions, 'paying customer')}: ${t.multiplier} rewards`)));
}

let qrVersion = 0;
async function load() {
  const d = await api.get('/api/referrals/me');
  // The dashboard itself never writes: this browser is remembered (for the same-device check) only when it is new.
  if (!d.deviceKnown) api.post('/api/referrals/me/device', {}).catch(() => {});
  document.getElementById('referral-link').value = d.link;
  shareLinks(d.link);
  document.getElementById('qr').src = `/api/referrals/me/qr.svg?v=${encodeURIComponent(d.code)}-${qrVersion}`;
  document.getElementById('funnel-clicks').textContent = number.format(d.funnel.clicks);
  document.getElementById('funnel-signups').textContent = number.format(d.funnel.signups);
  document.getElementById('funnel-conversions').textContent = number.format(d.funnel.conversions);
  document.getElementById('rank').textContent = d.leaderboardOptOut ? 'You are hidden from the leaderboard.'
    : d.rank ? `You are #${d.rank} on the leaderboard.` : 'Your first referral puts you on the leaderboard.';
  document.getElementById('opt-out').checked = d.leaderboardOptOut;
  setBalances(d.balances);
  renderTier(d.tier);
  renderLedger(d.entries);
  renderReferrals(d.referrals);
  const claim = document.getElementById('claim-card');
  claim.hidden = !d.canClaim;
  document.getElementById('claim-hint').textContent = `If a friend invited you but you signed up without their code, enter it within ${d.claimDaysLeft} day${d.claimDaysLeft === 1 ? '' : 's'}.`;
  await renderLeaderboard();
  root.setAttribute('aria-busy', 'false');
}

if (!me) {
  document.getElementById('refer-signed-out').hidden = false;
} else {
  root.hidden = false;
  if (me.roles.includes('Marketing') || me.roles.includes('Admin')) {
    document.querySelector('.lead').append(' ', el('a', { href: '/admin/referrals' }, 'Manage the referral program'));
  }
  await load();

  document.getElementById('copy-link').addEventListener('click', async () => {
    const input = document.getElementById('referral-link');
    const status = document.getElementById('copy-status');
    try {
      await navigator.clipboard.writeText(input.value);
      status.className = 'form-status alert success';
      status.textContent = 'Link copied.';
    } catch {
      input.select();
      status.className = 'form-status alert info';
      status.textContent = 'Press Ctrl+C (or ⌘C) to copy the selected link.';
    }
  });

  bindForm(document.getElementById('vanity-form'), async (data) => {
    await api.put('/api/referrals/me/vanity', data);
    qrVersion += 1;
    await load();
    showStatus(document.getElementById('vanity-form'), 'Your custom code is ready.');
  });

  bindForm(document.getElementById('share-form'), async (data) => {
    const emails = data.emails.split(/[,;\s]+/).map((e) => e.trim()).filter(Boolean);
    const result = await api.post('/api/referrals/me/share', { emails, message: data.message || null });
    const form = document.getElementById('share-form');
    form.reset();
    showStatus(form, `Sent ${result.sent} invitation${result.sent === 1 ? '' : 's'}.`);
  });

  bindForm(document.getElementById('redeem-form'), async () => {
    const entry = await api.post('/api/referrals/me/redeem', {});
    await load();
    const unit = entry.amount === -1 ? 'credit' : 'credits';
    showStatus(document.getElementById('redeem-form'),
      `Redeemed ${credits(-entry.amount)} ${unit}. Our billing team will apply them to your next invoice.`);
  });

  bindForm(document.getElementById('test-form'), async (data) => {
    await api.post('/api/referrals/me/test', data);
    document.getElementById('test-form').reset();
    await load();
  });

  bindForm(document.getElementById('claim-form'), async (data) => {
    const result = await api.post('/api/referrals/claim', data);
    await load();
    showStatus(document.getElementById('claim-form'), result.explanations[0] || 'Thanks! Your friend has been credited.');
  });

  document.getElementById('opt-out').addEventListener('change', async (e) => {
    await api.put('/api/referrals/me/leaderboard', { optOut: e.target.checked });
    await load();
  });

  const live = document.getElementById('credit-live');
  on('referralCredit', ({ entry, balances }) => {
    setBalances(balances);
    const body = document.getElementById('ledger');
    body.querySelector('.empty')?.closest('tr')?.remove();
    body.querySelector(`tr[data-id="${entry.id}"]`)?.remove();
    body.prepend(ledgerRow(entry));
    live.textContent = entry.amount >= 0
      ? `New credit: ${credits(entry.amount)} — ${entry.explanation}.`
      : `${credits(entry.amount)} ${entry.amount === -1 ? 'credit' : 'credits'} — ${entry.explanation}.`;
    if (entry.reversesEntryId) load(); // the original entry's state changes too
  });
  // On every (re)connect, catch up on anything announced before the connection was up.
  whenConnected(async () => {
    await load();
    root.dataset.live = 'connected';
  });
}
