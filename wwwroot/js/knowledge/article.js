// An article page: "Was this helpful?" — one answer per member or visitor; answering again replaces it.
import { api, showProblem, showStatus } from '../api.js';

const article = document.querySelector('[data-article-id]');
const form = document.getElementById('kb-feedback');
const done = document.getElementById('kb-feedback-done');

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = event.submitter;
  const helpful = button?.value === 'yes';
  const comment = form.elements.namedItem('comment').value.trim();
  form.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  try {
    await api.put(`/api/kb/articles/${article.dataset.articleId}/feedback`, { helpful, comment: comment || null });
    showStatus(form, helpful ? 'Thanks! Glad it helped.' : 'Thanks — we will use this to improve the article.');
    done.textContent = 'You can change your answer at any time.';
  } catch (error) {
    showProblem(form, error);
  }
});
