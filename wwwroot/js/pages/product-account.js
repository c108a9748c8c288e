// Settings: the product account this member signed in with (filled by the provider at every sign-in and by the sync API).
import { api, el } from '../api.js';

const account = await api.get('/api/account/product').catch(() => null);
if (account) {
  const facts = [['Account', account.accountName ?? account.accountId], ['Plan', account.plan],
    ...Object.entries(account.attributes)].filter(([, value]) => value);
  document.getElementById('product-account-facts').replaceChildren(...facts.flatMap(([name, value]) =>
    [el('dt', {}, name), el('dd', { 'data-fact': name }, value)]));
  document.getElementById('product-account').hidden = facts.length === 0;
}
