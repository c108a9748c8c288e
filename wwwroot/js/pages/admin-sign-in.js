// The admin's view and editor of the sign-in set-up (GET/PUT /api/admin/sign-in); the server enforces the Admin role and CSRF.
// Parts the site's configuration sets come back locked and are shown read-only. Secrets are write-only: never filled in.
import { api, bindForm, currentUser, el, showStatus } from '../api.js';

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
        : el('span', { class: 'muted' }, 'Fill in the form below (or set Sso:Oidc:Authority and Sso:Oidc:ClientId).'))),
    el('tr', { 'data-provider': 'connect' },
      el('td', {}, 'Connect (signed payload)'),
      el('td', {}, connect.configured ? `Continue with ${connect.name}` : '—'),
      el('td', {}, connect.configured ? 'On' : 'Not configured'),
      el('td', {}, connect.configured ? el('div', {}, 'Product endpoint: ', code(connect.url))
        : el('span', { class: 'muted' }, 'Fill in the form below (or set Sso:Connect:Url and Sso:Connect:Secret).'))),
  ];
}

function render(setup) {
  document.getElementById('providers').replaceChildren(...providerRows(setup));
  document.getElementById('local-passwords').replaceChildren(setup.localPasswords
    ? 'On: members may sign up and sign in with an email and password.'
    : el('span', {}, 'Off: members sign in only through a provider. Admins keep a break-glass password sign-in at ',
      el('a', { href: setup.breakGlassUrl }, setup.breakGlassUrl), '.'));
  const claims = Object.entries(setup.oidc.claims).map(([attribute, claim]) => cells(attribute, code(claim)));
  document.getElementById('claims').replaceChildren(...claims);
  const groups = setup.groupRoles.map((g) => cells(code(g.group), g.role));
  document.getElementById('group-roles').replaceChildren(...(groups.length ? groups : [empty('No group grants a role.', 2)]));
  const attributes = setup.customAttributes.map((a) => cells(code(a.key), code(a.oidcClaim)));
  document.getElementById('attributes').replaceChildren(...(attributes.length ? attributes : [empty('No custom attributes are kept.', 2)]));
  fill(setup);
}

const forms = {
  oidc: document.getElementById('oidc-form'),
  connect: document.getElementById('connect-form'),
  localPasswords: document.getElementById('passwords-form'),
  groupRoles: document.getElementById('groups-form'),
  customAttributes: document.getElementById('attributes-form'),
};

// The forms start disabled and open once filled in, so nothing typed early is overwritten by the loaded set-up.
function lock(form, locked) {
  form.querySelector('fieldset').disabled = locked;
  form.querySelector('[data-locked]').hidden = !locked;
  form.dataset.locked = String(locked);
}

function fill(setup) {
  const locks = setup.locks || {};
  const { oidc, connect } = setup;
  const set = (form, name, value) => { form.elements.namedItem(name).value = value ?? ''; };
  set(forms.oidc, 'oidc.name', oidc.configured ? oidc.displayName || oidc.name : '');
  set(forms.oidc, 'oidc.authority', oidc.authority);
  set(forms.oidc, 'oidc.clientId', oidc.clientId);
  set(forms.oidc, 'oidc.clientSecret', '');
  forms.oidc.elements.namedItem('oidc.clientSecret').placeholder = oidc.hasClientSecret ? 'A secret is stored (leave empty to keep it)' : '';
  set(forms.oidc, 'oidc.scopes', oidc.extraScopes);
  for (const claim of ['accountId', 'accountName', 'plan', 'groups']) set(forms.oidc, `oidc.claims.${claim}`, oidc.claims[claim]);
  set(forms.connect, 'connect.name', connect.name);
  set(forms.connect, 'connect.url', connect.url);
  set(forms.connect, 'connect.secret', '');
  forms.connect.elements.namedItem('connect.secret').placeholder = connect.hasSecret ? 'A secret is stored (leave empty to keep it)' : '';
  forms.localPasswords.elements.namedItem('localPasswords').checked = setup.localPasswords;
  set(forms.groupRoles, 'groupRoles', setup.groupRoles.map((g) => `${g.group} = ${g.role}`).join('\n'));
  set(forms.customAttributes, 'customAttributes', setup.customAttributes.map((a) => a.key).join('\n'));
  lock(forms.oidc, !!locks.oidc);
  lock(forms.connect, !!locks.connect);
  lock(forms.localPasswords, !!locks.localPasswords);
  lock(forms.groupRoles, !!locks.groupRoles);
  lock(forms.customAttributes, !!locks.customAttributes);
}

const lines = (text) => (text || '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);

const requests = {
  oidc: (d) => ({
    oidc: {
      name: d['oidc.name'], authority: d['oidc.authority'], clientId: d['oidc.clientId'], clientSecret: d['oidc.clientSecret'] || null,
      scopes: d['oidc.scopes'],
      claims: {
        accountId: d['oidc.claims.accountId'], accountName: d['oidc.claims.accountName'], plan: d['oidc.claims.plan'],
        groups: d['oidc.claims.groups'],
      },
    },
  }),
  connect: (d) => ({ connect: { name: d['connect.name'], url: d['connect.url'], secret: d['connect.secret'] || null } }),
  localPasswords: (d) => ({ localPasswords: d.localPasswords }),
  groupRoles: (d) => ({
    groupRoles: lines(d.groupRoles).map((line) => {
      const at = line.lastIndexOf('=');
      return at < 0 ? { group: line, role: '' } : { group: line.slice(0, at).trim(), role: line.slice(at + 1).trim() };
    }),
  }),
  customAttributes: (d) => ({ customAttributes: lines(d.customAttributes) }),
};

async function save(form, body, message) {
  const setup = await api.put('/api/admin/sign-in', body);
  render(setup);
  showStatus(form, message);
}

for (const [part, form] of Object.entries(forms)) {
  bindForm(form, (data) => save(form, requests[part](data), 'Saved. It is in force now.'));
  form.querySelector('[data-remove]')?.addEventListener('click', async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      await save(form, { [part]: { remove: true } }, 'Removed. Its button is gone from the sign-in page.');
    } catch (error) {
      showStatus(form, error.message, 'error');
    } finally {
      button.disabled = false;
    }
  });
}

async function load() {
  try {
    render(await api.get('/api/admin/sign-in'));
  } catch (error) {
    status.className = 'form-status alert error';
    status.textContent = error.status === 403 ? 'Only admins can see the sign-in settings.' : error.message;
  } finally {
    container.setAttribute('aria-busy', 'false');
  }
}

await load();
