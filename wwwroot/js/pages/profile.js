import { api, avatar, currentUser, el, formatDate } from '../api.js';
import { roleBadges } from '../badges.js';
import { renderActivity } from '../recognition/profile-activity.js';

const userName = decodeURIComponent(location.pathname.split('/')[2] || '');
const card = document.getElementById('profile');
try {
  const profile = await api.get(`/api/members/${encodeURIComponent(userName)}`);
  document.title = `${profile.displayName} · Community`;
  document.getElementById('profile-avatar').replaceChildren(avatar(profile, 'large'));
  document.getElementById('profile-name').textContent = profile.displayName;
  document.getElementById('profile-meta').replaceChildren(
    `@${profile.userName} · joined ${formatDate(profile.joinedAt)} `,
    ...roleBadges(profile.badges),
  );
  const bio = document.getElementById('profile-bio');
  bio.textContent = profile.bio || '';
  if (!profile.bio) bio.replaceChildren(el('span', { class: 'empty' }, 'No bio yet.'));
  const me = await currentUser().catch(() => null);
  if (me?.userName === profile.userName) {
    document.getElementById('profile-actions').replaceChildren(el('a', { class: 'button secondary', href: '/settings' }, 'Edit profile'));
  }
  await renderActivity(profile.userName, me?.userName === profile.userName);
  document.dispatchEvent(new CustomEvent('community:profile', { detail: profile }));
} catch (error) {
  document.getElementById('profile-name').textContent = error.status === 404 ? 'Member not found' : 'Could not load this profile';
  document.getElementById('profile-meta').textContent = error.message;
} finally {
  card.removeAttribute('aria-busy');
}
