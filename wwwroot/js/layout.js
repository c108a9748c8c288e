// Shared by every page: the phone menu, the account area of the header, the staff menu and the current-section marker.
import { api, avatar, currentUser, el, resetCsrf } from './api.js';

const page = document.body.dataset.page;
document.querySelectorAll('[data-nav]').forEach((link) => {
  if (link.dataset.nav === page || link.dataset.nav === document.body.dataset.section) link.setAttribute('aria-current', 'page');
});

/**
 * A disclosure: the button toggles the panel and says so in aria-expanded; Escape closes it and returns focus to the
 * button; a click or focus outside closes it. Returns a function that closes it.
 */
export function disclosure(button, panel, { onOpen } = {}) {
  const wrap = button.parentElement;
  const set = (open) => {
    button.setAttribute('aria-expanded', String(open));
    panel.classList.toggle('open', open);
    if (panel.hasAttribute('data-hide')) panel.hidden = !open;
    if (open) onOpen?.();
  };
  const isOpen = () => button.getAttribute('aria-expanded') === 'true';
  button.addEventListener('click', () => set(!isOpen()));
  wrap.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !isOpen()) return;
    event.stopPropagation();
    set(false);
    button.focus();
  });
  document.addEventListener('click', (event) => { if (isOpen() && !wrap.contains(event.target)) set(false); });
  wrap.addEventListener('focusout', (event) => { if (isOpen() && event.relatedTarget && !wrap.contains(event.relatedTarget)) set(false); });
  return () => set(false);
}

// Phones: the links and the account area fold behind one "Menu" button (wide screens never show the button).
const toggle = document.getElementById('nav-toggle');
if (toggle) disclosure(toggle, document.getElementById('nav-menu'));

/** What each role may use. The server enforces every one of these; this only makes them findable. */
const STAFF_TOOLS = [
  { label: 'Publishing', href: '/publishing', roles: ['Marketing', 'Admin'] },
  { label: 'Knowledge base', href: '/kb/manage', roles: ['Moderator', 'Marketing', 'Admin'] },
  { label: 'Moderation', href: '/mod', roles: ['Moderator', 'Admin'], flags: true },
  { label: 'Referral program', href: '/admin/referrals', roles: ['Marketing', 'Admin'] },
  { label: 'Insights', href: '/admin/insights', roles: ['Moderator', 'Marketing', 'Admin'] },
  { label: 'Members', href: '/admin', roles: ['Admin'] },
  { label: 'Member timelines', href: '/admin/members', roles: ['Moderator', 'Marketing', 'Admin'] },
  { label: 'Badges', href: '/admin/badges', roles: ['Admin'] },
  { label: 'Sign-in', href: '/admin/sign-in', roles: ['Admin'] },
  { label: 'Categories', href: '/forums#category-admin', roles: ['Admin'] },
  { label: 'Integrations', href: '/admin/integrations', roles: ['Admin'] },
];

function staffMenu(me) {
  const tools = STAFF_TOOLS.filter((t) => t.roles.some((r) => me.roles.includes(r)));
  if (!tools.length) return null;
  const button = el('button',
    { type: 'button', class: 'secondary staff-button', id: 'staff-menu-button', 'aria-expanded': 'false', 'aria-controls': 'staff-menu' },
    'Staff ', el('span', { class: 'bell-count', id: 'staff-flag-badge', hidden: true }),
    el('span', { class: 'visually-hidden', id: 'staff-flag-words' }));
  const list = el('ul', { class: 'staff-menu-list', id: 'staff-menu', 'data-hide': '', hidden: true },
    tools.map((t) => el('li', {},
      el('a', { href: t.href, 'data-staff-tool': t.label, 'aria-current': t.href === location.pathname ? 'page' : null },
        t.label, t.flags ? el('span', { class: 'flag-count', id: 'staff-flag-count' }) : null))));
  const wrap = el('div', { class: 'staff-menu' }, button, list);
  disclosure(button, list);
  if (tools.some((t) => t.flags)) showOpenFlags();
  return wrap;
}

/** The open-flag count is only served to moderators and admins; the menu asks only when it shows Moderation. */
async function showOpenFlags() {
  const { open } = await api.get('/api/mod/flags/open-count').catch(() => ({ open: 0 }));
  const count = document.getElementById('staff-flag-count');
  const badge = document.getElementById('staff-flag-badge');
  const label = `${open} open flag${open === 1 ? '' : 's'}`;
  count.textContent = open ? ` · ${label}` : '';
  badge.hidden = !open;
  badge.textContent = String(open);
  // The name stays what the button shows ("Staff 3"), with the words a screen reader needs after it.
  document.getElementById('staff-flag-words').textContent = open ? ` open flag${open === 1 ? '' : 's'}` : '';
}

async function renderAccount() {
  const area = document.getElementById('account-nav');
  if (!area) return;
  const me = await currentUser().catch(() => null);
  area.replaceChildren();
  if (!me) {
    area.append(
      el('a', { class: 'button secondary', href: `/signin?returnUrl=${encodeURIComponent(location.pathname + location.search)}` }, 'Sign in'),
    );
    // With local passwords off, members come through the product: there is nothing to join here.
    const options = await api.get('/api/account/sign-in-options').catch(() => ({ localPasswords: true }));
    if (options.localPasswords) area.append(el('a', { class: 'button', href: '/signup', 'data-nav-join': '' }, 'Join'));
    return;
  }
  const signOut = el('button', { type: 'button', class: 'secondary', id: 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    await api.post('/api/account/signout');
    resetCsrf();
    location.href = '/';
  });
  const links = [el('a', { class: 'who', href: `/u/${encodeURIComponent(me.userName)}`, 'data-testid': 'me' }, avatar(me), el('span', {}, me.displayName))];
  const staff = staffMenu(me);
  if (staff) links.push(staff);
  links.push(el('a', { href: '/settings', class: 'button link' }, 'Settings'), signOut);
  area.append(...links);
  document.dispatchEvent(new CustomEvent('community:me', { detail: me }));
}

renderAccount();
