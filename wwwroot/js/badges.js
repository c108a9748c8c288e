// Every badge the pages draw comes from here, so a role, a thread state or an accepted answer has one look and one
// wording everywhere. (The server-rendered thread head uses the same classes and words: ForumPages.cs.)
import { el } from './api.js';

const KINDS = {
  pinned: { text: 'Pinned' },
  locked: { text: 'Locked' },
  answered: { text: 'Answered', tone: 'answered' },
  accepted: { text: '✓ Accepted answer', tone: 'answered' },
  hidden: { text: 'Hidden', tone: 'warning' },
  private: { text: 'Private', tone: 'warning' },
  qa: { text: 'Q&A' },
  unread: { tone: 'unread-badge' },
  role: {}, // a member's role (Moderator, Marketing, Admin): the text is the role
  note: {}, // any other short label; the text is given
};

/** One badge: `kind` picks the wording and colour; `text` overrides the wording, `href` makes it a link. */
export function badge(kind, { text, href, title } = {}) {
  const spec = KINDS[kind];
  if (!spec) throw new Error(`Unknown badge kind: ${kind}`);
  return el(href ? 'a' : 'span', { class: spec.tone ? `badge ${spec.tone}` : 'badge', href, title, 'data-badge': kind }, text ?? spec.text);
}

/** The badges of a thread, in the same order everywhere: pinned, locked, answered (a link to the answer when known), unread. */
export function threadBadges({ pinned, locked, answered, answerHref, unread }) {
  return [
    pinned ? badge('pinned') : null,
    locked ? badge('locked') : null,
    answered ? badge('answered', { href: answerHref }) : null,
    unread ? badge('unread', { text: `${unread} unread` }) : null,
  ].filter(Boolean);
}

/** A member's role badges (the Member role is implied and never shown). */
export function roleBadges(roles) {
  return roles.filter((role) => role !== 'Member').map((role) => badge('role', { text: role }));
}
