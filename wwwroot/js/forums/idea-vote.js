// The vote button ideas share (the list and an idea's page): one vote per member, a budget of open votes, counts kept live.
import { api, ApiError, el, plural } from '../api.js';

/** "3 votes left of 10" after a vote or unvote; the 409 past the budget says the same in its detail. */
export function budgetText(state) {
  return state.votesLeft === null || state.votesLeft === undefined ? '' : `You have ${plural(state.votesLeft, 'vote')} left of ${state.budget}.`;
}

/**
 * A toggle button (aria-pressed) with the count inside. `onChange(state)` gets the server's answer; `onRefused(message)` a refusal
 * (over budget, closed). Signed-out visitors get a link to sign in instead.
 */
export function voteButton(idea, { signedIn, onChange, onRefused }) {
  if (!signedIn) {
    return el('a', { class: 'vote-button', href: `/signin?returnUrl=${encodeURIComponent(location.pathname)}`, 'data-idea-vote': String(idea.id) },
      el('span', { class: 'vote-arrow', 'aria-hidden': 'true' }, '▲'), el('span', { class: 'vote-count' }, String(idea.votes)),
      el('span', { class: 'visually-hidden' }, ` votes: sign in to vote for ${idea.title}`));
  }
  const count = el('span', { class: 'vote-count' }, String(idea.votes));
  const button = el('button',
    { type: 'button', class: 'vote-button', 'data-idea-vote': String(idea.id), 'aria-pressed': String(Boolean(idea.voted)) },
    el('span', { class: 'vote-arrow', 'aria-hidden': 'true' }, '▲'), count,
    el('span', { class: 'visually-hidden' }, ` votes: vote for ${idea.title}`));
  button.addEventListener('click', async () => {
    const voted = button.getAttribute('aria-pressed') === 'true';
    button.disabled = true;
    try {
      const state = voted ? await api.del(`/api/ideas/${idea.id}/vote`) : await api.put(`/api/ideas/${idea.id}/vote`);
      setVotes(button, state.votes, state.voted);
      onChange?.(state);
    } catch (error) {
      if (error instanceof ApiError) onRefused?.(error.message); else throw error;
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** Updates a vote button (or sign-in link) in place: from the member's own vote, or a live count (voted left as it is). */
export function setVotes(node, votes, voted) {
  const count = node.querySelector('.vote-count');
  if (count) count.textContent = String(votes);
  if (voted !== undefined && node.hasAttribute('aria-pressed')) node.setAttribute('aria-pressed', String(voted));
}

/** The status badge: one look per status everywhere (the server-rendered ones use the same classes). */
export function statusBadge(status, label) {
  return el('span', { class: `badge idea-status status-${status}`, 'data-idea-status': status }, label);
}
