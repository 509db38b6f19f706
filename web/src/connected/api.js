// The server's API as connected mode calls it: JSON in and out with the
// session in X-Session-ID, and POST streams read as server-sent events.

// { ok, status, body } for one call; body is the parsed JSON (or null).
export async function api(method, path, body, session) {
  const headers = {};
  if (session) headers['X-Session-ID'] = session;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  const r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await r.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  return { ok: r.ok, status: r.status, body: parsed };
}

// POSTs `body` and calls onEvent(eventName, data) for each SSE event
// ("message" when unnamed), data parsed as JSON when it is JSON.
export async function streamSse(path, body, session, onEvent) {
  const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
  if (session) headers['X-Session-ID'] = session;
  const r = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin' });
  if (!r.ok || !r.body) throw new Error(`the server answered ${r.status}`);
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = 'message';
  let data = [];
  const dispatch = () => {
    if (data.length === 0) { event = 'message'; return; }
    const raw = data.join('\n');
    let parsed;
    try { parsed = JSON.parse(raw); } catch { parsed = { chunk: raw }; }
    onEvent(event, parsed);
    event = 'message';
    data = [];
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') dispatch();
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
  }
  dispatch();
}
