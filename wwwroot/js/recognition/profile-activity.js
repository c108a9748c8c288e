// The activity part of a profile (/u/{name}): stats, badges with when they were earned, recent posts and accepted answers, and for
// the member themself the title picker. Every name and text from the server goes in as text (el() makes text nodes), never as HTML.
import { api, bindForm, el, formatDate, showStatus } from '../api.js';

const LEVELS = ['New member', 'Member', 'Regular', 'Leader'];

function stat(term, value) {
  return [el('dt', {}, term), el('dd', {}, String(value))];
}

function postItem(p) {
  return el('li', {},
    el('a', { href: p.url }, p.threadTitle),
    ' ', el('time', { datetime: p.createdAt, class: 'muted' }, formatDate(p.createdAt)),
    p.excerpt ? el('p', { class: 'muted' }, p.excerpt) : null);
}

function list(node, items, render, empty) {
  node.replaceChildren(...(items.length ? items.map(render) : [el('li', { class: 'empty' }, empty)]));
}

function showTitle(name) {
  const title = document.getElementById('profile-title');
  title.hidden = !name;
  const shown = name ? [el('span', { class: 'visually-hidden' }, 'Title: '),
    el('span', { class: 'badge member-title', 'data-testid': 'member-title' }, name)] : [];
  title.replaceChildren(...shown);
}

function titleForm(activity) {
  const form = document.getElementById('title-form');
  const select = document.getElementById('title-badge');
  const current = activity.badges.find((b) => b.name === activity.title)?.key ?? '';
  select.replaceChildren(el('option', { value: '' }, 'No title'),
    ...activity.badges.map((b) => el('option', { value: b.key, selected: b.key === current }, b.name)));
  form.hidden = activity.badges.length === 0;
  bindForm(form, async (data) => {
    await api.put('/api/me/title', { badge: data.badge || null });
    showTitle(activity.badges.find((b) => b.key === data.badge)?.name ?? null);
    showStatus(form, 'Title saved.');
  });
}

export async function renderActivity(userName, isMe) {
  const root = document.getElementById('profile-activity');
  try {
    const a = await api.get(`/api/members/${encodeURIComponent(userName)}/activity`);
    showTitle(a.title);
    const stats = [...stat('Posts', a.stats.posts), ...stat('Accepted answers', a.stats.acceptedAnswers),
      ...stat('Days visited', a.stats.daysVisited)];
    if (a.stats.trustLevel !== null && a.stats.trustLevel !== undefined) {
      stats.push(...stat('Trust level', `${a.stats.trustLevel} · ${LEVELS[a.stats.trustLevel] ?? ''}`));
    }
    if (a.stats.stage) {
      // Staff only (the server leaves it out for everyone else): the member's lifecycle stage, linked to their timeline.
      stats.push(el('dt', {}, 'Stage (staff only)'), el('dd', {}, el('a', { href: a.stats.timelineUrl }, a.stats.stage)));
    }
    document.getElementById('profile-stats').replaceChildren(...stats);
    list(document.getElementById('profile-badges'), a.badges, (b) => el('li', { class: 'earned-badge', 'data-badge-key': b.key },
      el('span', { class: 'badge' }, b.name), ' ',
      b.description ? el('span', {}, b.description) : null, ' ',
      el('span', { class: 'muted' }, 'Earned ', el('time', { datetime: b.earnedAt }, formatDate(b.earnedAt)))), 'No badges yet.');
    list(document.getElementById('profile-posts'), a.recentPosts, postItem, 'No posts yet.');
    list(document.getElementById('profile-answers'), a.answers, postItem, 'No accepted answers yet.');
    if (isMe) titleForm(a);
  } catch (error) {
    root.replaceChildren(el('p', { class: 'alert error', role: 'status' }, `Could not load this member's activity: ${error.message}`));
  } finally {
    root.removeAttribute('aria-busy');
  }
}
