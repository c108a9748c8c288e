import { api, ApiError, bindForm, currentUser, el, param, resetCsrf, showStatus } from '../api.js';
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

// "Continue with …" for each configured provider; with local passwords off, only those (admins use ?local=1, see docs/sso.md).
async function showProviders() {
  const options = await api.get('/api/account/sign-in-options').catch(() => null);
  if (!options) return;
  const area = document.getElementById('sso-providers');
  area.replaceChildren(...options.providers.map((p) => el('a', {
    class: 'button', href: `${p.url}?returnUrl=${encodeURIComponent(returnUrl)}`, 'data-provider': p.id,
  }, `Continue with ${p.name}`)));
  area.hidden = options.providers.length === 0;
  document.getElementById('sso-or').hidden = options.providers.length === 0;
  const breakGlass = param('local') === '1';
  if (!options.localPasswords && !breakGlass) {
    document.getElementById('local-signin').hidden = true;
  } else if (!options.localPasswords) {
    document.getElementById('break-glass').hidden = false;
    document.getElementById('signup-link').hidden = true;
  }
}

showProviders();
setUpPasskeySignIn(form, returnUrl);
