// One SignalR connection per page (/hubs/live), shared by every feature module.
// It reconnects forever with jittered backoff (a thousand pages that lost the same server must not all come back in the
// same millisecond), shows a visible "Reconnecting…" state (or "Catching up…" while a feature is behind), and tells
// subscribers each time it is (re)connected, or the server says messages may have been missed, so they rejoin and catch up.
import '../lib/signalr/signalr.min.js';

const { signalR } = self;
const handlers = new Map();
const onConnect = new Set();
const onResync = new Set();
const behind = new Set();
let connection;
let starting;
let reconnecting = false;

function banner() {
  const text = reconnecting ? 'Reconnecting…' : behind.size ? 'Catching up…' : '';
  let node = document.getElementById('live-status');
  if (!node) {
    if (!text) return;
    node = document.createElement('div');
    node.id = 'live-status';
    node.className = 'live-status';
    node.setAttribute('role', 'status');
    document.body.append(node);
  }
  if (node.textContent !== text) node.textContent = text;
  node.hidden = !text;
}

function setReconnecting(value) {
  reconnecting = value;
  banner();
}

/** About `ms`, ±50%: spreads the reconnects of many pages over time. */
const jitter = (ms) => Math.round(ms * (0.5 + Math.random()));

// Never 0 ms: the first retry waits 250–1000 ms (a stopping server has time to go, a load balancer to notice), then grows.
const retry = {
  nextRetryDelayInMilliseconds: (ctx) => (ctx.previousRetryCount === 0
    ? 250 + Math.round(Math.random() * 750)
    : jitter([2000, 4000, 8000][ctx.previousRetryCount - 1] ?? 15000)),
};

function build() {
  const conn = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/live')
    .withAutomaticReconnect(retry)
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  conn.serverTimeoutInMilliseconds = 30000;
  for (const [method, set] of handlers) for (const handler of set) conn.on(method, handler);
  // The server missed bus messages (its database listener reconnected): whatever we show may be behind.
  conn.on('Resync', () => { for (const callback of onResync) run(callback); });
  // A stopping server asks us to go elsewhere; it closes the connection next and automatic reconnect (jittered) follows.
  conn.on('Reconnect', () => setReconnecting(true));
  conn.onreconnecting(() => setReconnecting(true));
  conn.onreconnected(() => { setReconnecting(false); notify(); });
  // Automatic reconnect gives up after a server restart outlasts it: start again ourselves.
  conn.onclose(() => { setReconnecting(true); setTimeout(start, jitter(2000)); });
  return conn;
}

/** Subscribers handle (and retry) their own failures; one that still throws is a bug, reported rather than hidden. */
function run(callback) {
  Promise.resolve().then(callback).catch((error) => console.error('live subscriber failed', error));
}

function notify() { for (const callback of onConnect) run(callback); }

async function start() {
  connection ??= build();
  if (connection.state !== signalR.HubConnectionState.Disconnected) return starting;
  starting = connection.start().then(() => { setReconnecting(false); notify(); }).catch(() => {
    setReconnecting(true);
    setTimeout(start, jitter(3000));
  });
  return starting;
}

/** Subscribes to a server method; returns an unsubscribe function. */
export function on(method, handler) {
  if (!handlers.has(method)) handlers.set(method, new Set());
  handlers.get(method).add(handler);
  connection?.on(method, handler);
  start();
  return () => { handlers.get(method).delete(handler); connection?.off(method, handler); };
}

/** Runs the callback now (if connected) and after every reconnect: join groups and catch up here. */
export function whenConnected(callback) {
  onConnect.add(callback);
  if (connection?.state === signalR.HubConnectionState.Connected) run(callback);
  start();
}

/** Calls a hub method once connected. */
export async function invoke(method, ...args) {
  await start();
  return connection.invoke(method, ...args);
}

/** Runs the callback whenever the server says live messages may have been lost (the `Resync` message). */
export function whenResync(callback) {
  onResync.add(callback);
}

/** Marks a feature as behind (true) or caught up (false): while any is behind, the page says "Catching up…", not live. */
export function setBehind(key, value) {
  if (value) behind.add(key); else behind.delete(key);
  banner();
}

export function isConnected() { return connection?.state === signalR.HubConnectionState.Connected; }
