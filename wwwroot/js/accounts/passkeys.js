// Passkeys (WebAuthn) for local accounts: register, list and remove them in settings; sign in with one.
// The server makes the options and checks the answers (ASP.NET Core Identity); the browser only talks to the authenticator.
import { api, ApiError, bindForm, currentUser, el, resetCsrf, showStatus } from '../api.js';

export const supported = () => typeof window.PublicKeyCredential?.parseCreationOptionsFromJSON === 'function';

function cancelled(error) {
  return error?.name === 'NotAllowedError' || error?.name === 'AbortError';
}

/** Settings: the list of passkeys and the "add a passkey" form. */
export async function setUpPasskeySettings() {
  const section = document.getElementById('passkeys-section');
  if (!section) return;
  const form = document.getElementById('passkey-form');
  const list = document.getElementById('passkey-list');
  if (!supported()) {
    form.querySelector('button[type="submit"]').disabled = true;
    showStatus(form, 'This browser cannot create passkeys.', 'info');
  }

  async function render() {
    const passkeys = await api.get('/api/account/passkeys');
    list.replaceChildren(...(passkeys.length === 0
      ? [el('li', { class: 'muted' }, 'No passkeys yet.')]
      : passkeys.map((p) => el('li', { dataset: { testid: 'passkey' } },
        el('span', {}, p.name), ' ',
        el('span', { class: 'muted' }, `added ${new Date(p.createdAt).toLocaleDateString()}`), ' ',
        el('button', { type: 'button', class: 'link', 'aria-label': `Remove passkey ${p.name}`, onclick: () => remove(p) }, 'Remove')))));
  }

  async function remove(passkey) {
    await api.del(`/api/account/passkeys/${encodeURIComponent(passkey.id)}`);
    showStatus(form, `Passkey “${passkey.name}” removed.`);
    await render();
  }

  bindForm(form, async (data) => {
    const options = await api.post('/api/account/passkeys/creation-options');
    let credential;
    try {
      credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
    } catch (error) {
      if (cancelled(error)) { showStatus(form, 'No passkey was created.', 'info'); return; }
      throw error;
    }
    await api.post('/api/account/passkeys', { name: data.name, credential: credential.toJSON() });
    form.reset();
    showStatus(form, 'Your passkey is saved. You can use it to sign in.');
    await render();
  });
  await render();
}

/** Sign-in page: "Sign in with a passkey". */
export function setUpPasskeySignIn(form, returnUrl) {
  const button = document.getElementById('passkey-signin');
  if (!button) return;
  if (!supported()) { button.hidden = true; return; }
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const options = await api.post('/api/account/passkeys/request-options');
      const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      await api.post('/api/account/passkeys/signin', { credential: credential.toJSON() });
      resetCsrf();
      await currentUser(true);
      location.assign(returnUrl);
    } catch (error) {
      const message = cancelled(error) ? 'Signing in with a passkey was cancelled.'
        : error instanceof ApiError ? error.message : 'Signing in with a passkey did not work. Try again or use your password.';
      showStatus(form, message, 'error');
    } finally {
      button.disabled = false;
    }
  });
}
