// Golden comparison shared by the node suites: `expected` is a subset of
// `actual` — every member it names must match; arrays match element-wise and
// in length; numbers within a relative 1e-9 (goldens are hand-computed);
// "$comment" members are notes, not data.
export function goldenMismatches(actual, expected, where = '$') {
  const out = [];
  if (typeof expected === 'number') {
    if (typeof actual !== 'number' || Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
      out.push(`${where}: expected ${expected}, got ${JSON.stringify(actual)}`);
    }
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${where}: expected an array of ${expected.length}, got ${Array.isArray(actual) ? actual.length : typeof actual}`);
    } else {
      expected.forEach((e, i) => out.push(...goldenMismatches(actual[i], e, `${where}[${i}]`)));
    }
  } else if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') {
      out.push(`${where}: expected an object, got ${JSON.stringify(actual)}`);
    } else {
      for (const [k, v] of Object.entries(expected)) {
        if (k === '$comment') continue;
        if (!(k in actual)) out.push(`${where}.${k}: missing`);
        else out.push(...goldenMismatches(actual[k], v, `${where}.${k}`));
      }
    }
  } else if (actual !== expected) {
    out.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  return out;
}

export function argValue(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`missing argument ${name}`);
  return process.argv[i + 1];
}

// A validator for one of schemas/*.schema.json (draft 2020-12, via ajv from
// web/node_modules): returns a function doc → list of problems.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const webRequire = createRequire(path.join(here, '../../web/package.json'));

export function schemaValidator(schemaName) {
  const Ajv2020 = webRequire('ajv/dist/2020').default;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const schema = JSON.parse(fs.readFileSync(path.join(here, '../../schemas', schemaName), 'utf8'));
  const validate = ajv.compile(schema);
  return (doc) => (validate(doc) ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`));
}
