import { api, ApiError, bindForm, currentUser, param, resetCsrf, showStatus } from '../api.js';

const form = document.getElementById('signin-form');
const resend = document.getElementById('resend');

function safeReturnUrl() {
  const url = param('returnUrl');
  // Only same-site paths: never //evil.example or absolute URLs.
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : '/';
}

bindForm(form, async (data) => {
  try {
    await api.post('/api/account/signin', data);
  } catch (error) {
    if (error instanceof ApiError && error.problem.code === 'email_unconfirmed') resend.hidden = false;
    throw error;
  }
  resetCsrf();
  await currentUser(true);
  location.href = safeReturnUrl();
});

document.getElementById('resend-button').addEventListener('click', async () => {
  const result = await api.post('/api/account/resend-confirmation', { email: form.elements.email.value });
  showStatus(form, result.message, 'info');
});
