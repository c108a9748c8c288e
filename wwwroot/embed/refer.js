// Community's referral panel for your product, in one line:
//   <script src="https://community.example.com/embed/refer.js" data-token="JWT" data-theme="dark" async></script>
// It puts an iframe where the script tag is and keeps it as tall as the panel inside.
(() => {
  const script = document.currentScript;
  if (!script) return;
  const origin = new URL(script.src).origin;
  const src = new URL('/embed/refer', origin);
  src.searchParams.set('token', script.dataset.token || '');
  src.searchParams.set('theme', script.dataset.theme === 'dark' ? 'dark' : 'light');
  const frame = document.createElement('iframe');
  frame.src = src.href;
  frame.title = script.dataset.title || 'Refer a friend';
  frame.allow = 'clipboard-write';
  frame.loading = 'lazy';
  frame.referrerPolicy = 'origin';
  frame.style.cssText = 'border:0;width:100%;height:420px;display:block;color-scheme:normal';
  script.after(frame);
  window.addEventListener('message', (event) => {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (data && data.type === 'community-embed:height' && Number.isFinite(data.height)) {
      frame.style.height = `${Math.min(Math.max(data.height, 80), 4000)}px`;
    }
  });
})();
