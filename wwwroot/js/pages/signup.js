import { api, bindForm, param } from '../api.js';

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
