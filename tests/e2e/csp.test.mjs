// The page ships exactly the CSP: as an HTTP header of the served page and as the
// <meta> in the HTML (so static hosting keeps it). The other tests check nothing violates it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:";
let server;
before(async () => { server = await startServer(); });
after(() => server?.stop());

test('the served page carries exactly the issue\'s CSP, in the header and in the <meta>', async () => {
  const res = await fetch(`${server.origin}/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-security-policy'), CSP);
  const html = await res.text();
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map((m) => m[1]);
  assert.deepEqual(metas, [CSP]);
});
