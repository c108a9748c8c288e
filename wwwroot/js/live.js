// One SignalR connection per page (/hubs/live), shared by every feature module.
// It reconnects forever with backoff, shows a visible "Reconnecting…" state, and tells
// subscribers each time it is (re)connected so they can rejoin groups and catch up.
import '../lib/signalr/signalr.min.js';

const { signalR } = self;
const handlers = new Map();
const onConnect = new Set();
let connection;
let starting;

function banner(text) {
  let node = document.getElementById('live-status');
  if (!node) {
    node = document.createElement('div');
    node.id = 'live-status';
    node.className = 'live-status';
    node.setAttribute('role', 'status');
    document.body.append(node);
  }
  node.textContent = text;
  node.hidden = !text;
}

const retry = { nextRetryDelayInMilliseconds: (ctx) => [0, 1000, 2000, 5000, 10000][ctx.previousRetryCount] ?? 15000 };

function build() {
  const conn = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/live')
    .withAutomaticReconnect(retry)
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  conn.serverTimeoutInMilliseconds = 30000;
  for (const [method, set] of handlers) for (const handler of set) conn.on(method, handler);
  conn.onreconnecting(() => banner('Reconnecting…'));
  conn.onreconnected(() => { banner(''); notify(); });
  // Automatic reconnect gives up after a server restart outlasts it: start again ourselves.
  conn.onclose(() => { banner('Reconnecting…'); setTimeout(start, 2000); });
  return conn;
}

function notify() { for (const callback of onConnect) Promise.resolve(callback()).catch(console.error); }

async function start() {
  connection ??= build();
  if (connection.state !== signalR.HubConnectionState.Disconnected) return starting;
  starting = connection.start().then(() => { banner(''); notify(); }).catch(() => {
    banner('Reconnecting…');
    setTimeout(start, 3000);
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
  if (connection?.state === signalR.HubConnectionState.Connected) callback();
  start();
}

/** Calls a hub method once connected. */
export async function invoke(method, ...args) {
  await start();
  return connection.invoke(method, ...args);
}

export function isConnected() { return connection?.state === signalR.HubConnectionState.Connected; }
