// Remembering, in this browser only, the column mapping and analysis settings used for a file,
// so re-opening the same export restores them. Kept in localStorage under the file's
// signature (its size and a hash of its first 64 KiB: the same export, whatever its name);
// nothing is sent anywhere. On by default; switching it off forgets every file.

const PREFIX = 'crm-lens.file.';
const SWITCH = 'crm-lens.remember';
/** At most this many files are remembered; the least recently used go first. */
const MAX_FILES = 20;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: nothing is remembered
  }
}

/** Whether remembering is on (the user's choice, kept in this browser). */
export function remembering() {
  return storage()?.getItem(SWITCH) !== 'off';
}

/** Turns remembering on or off; off forgets every file. */
export function setRemembering(on) {
  const s = storage();
  if (!s) return;
  s.setItem(SWITCH, on ? 'on' : 'off');
  if (!on) for (const k of keys(s)) s.removeItem(k);
}

function keys(s) {
  return Array.from({ length: s.length }, (_, i) => s.key(i)).filter((k) => k?.startsWith(PREFIX));
}

/** FNV-1a over bytes, twice with different seeds: a 64-bit hex digest (not for security). */
function fnv64(bytes) {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < bytes.length; i++) {
    a = Math.imul(a ^ bytes[i], 0x01000193) >>> 0;
    b = Math.imul(b ^ bytes[i], 0x01000193 + 2) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** The signature of a file: its size and a hash of its first 64 KiB. */
export async function signature(file) {
  const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  return `${file.size}-${fnv64(head)}`;
}

/** What was remembered for a signature: `{ ingest, settings }`, or null. */
export function recall(sig) {
  const s = storage();
  if (!s || !sig || !remembering()) return null;
  try {
    const v = JSON.parse(s.getItem(PREFIX + sig) ?? 'null');
    return v && typeof v === 'object' && v.ingest && v.settings ? v : null;
  } catch {
    return null;
  }
}

/** Remembers the mapping (ingest options) and the settings form for a signature. */
export function remember(sig, { ingest, settings }) {
  const s = storage();
  if (!s || !sig || !remembering()) return;
  try {
    s.setItem(PREFIX + sig, JSON.stringify({ ingest, settings, at: Date.now() }));
    const all = keys(s).map((k) => [k, JSON.parse(s.getItem(k) ?? '{}').at ?? 0]).sort((x, y) => y[1] - x[1]);
    for (const [k] of all.slice(MAX_FILES)) s.removeItem(k);
  } catch {
    /* quota or a damaged entry: remembering is a convenience, never an error */
  }
}

/** Forgets one file. */
export function forget(sig) {
  storage()?.removeItem(PREFIX + sig);
}
