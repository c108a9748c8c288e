import { api, bindForm, param, showStatus } from '../api.js';

const form = document.getElementById('reset-form');
form.elements.email.value = param('email') || '';
form.elements.token.value = param('token') || '';
bindForm(form, async (data) => {
  const result = await api.post('/api/account/reset-password', data);
  showStatus(form, result.message);
  form.querySelector('button[type="submit"]').hidden = true;
});
