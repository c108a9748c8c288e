// The admin's read-only view of the sign-in set-up (GET /api/admin/sign-in); the server enforces the Admin role.
import { api, currentUser, el } from '../api.js';

const me = await currentUser();
if (!me) location.replace('/signin?returnUrl=/admin/sign-in');
const status = document.getElementById('sign-in-admin-status');
const container = document.getElementById('sign-in-admin');

const cells = (...values) => el('tr', {}, values.map((v) => el('td', {}, v)));
const empty = (text, span) => el('tr', {}, el('td', { colspan: String(span), class: 'muted' }, text));
const code = (text) => el('code', {}, text);

function providerRows(setup) {
  const { oidc, connect } = setup;
  return [
    el('tr', { 'data-provider': 'oidc' },
      el('td', {}, 'OpenID Connect'),
      el('td', {}, oidc.configured ? `Continue with ${oidc.name}` : '—'),
      el('td', {}, oidc.configured ? 'On' : 'Not configured'),
      el('td', {}, oidc.configured
        ? el('div', {},
          el('div', {}, 'Authority: ', code(oidc.authority)),
          el('div', {}, 'Client id: ', code(oidc.clientId), oidc.hasClientSecret ? ' (secret set)' : ' (no secret: public client)'),
          el('div', {}, 'Scopes: ', code(oidc.scopes.join(' '))),
          el('div', {}, 'Redirect URI to register: ', code(oidc.callbackUrl)))
        : el('span', { class: 'muted' }, 'Set Sso:Oidc:Authority and Sso:Oidc:ClientId.'))),
    el('tr', { 'data-provider': 'connect' },
      el('td', {}, 'Connect (signed payload)'),
      el('td', {}, connect.configured ? `Continue with ${connect.name}` : '—'),
      el('td', {}, connect.configured ? 'On' : 'Not configured'),
      el('td', {}, connect.configured ? el('div', {}, 'Product endpoint: ', code(connect.url))
        : el('span', { class: 'muted' }, 'Set Sso:Connect:Url and Sso:Connect:Secret.'))),
  ];
}

async function load() {
  try {
    const setup = await api.get('/api/admin/sign-in');
    document.getElementById('providers').replaceChildren(...providerRows(setup));
    document.getElementById('local-passwords').replaceChildren(setup.localPasswords
      ? 'On: members may sign up and sign in with an email and password (Sso:LocalPasswords = true).'
      : el('span', {}, 'Off: members sign in only through a provider. Admins keep a break-glass password sign-in at ',
        el('a', { href: setup.breakGlassUrl }, setup.breakGlassUrl), '.'));
    const claims = Object.entries(setup.oidc.claims).map(([attribute, claim]) => cells(attribute, code(claim)));
    document.getElementById('claims').replaceChildren(...claims);
    const groups = setup.groupRoles.map((g) => cells(code(g.group), g.role));
    document.getElementById('group-roles').replaceChildren(...(groups.length ? groups : [empty('No group grants a role (Sso:GroupRoles).', 2)]));
    const attributes = setup.customAttributes.map((a) => cells(code(a.key), code(a.oidcClaim)));
    document.getElementById('attributes').replaceChildren(
      ...(attributes.length ? attributes : [empty('No custom attributes are kept (Sso:CustomAttributes).', 2)]));
  } catch (error) {
    status.className = 'form-status alert error';
    status.textContent = error.status === 403 ? 'Only admins can see the sign-in settings.' : error.message;
  } finally {
    container.setAttribute('aria-busy', 'false');
  }
}

await load();
