// Shared by every page: the account area of the header and the current-section marker.
import { api, avatar, currentUser, el, resetCsrf } from './api.js';

const page = document.body.dataset.page;
document.querySelectorAll('[data-nav]').forEach((link) => {
  if (link.dataset.nav === page || link.dataset.nav === document.body.dataset.section) link.setAttribute('aria-current', 'page');
});

async function renderAccount() {
  const area = document.getElementById('account-nav');
  if (!area) return;
  const me = await currentUser().catch(() => null);
  area.replaceChildren();
  if (!me) {
    area.append(
      el('a', { class: 'button secondary', href: `/signin?returnUrl=${encodeURIComponent(location.pathname + location.search)}` }, 'Sign in'),
      el('a', { class: 'button', href: '/signup' }, 'Join'),
    );
    return;
  }
  const signOut = el('button', { type: 'button', class: 'secondary', id: 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    await api.post('/api/account/signout');
    resetCsrf();
    location.href = '/';
  });
  const links = [el('a', { class: 'who', href: `/u/${encodeURIComponent(me.userName)}`, 'data-testid': 'me' }, avatar(me), el('span', {}, me.displayName))];
  if (me.roles.includes('Admin')) links.push(el('a', { href: '/admin', class: 'button link' }, 'Admin'));
  links.push(el('a', { href: '/settings', class: 'button link' }, 'Settings'), signOut);
  area.append(...links);
  document.dispatchEvent(new CustomEvent('community:me', { detail: me }));
}

renderAccount();
