// A real OpenID Provider (oidc-provider, certified) for Community's SSO tests. The test fixture starts it:
//   PORT=4567 REDIRECT_URIS=http://127.0.0.1:5000/auth/oidc/callback node server.js
// Environment: PORT (required), REDIRECT_URIS (comma-separated, exact), CLIENT_ID, CLIENT_SECRET, OTHER_CLIENT_ID.
// It has its own login page (the provider's interactions) and two test users:
//   alice@acme.test / alice-password  (email_verified true,  plan Enterprise, groups community-moderators)
//   bob@acme.test   / bob-password    (email_verified false, plan Starter)
import http from 'node:http';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
if (!port) throw new Error('PORT is required');
const issuer = `http://127.0.0.1:${port}`;
const redirectUris = (process.env.REDIRECT_URIS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const clientId = process.env.CLIENT_ID ?? 'community';
const clientSecret = process.env.CLIENT_SECRET ?? 'community-test-secret-0123456789abcdef';

const users = {
  'alice@acme.test': {
    password: 'alice-password',
    claims: {
      sub: 'acme-user-1', email: 'alice@acme.test', email_verified: true, name: 'Alice Acme', preferred_username: 'alice',
      account_id: 'acct-42', account_name: 'Acme Corp', plan: 'Enterprise', groups: ['community-moderators', 'beta'], region: 'EU',
    },
  },
  'bob@acme.test': {
    password: 'bob-password',
    claims: {
      sub: 'acme-user-2', email: 'bob@acme.test', email_verified: false, name: 'Bob Unverified', preferred_username: 'bob',
      account_id: 'acct-7', account_name: 'Bobco', plan: 'Starter', groups: [], region: 'US',
    },
  },
};
const bySub = Object.fromEntries(Object.values(users).map((u) => [u.claims.sub, u.claims]));

// A fresh signing key per run; the relying party reads it from jwks_uri like any real provider's.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })).export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const client = (id) => ({
  client_id: id,
  client_secret: clientSecret,
  redirect_uris: redirectUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
});

const provider = new Provider(issuer, {
  clients: [client(clientId), client(process.env.OTHER_CLIENT_ID ?? 'other-app')],
  jwks: { keys: [jwk] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'picture'],
    acme: ['account_id', 'account_name', 'plan', 'groups', 'region'],
  },
  // PKCE for every client, so a relying party that forgot it fails here the way it would at a strict provider.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['test-cookie-key-1'] },
  findAccount: async (_ctx, sub) => (bySub[sub] ? { accountId: sub, claims: async () => bySub[sub] } : undefined),
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Error', `<p>${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`);
  },
});

function escape(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Acme</title></head>`
    + `<body><h1>Acme</h1><h2>${escape(title)}</h2>${body}</body></html>`;
}

function loginForm(uid, error) {
  return page('Sign in to Acme', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <label>Email <input name="login" type="email" autocomplete="username" autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in to Acme</button>
</form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

// The interactions: a login page with a real password check, then consent granted for what the client asked.
async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const { prompt, params } = details;
  if (prompt.name === 'login') {
    if (action !== 'login') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginForm(uid));
      return;
    }
    const form = await readForm(req);
    const user = users[(form.login ?? '').toLowerCase()];
    if (!user || user.password !== form.password) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginForm(uid, 'Wrong email or password.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.claims.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  // consent: grant the requested scopes (the test client is first-party).
  const grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const handler = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login))?/.exec(req.url);
  if (!match) return handler(req, res);
  try {
    await interaction(req, res, match[1], match[2]);
  } catch (error) {
    if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page('Error', `<p>${escape(error.message)}</p>`));
  }
  return undefined;
});
server.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
