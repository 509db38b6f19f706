// glint.mjs — the JS face of the wasm core, imported by web/ and node tests.
//
// const glint = await Glint.create(createGlintCore);
// glint.call('analyze', {name: 'x.csv'}, bytes)  → the response object
// glint.callRaw('analyze', '{"name":"x.csv"}', bytes) → the response JSON text
//
// A failed call throws a GlintError carrying the core's error code. The
// factory (createGlintCore from glint_core.js) is passed in, so this module
// runs unchanged in a browser worker, a bundler and node (see node.mjs).

export class GlintError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'GlintError';
    this.code = code;
  }
}

export class Glint {
  static async create(factory, moduleOptions = {}) {
    const module = await factory(moduleOptions);
    return new Glint(module);
  }

  constructor(module) {
    this.module = module;
    this.engine = new module.Engine();
  }

  version() {
    return this.module.version();
  }

  // The response text exactly as core wrote it (for byte-for-byte parity).
  callRaw(method, requestJson = '{}', bytes = null) {
    const m = this.module;
    const len = bytes ? bytes.byteLength : 0;
    const ptr = len > 0 ? m._malloc(len) : 0;
    if (len > 0 && ptr === 0) throw new GlintError('out_of_memory', `cannot allocate ${len} bytes`);
    try {
      if (len > 0) {
        const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer ?? bytes, bytes.byteOffset ?? 0, len);
        m.HEAPU8.set(view, ptr);
      }
      return this.engine.call(method, requestJson, ptr, len);
    } finally {
      if (ptr) m._free(ptr);
    }
  }

  // The response as an object; throws GlintError when core reports an error.
  call(method, request = {}, bytes = null) {
    const text = this.callRaw(method, JSON.stringify(request), bytes);
    const doc = JSON.parse(text);
    if (doc && typeof doc === 'object' && doc.error && Object.keys(doc).length === 1) {
      throw new GlintError(doc.error.code, doc.error.message);
    }
    return doc;
  }

  dispose() {
    if (this.engine) this.engine.delete();
    this.engine = null;
  }
}
