import { api, bindForm, currentUser, el, showStatus } from '../api.js';

const me = await currentUser();
if (!me) location.replace('/signin?returnUrl=/settings/notifications');

const form = document.getElementById('notification-form');
const topics = document.getElementById('topic-fields');
const labels = { immediately: 'Immediately', daily: 'Daily digest', weekly: 'Weekly digest', never: 'Never' };
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function render(settings) {
  topics.replaceChildren(...settings.topics.map((t) => {
    const id = `topic-${t.topic}`;
    const select = el('select', { id, name: `topics.${t.topic}` },
      ...settings.deliveries.map((d) => el('option', { value: d }, labels[d] || d)));
    select.value = t.delivery;
    return el('div', { class: 'field' }, el('label', { for: id }, t.label), select);
  }));
  // The browser knows where the member is now; what was saved is shown next to it.
  form.elements.timeZone.value = browserZone;
  document.getElementById('timeZone-saved').textContent = `Saved: ${settings.timeZone}.`;
}

render(await api.get('/api/me/notification-preferences'));
document.getElementById('notification-fields').disabled = false;

bindForm(form, async (data) => {
  const chosen = {};
  for (const [key, value] of Object.entries(data)) if (key.startsWith('topics.')) chosen[key.slice(7)] = value;
  render(await api.put('/api/me/notification-preferences', { timeZone: data.timeZone, topics: chosen }));
  showStatus(form, 'Your email settings are saved.');
});
