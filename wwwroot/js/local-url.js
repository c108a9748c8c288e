// Return and landing URLs from a link: the same rules as the server's LocalUrls. Browsers drop tabs and newlines
// and read "\" as "/", so "/\t/evil.example" leaves the site; a value is local only if every decoding of it is a
// single-slash path without control characters or backslashes that resolves to this origin.

const forbidden = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/;

function plainLocalPath(value) {
  if (!value.startsWith('/') || value[1] === '/' || value[1] === '\\' || forbidden.test(value)) return false;
  try {
    const probe = 'http://local.invalid';
    return new URL(value, probe).origin === probe;
  } catch {
    return false;
  }
}

/** True when the value is a path on this site that cannot send the browser elsewhere. */
export function isLocalUrl(value) {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return false;
  let current = value;
  for (let round = 0; round < 4; round += 1) {
    if (!plainLocalPath(current)) return false;
    let decoded;
    try { decoded = decodeURIComponent(current); } catch { return false; }
    if (decoded === current) return true;
    current = decoded;
  }
  return false;
}

/** The value when it is local, otherwise the fallback. */
export function localOr(value, fallback = '/') {
  return isLocalUrl(value) ? value : fallback;
}
