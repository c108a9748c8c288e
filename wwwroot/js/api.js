// The one fetch wrapper: JSON in and out, the anti-forgery header on every write,
// and ProblemDetails (RFC 9457) errors surfaced as ApiError with per-field messages.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem || {};
  }
  /** Field errors as { field: [messages] } (validation problems and 409s carry them). */
  get fieldErrors() { return this.problem.errors || {}; }
  get retryAfter() { return this.problem.retryAfterSeconds; }
}

let csrf = null;

/**
 * How long any request may take before it fails. A pooled connection can die silently (a laptop's sleep, a dropped
 * network): without a deadline the fetch hangs for minutes and whatever waits on it (a thread's catch-up) never retries.
 */
export const DEFAULT_TIMEOUT_MS = 15000;

const timedOut = () => new ApiError(0, { title: 'Timed out', detail: 'The server took too long to answer. Check your connection and try again.' });

async function fetchWithTimeout(url, init, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetch(url, { ...init, signal: controller.signal });
  } catch (error) {
    if (controller.signal.aborted) throw timedOut();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function csrfToken(refresh = false) {
  if (!csrf || refresh) {
    const res = await fetchWithTimeout('/api/antiforgery', { credentials: 'same-origin' }, DEFAULT_TIMEOUT_MS);
    csrf = (await res.json()).token;
  }
  return csrf;
}

/** Forget the token: it is bound to the signed-in user, so it changes on sign-in and sign-out. */
export function resetCsrf() { csrf = null; }

/**
 * One request. Options: `timeoutMs` (default DEFAULT_TIMEOUT_MS; the whole exchange, body included), `headers` (extra
 * request headers, an Idempotency-Key say), `raw` (the Response itself when it is ok).
 */
export async function request(method, url, body, { retry = true, raw = false, timeoutMs = DEFAULT_TIMEOUT_MS, headers: extra } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  const write = method !== 'GET' && method !== 'HEAD';
  const options = { raw, timeoutMs, headers: extra };
  if (write) {
    try { headers['X-CSRF-TOKEN'] = await csrfToken(); } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(0, { title: 'Network error', detail: 'Could not reach the server. Check your connection and try again.' });
    }
  }
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let res;
    try {
      res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', signal: controller.signal });
    } catch {
      if (controller.signal.aborted) throw timedOut();
      throw new ApiError(0, { title: 'Network error', detail: 'Could not reach the server. Check your connection and try again.' });
    }
    if (res.status === 403 && write && retry && res.headers.get('content-type')?.includes('problem')) {
      const problem = await res.clone().json();
      if (problem.type?.endsWith('/csrf')) { await csrfToken(true); return request(method, url, body, { ...options, retry: false }); }
    }
    if (raw && res.ok) return res;
    if (res.status === 204) return null;
    const type = res.headers.get('content-type') || '';
    const data = type.includes('json') ? await res.json() : null;
    if (!res.ok) throw new ApiError(res.status, data || { title: res.statusText });
    return data;
  } catch (error) {
    // A body cut off by the deadline (or a dropped connection) surfaces as one ApiError, never a bare DOMException.
    if (error instanceof ApiError) throw error;
    if (controller.signal.aborted) throw timedOut();
    throw new ApiError(0, { title: 'Network error', detail: 'Could not reach the server. Check your connection and try again.' });
  } finally {
    clearTimeout(timer);
  }
}

/** Each call takes the same options as request() last: `api.get(url, { timeoutMs: 5000 })`. */
export const api = {
  get: (url, options) => request('GET', url, undefined, options),
  post: (url, body, options) => request('POST', url, body ?? {}, options),
  put: (url, body, options) => request('PUT', url, body ?? {}, options),
  patch: (url, body, options) => request('PATCH', url, body ?? {}, options),
  del: (url, options) => request('DELETE', url, undefined, options),
  upload: (url, formData, options) => request('POST', url, formData, { timeoutMs: 120000, ...options }),
};

/** Waits about `ms` (±50%, never less than 100 ms): retries spread out instead of arriving in the same millisecond. */
export function jittered(ms) {
  return Math.max(100, Math.round(ms * (0.5 + Math.random())));
}

const TRANSIENT = new Set([0, 502, 503, 504]);

/**
 * A write that must happen exactly once (a reply, a new thread): sent with an Idempotency-Key and, after a network error,
 * a timeout or a 502/503/504 (the answer may be lost although the write committed), sent again with the same key and
 * backoff; the server answers a repeat with the original result. `onRetry(attempt, error)` may say so on the page.
 */
export async function writeOnce(method, url, body, key, { attempts = 6, onRetry } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request(method, url, body, { headers: { 'Idempotency-Key': key } });
    } catch (error) {
      if (!(error instanceof ApiError) || !TRANSIENT.has(error.status) || attempt >= attempts) throw error;
      onRetry?.(attempt, error);
      await new Promise((resolve) => { setTimeout(resolve, jittered(Math.min(1000 * 2 ** (attempt - 1), 8000))); });
    }
  }
}

/** A fresh key for one write the member means to make once (sent as Idempotency-Key, reused by every retry of it). */
export function newIdempotencyKey() {
  return crypto.randomUUID();
}

let me;
/** The signed-in member, or null (the server answers 204 for visitors). Cached for the page's life; pass true after sign-in/out. */
export function currentUser(refresh = false) {
  if (!me || refresh) me = request('GET', '/api/me');
  return me;
}

/** Builds an element. Text children become text nodes: user text is never parsed as HTML here. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Initials avatar, or the member's image when they have one. */
export function avatar(member, size = '') {
  const span = el('span', { class: `avatar ${size}`.trim(), 'aria-hidden': 'true' });
  if (member?.avatarUrl) span.append(el('img', { src: member.avatarUrl, alt: '' }));
  else span.textContent = (member?.displayName || '?').split(/\s+/).map((p) => p[0]).join('').slice(0, 2).toUpperCase();
  return span;
}

/** "1 customer", "2 customers": counts shown to people are always pluralised correctly. */
export function plural(count, one, many = `${one}s`) {
  return `${count} ${Math.abs(count) === 1 ? one : many}`;
}

export function formatDate(value) {
  return new Date(value).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}

// ---- forms ----------------------------------------------------------------

function errorSlot(form, field) {
  let slot = form.querySelector(`[data-error-for="${field}"]`);
  const input = form.elements.namedItem(field);
  if (!slot && input instanceof HTMLElement) {
    slot = el('p', { class: 'field-error', 'data-error-for': field, id: `${form.id || 'form'}-${field}-error` });
    input.insertAdjacentElement('afterend', slot);
  }
  return { slot, input: input instanceof HTMLElement ? input : null };
}

export function clearProblems(form) {
  form.querySelectorAll('.field-error').forEach((n) => { n.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((n) => n.removeAttribute('aria-invalid'));
  const summary = form.querySelector('.form-status');
  if (summary) { summary.textContent = ''; summary.className = 'form-status alert'; }
}

/** Puts each field error next to its input (aria-invalid + aria-describedby) and the detail in the form's status. */
export function showProblem(form, error) {
  clearProblems(form);
  let first = null;
  const unplaced = [];
  for (const [field, messages] of Object.entries(error.fieldErrors || {})) {
    const { slot, input } = errorSlot(form, field);
    if (!slot) { unplaced.push(...messages); continue; }
    slot.textContent = messages.join(' ');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), slot.id].filter(Boolean).join(' '));
      first ??= input;
    }
  }
  const summary = form.querySelector('.form-status');
  if (summary) {
    summary.className = 'form-status alert error';
    summary.textContent = [error.message, ...unplaced].join(' ');
  }
  (first || summary)?.focus?.();
}

/** Clears one field's error as soon as the member changes that field: a fixed field must not stay red until the next submit. */
function clearFieldProblem(form, target) {
  const field = target.name || target.closest('[data-field]')?.dataset.field;
  if (!field) return;
  const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
  if (slot) slot.textContent = '';
  const input = form.elements.namedItem(field);
  for (const node of [target, input instanceof HTMLElement ? input : null]) {
    if (!node?.hasAttribute('aria-invalid')) continue;
    node.removeAttribute('aria-invalid');
    const rest = (node.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== slot?.id).join(' ');
    if (rest) node.setAttribute('aria-describedby', rest); else node.removeAttribute('aria-describedby');
  }
}

export function showStatus(form, message, kind = 'success') {
  const summary = form.querySelector('.form-status');
  if (summary) { summary.className = `form-status alert ${kind}`; summary.textContent = message; }
}

/** Wires a form: collects its named fields, disables the submit button while busy, and shows problems. */
export function bindForm(form, handler) {
  form.addEventListener('input', (event) => clearFieldProblem(form, event.target));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]') ?? document.querySelector(`button[type="submit"][form="${form.id}"]`);
    const data = {};
    for (const [key, value] of new FormData(form).entries()) data[key] = typeof value === 'string' ? value : value;
    form.querySelectorAll('input[type="checkbox"][name]').forEach((box) => { data[box.name] = box.checked; });
    clearProblems(form);
    button?.setAttribute('aria-busy', 'true');
    if (button) button.disabled = true;
    try {
      await handler(data);
    } catch (error) {
      if (error instanceof ApiError) showProblem(form, error);
      else { showProblem(form, new ApiError(0, { detail: 'Something went wrong. Please try again.' })); console.error(error); }
    } finally {
      button?.removeAttribute('aria-busy');
      if (button) button.disabled = false;
    }
  });
}

export function param(name) { return new URLSearchParams(location.search).get(name); }
