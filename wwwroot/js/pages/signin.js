import { api, ApiError, bindForm, currentUser, param, resetCsrf, showStatus } from '../api.js';
import { localOr } from '../local-url.js';
import { setUpPasskeySignIn } from '../accounts/passkeys.js';

const form = document.getElementById('signin-form');
const resend = document.getElementById('resend');

// The cookie middleware says ReturnUrl, our own links say returnUrl.
const returnUrl = localOr(param('returnUrl') ?? param('ReturnUrl'));

bindForm(form, async (data) => {
  try {
    await api.post('/api/account/signin', data);
  } catch (error) {
    if (error instanceof ApiError && error.problem.code === 'email_unconfirmed') resend.hidden = false;
    throw error;
  }
  resetCsrf();
  await currentUser(true);
  location.assign(returnUrl);
});

document.getElementById('resend-button').addEventListener('click', async () => {
  const result = await api.post('/api/account/resend-confirmation', { email: form.elements.email.value });
  showStatus(form, result.message, 'info');
});

setUpPasskeySignIn(form, returnUrl);
