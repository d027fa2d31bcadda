// A static file server for the example apps, with the strict CSP an embedding CRM would have:
// `script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'`, plus the sha256 of a page's inline
// import map (an inline script for the CSP), never 'unsafe-inline'.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.csv': 'text/csv',
};

/** The CSP for a page: the strict policy, and the hashes of its inline import maps. */
export function cspFor(html) {
  const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)]
    .map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
  return ["default-src 'self'", `script-src 'self' 'wasm-unsafe-eval'${hashes.map((h) => ` ${h}`).join('')}`, "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:"].join('; ');
}

/** Serves `dir` on 127.0.0.1 (a free port); resolves with { origin, stop }. */
export function serve(dir) {
  const server = createServer(async (req, res) => {
    try {
      const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      let file = join(dir, path);
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (file.endsWith('.html')) headers['Content-Security-Policy'] = cspFor(body.toString('utf8'));
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ origin: `http://127.0.0.1:${server.address().port}`, stop: () => server.close() });
  }));
}
