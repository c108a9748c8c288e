import { api, avatar, bindForm, currentUser, resetCsrf, showStatus } from '../api.js';
import { setUpPasskeySettings } from '../accounts/passkeys.js';

const me = await currentUser();
if (!me) location.replace('/signin?returnUrl=/settings');

const profile = document.getElementById('profile-form');
profile.elements.displayName.value = me.displayName;
profile.elements.userName.value = me.userName;
profile.elements.bio.value = me.bio || '';
document.getElementById('email-address').textContent = me.email;
// Enabled only once filled in, so nothing typed early is overwritten.
document.getElementById('profile-fields').disabled = false;

bindForm(profile, async (data) => {
  const updated = await api.put('/api/me', data);
  showStatus(profile, 'Your profile is saved.');
  const who = document.querySelector('[data-testid="me"] span:last-child');
  if (who) who.textContent = updated.displayName;
  document.querySelector('[data-testid="me"]')?.setAttribute('href', `/u/${encodeURIComponent(updated.userName)}`);
});

const password = document.getElementById('password-form');
bindForm(password, async (data) => {
  await api.post('/api/me/password', data);
  password.reset();
  showStatus(password, 'Your password is changed.');
});

// Members created by a product sign-in have no password: "Set a password" only while local passwords are allowed, else nothing.
const setPassword = document.getElementById('set-password-form');
async function showPasswordForms() {
  const status = await api.get('/api/me/password').catch(() => ({ hasPassword: true, canSetPassword: false }));
  password.hidden = !status.hasPassword;
  password.nextElementSibling.hidden = !status.hasPassword;
  setPassword.hidden = !status.canSetPassword;
  document.getElementById('password-section').hidden = !status.hasPassword && !status.canSetPassword;
  // Without a password, deleting the account is confirmed by typing the email address instead.
  document.getElementById('erase-password-field').hidden = !status.hasPassword;
  document.getElementById('erase-password').disabled = !status.hasPassword;
  document.getElementById('erase-email-field').hidden = status.hasPassword;
  document.getElementById('erase-email').disabled = status.hasPassword;
}
bindForm(setPassword, async (data) => {
  await api.post('/api/me/password/set', data);
  setPassword.reset();
  await showPasswordForms();
  showStatus(password, 'Your password is set. You can now also sign in with your email and this password.');
});
await showPasswordForms();

const sessions = document.getElementById('sessions-form');
bindForm(sessions, async () => {
  await api.post('/api/account/signout-everywhere', {});
  resetCsrf();
  location.href = '/signin';
});

const erase = document.getElementById('erase-form');
bindForm(erase, async (data) => {
  await api.post('/api/me/erase', data);
  resetCsrf();
  location.href = '/';
});

const avatarForm = document.getElementById('avatar-form');
const preview = document.getElementById('avatar-preview');
preview.replaceChildren(avatar(me, 'large'));
bindForm(avatarForm, async () => {
  const file = avatarForm.elements.file.files[0];
  if (!file) { showStatus(avatarForm, 'Choose an image first.', 'error'); return; }
  const body = new FormData();
  body.append('file', file);
  await api.upload('/api/me/avatar', body);
  const updated = await currentUser(true);
  preview.replaceChildren(avatar(updated, 'large'));
  document.querySelector('[data-testid="me"] .avatar')?.replaceWith(avatar(updated));
  showStatus(avatarForm, 'Your picture is updated.');
});

await setUpPasskeySettings();
