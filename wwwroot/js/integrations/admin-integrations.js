// The integrations page: each section is its own module that exports load(); add a section by importing it here.
import { currentUser } from '../api.js';
import * as webhooks from './webhooks.js';
import '../admin-billing-events.js';

const SECTIONS = [webhooks];

const me = await currentUser();
if (!me) location.replace('/signin?returnUrl=/admin/integrations');
const status = document.getElementById('integrations-status');

try {
  await Promise.all(SECTIONS.map((section) => section.load()));
} catch (error) {
  status.className = 'form-status alert error';
  status.textContent = error.status === 403 ? 'Only admins can manage integrations.' : error.message;
}
document.getElementById('integrations-admin').setAttribute('aria-busy', 'false');
