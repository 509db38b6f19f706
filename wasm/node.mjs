// node.mjs — load the wasm core under node: Glint over glint_core.js found
// next to this file (or at `path`). The module embeds its .wasm (SINGLE_FILE),
// so nothing is fetched from a file path.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Glint } from './glint.mjs';

export { Glint, GlintError } from './glint.mjs';

export async function loadGlint(corePath) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const require = createRequire(import.meta.url);
  const factory = require(corePath ?? path.join(here, 'glint_core.js'));
  return Glint.create(factory);
}
