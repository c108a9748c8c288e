// The notification bell in the header, for signed-in members: unread count, a small list, live updates.
import { api, el } from '../api.js';

let state = { unread: 0, items: [] };
let bell;
let panel;

function renderBell() {
  bell.replaceChildren(el('span', { 'aria-hidden': 'true' }, '🔔'), el('span', { class: 'visually-hidden' }, state.unread ? 'Notifications, ' : 'Notifications'),
    ...(state.unread ? [el('span', { class: 'bell-count' }, String(state.unread)), el('span', { class: 'visually-hidden' }, ' unread')] : []));
}

function renderPanel() {
  panel.replaceChildren(el('h2', { class: 'visually-hidden' }, 'Notifications'),
    state.items.length
      ? el('ul', {}, state.items.map((n) => el('li', { class: n.read ? '' : 'unread' }, el('a', { href: n.url }, n.text))))
      : el('p', { class: 'empty' }, 'No notifications yet.'));
}

async function mount(area) {
  if (document.getElementById('notification-bell')) return;
  bell = el('button', { type: 'button', class: 'secondary bell', id: 'notification-bell', 'aria-expanded': 'false', 'aria-controls': 'notification-panel' });
  panel = el('div', { class: 'notification-panel card', id: 'notification-panel', hidden: true });
  const wrap = el('div', { class: 'bell-wrap' }, bell, panel);
  // The bell sits in the header bar itself, so on phones it stays in sight while the menu is folded.
  (document.getElementById('nav-quick') ?? area).prepend(wrap);
  state = await api.get('/api/notifications');
  renderBell();
  bell.addEventListener('click', async () => {
    const open = panel.hidden;
    panel.hidden = !open;
    bell.setAttribute('aria-expanded', String(open));
    if (open) {
      renderPanel();
      if (state.unread) {
        await api.post('/api/notifications/read', {});
        state.unread = 0;
        renderBell();
      }
    }
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !panel.hidden) { panel.hidden = true; bell.setAttribute('aria-expanded', 'false'); bell.focus(); } });
  const { on } = await import('../live.js');
  on('notification', (n) => {
    state.items = [n, ...state.items].slice(0, 30);
    state.unread += 1;
    renderBell();
    if (!panel.hidden) renderPanel();
  });
}

function tryMount() {
  const area = document.getElementById('account-nav');
  if (area?.querySelector('[data-testid="me"]')) mount(area).catch(() => {});
}

document.addEventListener('community:me', () => setTimeout(tryMount, 0));
tryMount();
