// The advocate panel inside the product's iframe: copy the link, and tell the embedding page how tall we are
// (refer.js listens for this message and sizes the iframe). The height is not secret, so any parent may read it.
const link = document.getElementById('link');
const copy = document.getElementById('copy');
const status = document.getElementById('copy-status');

copy?.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(link.value);
    status.textContent = 'Link copied.';
  } catch {
    // A frame without clipboard permission: select the text so Ctrl+C / long-press copies it.
    link.focus();
    link.select();
    status.textContent = 'Press Ctrl+C (or ⌘C) to copy the selected link.';
  }
});

let last = 0;
function report() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === last || window.parent === window) return;
  last = height;
  window.parent.postMessage({ type: 'community-embed:height', height }, '*');
}
new ResizeObserver(report).observe(document.documentElement);
report();
