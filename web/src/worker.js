// The page's worker: runs the wasm core off the main thread. Messages:
//   in:  {id, method, request, file?}   out: {id, ok, result | error}
import createGlintCore from 'glint-core';
import { Glint, GlintError } from '../../wasm/glint.mjs';

const ready = Glint.create(createGlintCore);

self.onmessage = async (event) => {
  const { id, method, request, file } = event.data;
  try {
    const glint = await ready;
    if (method === 'version') {
      self.postMessage({ id, ok: true, result: { version: glint.version() } });
      return;
    }
    const bytes = file ? new Uint8Array(await file.arrayBuffer()) : null;
    const result = glint.call(method, request ?? {}, bytes);
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    const error = e instanceof GlintError ? { code: e.code, message: e.message } : { code: 'internal', message: String(e && e.message ? e.message : e) };
    self.postMessage({ id, ok: false, error });
  }
};
