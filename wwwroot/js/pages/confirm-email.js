import { api, bindForm, param, showStatus } from '../api.js';
import { isLocalUrl } from '../local-url.js';

const next = param('returnUrl');
if (isLocalUrl(next)) document.getElementById('confirm-signin').href = `/signin?returnUrl=${encodeURIComponent(next)}`;

const status = document.getElementById('confirm-status');
const title = document.getElementById('confirm-title');
const resend = document.getElementById('resend-form');

/** A broken or expired link is not a form error: say so, and offer a new link right here. */
function invalidLink(message) {
  title.textContent = 'This link is invalid or has expired';
  status.className = 'alert error';
  status.textContent = message || 'This confirmation link is invalid or has expired. Enter your email address and we will send you a new one.';
  document.getElementById('confirm-next').hidden = true;
  resend.hidden = false;
  title.focus();
}

bindForm(resend, async (data) => {
  // The answer is the same whether or not the address has an account, so it reveals nothing.
  const result = await api.post('/api/account/resend-confirmation', { email: data.email });
  showStatus(resend, result.message);
});

const userId = param('userId');
const token = param('token');
if (!userId || !token) {
  invalidLink();
} else {
  try {
    const result = await api.post('/api/account/confirm-email', { userId, token });
    title.textContent = 'Email confirmed';
    status.className = 'alert success';
    status.textContent = result.message;
  } catch (error) {
    if (error.status === 400) invalidLink(error.message);
    else {
      title.textContent = 'We could not confirm your email';
      status.className = 'alert error';
      status.textContent = error.message;
    }
  }
}
