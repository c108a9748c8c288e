// Staff: the insights dashboard. One card per chart source: its summary (what a screen reader gets instead of the picture), a uPlot
// chart for series (hidden from assistive tech; a data table can be shown instead) or an HTML table, and a CSV download.
import uPlot from '../../lib/uplot/uPlot.esm.js';
import { ApiError, api, el } from '../api.js';

const form = document.getElementById('insights-filters');
const custom = document.getElementById('insights-custom');
const grid = document.getElementById('insights-charts');
const status = document.getElementById('insights-status');
const COLORS = ['#2563eb', '#db2777', '#059669', '#d97706'];
const plots = [];

document.head.append(el('link', { rel: 'stylesheet', href: '/lib/uplot/uPlot.min.css' }));

const iso = (d) => d.toISOString().slice(0, 10);

function period() {
  const range = form.elements.namedItem('range').value;
  if (range === 'custom') return { from: form.elements.namedItem('from').value, to: form.elements.namedItem('to').value };
  const to = new Date();
  const from = new Date(to.getTime() - (Number(range) - 1) * 86400000);
  return { from: iso(from), to: iso(to) };
}

function query() {
  const { from, to } = period();
  const q = new URLSearchParams({ from, to });
  for (const name of ['category', 'plan', 'account']) {
    const value = form.elements.namedItem(name).value.trim();
    if (value) q.set(name, value);
  }
  return q;
}

function dataTable(chart) {
  const dates = chart.series[0]?.points.map((p) => p.date) ?? [];
  return el('table', {},
    el('caption', { class: 'visually-hidden' }, `${chart.title}, by day`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Date'), ...chart.series.map((s) => el('th', { scope: 'col' }, s.name)))),
    el('tbody', {}, ...dates.map((d, i) => el('tr', {}, el('th', { scope: 'row' }, d),
      ...chart.series.map((s) => el('td', {}, String(s.points[i]?.value ?? '')))))));
}

function plainTable(chart) {
  const t = chart.table;
  return el('table', {},
    el('caption', { class: 'visually-hidden' }, chart.title),
    el('thead', {}, el('tr', {}, ...t.columns.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, ...(t.rows.length ? t.rows.map((r) => el('tr', {}, ...r.map((c, i) => el(i ? 'td' : 'th', i ? {} : { scope: 'row' }, c))))
      : [el('tr', {}, el('td', { colspan: String(t.columns.length), class: 'empty' }, 'Nothing in this period.'))])));
}

function plot(chart, box) {
  const dates = chart.series[0].points.map((p) => Date.parse(`${p.date}T00:00:00Z`) / 1000);
  const width = () => Math.max(260, box.clientWidth - 8);
  // Canvas does not know CSS variables or currentColor: take the page's colours as they are now (light or dark).
  const ink = getComputedStyle(box).color;
  const line = getComputedStyle(document.body).getPropertyValue('--border').trim() || 'rgba(128,128,128,.3)';
  const u = new uPlot({
    width: width(), height: 220, legend: { show: true }, cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    series: [{}, ...chart.series.map((s, i) => ({
      label: s.name, stroke: COLORS[i % COLORS.length], width: 2, points: { show: dates.length <= 31 },
    }))],
    axes: [{ stroke: ink, grid: { stroke: line } }, { stroke: ink, grid: { stroke: line } }],
  }, [dates, ...chart.series.map((s) => s.points.map((p) => p.value))], box);
  plots.push({ u, box, width });
}

// A table wider than a phone scrolls sideways: keyboard users must be able to reach and scroll it too.
const scrollable = (label) => ({ tabindex: '0', role: 'region', 'aria-label': label });

function card(source, chart, q) {
  const id = `insight-${source.key}`;
  const csv = new URLSearchParams(q);
  csv.set('format', 'csv');
  const body = [el('p', { class: 'insight-summary', id: `${id}-summary` }, chart.summary)];
  if (chart.series.length) {
    const box = el('div', { class: 'insight-plot', 'aria-hidden': 'true' });
    const table = el('div', { class: 'table-wrap', hidden: true, ...scrollable(`${chart.title}, by day`) }, dataTable(chart));
    const verb = el('span', {}, 'Show');
    const toggle = el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false' },
      verb, ' the numbers', el('span', { class: 'visually-hidden' }, ` of ${chart.title}`));
    toggle.addEventListener('click', () => {
      const open = table.hidden;
      table.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      verb.textContent = open ? 'Hide' : 'Show';
    });
    body.push(box, el('p', { class: 'actions' }, toggle), table);
    queueMicrotask(() => plot(chart, box));
  }
  if (chart.table) body.push(el('div', { class: 'table-wrap', ...scrollable(chart.title) }, plainTable(chart)));
  body.push(el('p', {}, el('a', { href: `/api/admin/insights/${encodeURIComponent(source.key)}?${csv}`, download: '',
    'data-csv': source.key }, 'Download CSV', el('span', { class: 'visually-hidden' }, ` of ${chart.title}`))));
  return el('section', { class: 'card insight-card', id, 'aria-labelledby': `${id}-title`, 'data-insight': source.key },
    el('h2', { id: `${id}-title` }, chart.title), ...body);
}

let sources = [];

async function load() {
  for (const name of ['from', 'to']) document.querySelector(`[data-error-for="${name}"]`).textContent = '';
  const q = query();
  grid.setAttribute('aria-busy', 'true');
  status.textContent = 'Loading…';
  try {
    const charts = await Promise.all(sources.map((s) => api.get(`/api/admin/insights/${encodeURIComponent(s.key)}?${q}`)));
    plots.splice(0).forEach((p) => p.u.destroy());
    grid.replaceChildren(...sources.map((s, i) => card(s, charts[i], q)));
    status.textContent = `Showing ${q.get('from')} to ${q.get('to')}.`;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const errors = error.problem?.errors ?? {};
    for (const [field, messages] of Object.entries(errors)) {
      const slot = document.querySelector(`[data-error-for="${field}"]`);
      if (slot) slot.textContent = messages.join(' ');
    }
    status.textContent = error.problem?.errors ? 'Check the period.' : (error.message || 'Could not load the charts.');
  } finally {
    grid.setAttribute('aria-busy', 'false');
  }
}

form.addEventListener('change', (event) => {
  if (event.target.name === 'range') {
    custom.hidden = event.target.value !== 'custom';
    if (event.target.value === 'custom') {
      const { from, to } = { from: iso(new Date(Date.now() - 29 * 86400000)), to: iso(new Date()) };
      form.elements.namedItem('from').value ||= from;
      form.elements.namedItem('to').value ||= to;
    } else load();
  }
});
form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
window.addEventListener('resize', () => plots.forEach((p) => p.u.setSize({ width: p.width(), height: 220 })));

const [list, filters] = await Promise.all([api.get('/api/admin/insights'), api.get('/api/admin/insights/filters')]);
sources = list;
form.elements.namedItem('category').append(...filters.categories.map((c) => el('option', { value: String(c.id) }, c.name)));
form.elements.namedItem('plan').append(...filters.plans.map((p) => el('option', { value: p }, p)));
await load();
