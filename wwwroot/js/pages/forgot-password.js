import { api, bindForm, showStatus } from '../api.js';

const form = document.getElementById('forgot-form');
bindForm(form, async (data) => {
  const result = await api.post('/api/account/forgot-password', data);
  showStatus(form, result.message);
});
