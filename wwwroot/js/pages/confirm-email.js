import { api, param } from '../api.js';
import { isLocalUrl } from '../local-url.js';

const next = param('returnUrl');
if (isLocalUrl(next)) document.getElementById('confirm-signin').href = `/signin?returnUrl=${encodeURIComponent(next)}`;

const status = document.getElementById('confirm-status');
const title = document.getElementById('confirm-title');
try {
  const result = await api.post('/api/account/confirm-email', { userId: param('userId'), token: param('token') });
  title.textContent = 'Email confirmed';
  status.className = 'alert success';
  status.textContent = result.message;
} catch (error) {
  title.textContent = 'We could not confirm your email';
  status.className = 'alert error';
  status.textContent = error.message;
}
