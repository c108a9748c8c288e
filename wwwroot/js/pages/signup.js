import { api, bindForm, el, param } from '../api.js';

const form = document.getElementById('signup-form');
const code = param('ref') || param('code') || param('invite');
if (code) form.elements.referralCode.value = code;

bindForm(form, async (data) => {
  if (!data.referralCode) delete data.referralCode;
  await api.post('/api/account/register', data);
  form.hidden = true;
  document.getElementById('sent-to').textContent = data.email;
  const done = document.getElementById('signup-done');
  done.hidden = false;
  done.querySelector('h2').setAttribute('tabindex', '-1');
  done.querySelector('h2').focus();
});

// With local passwords off there is no sign-up form: members are created when they first sign in with the product.
const options = await api.get('/api/account/sign-in-options').catch(() => null);
if (options && !options.localPasswords) {
  form.hidden = true;
  document.getElementById('signup-sso-message').textContent =
    `There is no separate sign-up here: sign in with ${options.productName} and your account is created on the way.`;
  document.getElementById('signup-sso-providers').replaceChildren(...options.providers.map((p) => el('a', {
    class: 'button', href: `${p.url}?returnUrl=%2F`, 'data-provider': p.id,
  }, `Sign in with ${p.name}`)));
  document.getElementById('signup-sso').hidden = false;
}
