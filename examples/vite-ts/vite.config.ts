import { defineConfig } from 'vite';

export default defineConfig({
  // crm-lens's workers are ES modules that load the .wasm next to them (new URL(…, import.meta.url)).
  worker: { format: 'es' },
  // The dev server's dependency pre-bundling would move crm-lens away from its .wasm and workers.
  optimizeDeps: { exclude: ['crm-lens'] },
  build: { target: 'es2022' },
});
