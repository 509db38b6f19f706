// Keeps the last analysis in this browser (IndexedDB), so a reload shows it
// again. What is kept: core's responses the page rendered (report,
// highlights, table results) and each file's description — never the file
// bytes, unless the person ticks "Also keep the files in this browser", when
// the File objects themselves are stored (IndexedDB holds Blobs) so a reload
// can read them again. Nothing leaves the browser.
//
// Every call resolves, never rejects: where IndexedDB is missing or refused
// (private windows, file:// policies), load gives null and save/forget do
// nothing, and the page works as before.

const DB = 'glint';
const STORE = 'session';
const KEY = 'last';

let opening = null;
function open() {
  if (!opening) {
    opening = new Promise((resolve) => {
      try {
        if (typeof indexedDB === 'undefined') return resolve(null);
        const req = indexedDB.open(DB, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => resolve(null);
        req.onblocked = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
  }
  return opening;
}

async function run(mode, fn) {
  const db = await open();
  if (!db) return null;
  return new Promise((resolve) => {
    try {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result ?? null);
      tx.onerror = () => resolve(null);
      tx.onabort = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

// The stored session: {saved_at (ms since epoch), days, files, report,
// highlights, keep_files, blobs (File objects, only when keep_files)}, or null.
export const loadSession = () => run('readonly', (s) => s.get(KEY));

// Replaces the stored session; resolves true when it was written.
export async function saveSession(record) {
  const r = await run('readwrite', (s) => s.put({ ...record, saved_at: Date.now() }, KEY));
  return r !== null;
}

export const forgetSession = () => run('readwrite', (s) => s.delete(KEY));
