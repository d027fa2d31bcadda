import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The page ships this CSP (also as a <meta> in index.html, so static hosting keeps it).
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
  "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:";

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', headers: { 'Content-Security-Policy': CSP }, fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1', headers: { 'Content-Security-Policy': CSP } },
});
