// Builds crm-lens/dashboard (pkg/dashboard/index.js): the element's modules and the tree-shaken
// ECharts in one ES module, so it loads with no bundler (one file, no bare imports) and bundlers
// take it as is. scripts/build.sh runs it after the wasm builds; its gzip size is in
// docs/performance.md ("Dashboard element").
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  logLevel: 'warn',
  publicDir: false,
  // A library build leaves `process.env.NODE_ENV` (ECharts' development checks) to the app's
  // bundler; this module also runs with no bundler, so it is decided here.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    lib: { entry: 'src/js/dashboard/index.js', formats: ['es'], fileName: () => 'index.js' },
    outDir: 'pkg/dashboard',
    emptyOutDir: true, // index.d.ts is copied after (scripts/package.mjs)
    target: 'es2022',
    minify: true,
    copyPublicDir: false,
    // Vite keeps an ES library's whitespace (for consumers' tree-shaking of pure calls); this
    // module is one custom element that is used whole, so it ships fully minified, with the
    // licence comments of what it bundles (ECharts, zrender: Apache-2.0).
    rolldownOptions: { output: { minify: true, comments: { legal: true, annotation: false, jsdoc: false } } },
  },
});
