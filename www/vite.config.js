import { defineConfig } from 'vite';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The page ships this CSP (also as a <meta> in index.html, so static hosting keeps it).
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
  "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:";

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = fileURLToPath(new URL('../pkg/', import.meta.url));

/**
 * `crm-lens`, `crm-lens/worker`, `crm-lens/dashboard` … resolve through the exports map of the
 * built package (pkg/package.json), as they do for an app that installed it: the page imports
 * the package exactly as an embedder does.
 */
function packageAliases() {
  if (!existsSync(`${pkg}package.json`)) return [];
  const { exports } = JSON.parse(readFileSync(`${pkg}package.json`, 'utf8'));
  return Object.entries(exports).map(([sub, target]) => ({
    find: new RegExp(`^crm-lens${sub === '.' ? '' : sub.slice(1).replace(/[.]/g, '\\.')}$`),
    replacement: `${pkg}${(typeof target === 'string' ? target : target.default).slice(2)}`,
  }));
}

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
  resolve: { alias: packageAliases() },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', headers: { 'Content-Security-Policy': CSP }, fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1', headers: { 'Content-Security-Policy': CSP } },
});
