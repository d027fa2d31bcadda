// Shared e2e plumbing: a preview server of the built page, and Debian's Chromium.
import { before, after } from 'node:test';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const ARTIFACTS = `${ROOT}test-artifacts`;
mkdirSync(ARTIFACTS, { recursive: true });

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Starts `vite preview` of www/dist on 127.0.0.1 and resolves once it answers. */
export async function startServer() {
  const port = await freePort();
  const proc = spawn(`${ROOT}node_modules/.bin/vite`, ['preview', 'www', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(origin + '/');
      if (r.ok) return { origin, stop: () => proc.kill() };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error('vite preview did not start');
}

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * Registers the file's before/after hooks: a preview server of the built page and Chromium.
 * Returns the object they fill in (`server`, `browser`), for the tests of the file to use.
 */
export function pageSuite() {
  const suite = { server: null, browser: null };
  before(async () => { suite.server = await startServer(); suite.browser = await launch(); });
  after(async () => { await suite.browser?.close(); suite.server?.stop(); });
  return suite;
}

/** The 1M-transaction sample the long page tests share, made once by the release CLI. */
export function bigSample() {
  const file = `${tmpdir()}/crm-lens-e2e-1m.csv`;
  if (!existsSync(file) || statSync(file).size < 1e6) {
    execFileSync(`${ROOT}target/release/crm-lens`, ['sample', '--transactions', '1000000', '--seed', '7', '--out', file]);
  }
  return file;
}

/**
 * The page with no sample loaded (`/?empty`), idle, in a fresh context; `problems` collects
 * its page errors. `init` (a function) runs in the page before its own scripts.
 */
export async function emptyPage({ server, browser }, init) {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  if (init) await page.addInitScript(init);
  await page.goto(`${server.origin}/?empty`);
  await page.waitForSelector('body[data-state="idle"]');
  return { context, page, problems };
}

/** Records every request the page (and its workers) makes. */
export function recordRequests(context) {
  const urls = [];
  context.on('request', (r) => urls.push(r.url()));
  return urls;
}

export function offOrigin(urls, origin) {
  return urls.filter((u) => !(u.startsWith(origin + '/') || u.startsWith('data:') || u.startsWith('blob:')));
}

export function nativeReport(file, args = []) {
  const out = execFileSync(`${ROOT}target/release/crm-lens`, ['analyze', file, ...args], { maxBuffer: 1 << 28 });
  return JSON.parse(out.toString());
}

/** A page that records page errors, console errors and CSP violations. */
export async function openPage(context, origin, path = '/') {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(origin + path);
  return { page, problems };
}

export const done = (page, timeout = 60_000) => page.waitForSelector('body[data-state="done"]', { timeout });
export const digits = (s) => Number(String(s).replace(/\D/g, ''));

/** Clicks something that triggers a run and waits for that run to finish. */
export async function rerun(page, action) {
  await page.evaluate(() => { document.body.dataset.state = 'pending'; });
  await action();
  await done(page);
}

/** Opens the data, mapping and settings sections (folded into one line after an analysis). */
export async function unfold(page) {
  if (await page.isHidden('#setup')) await page.click('[data-testid="edit"]');
  await page.waitForSelector('#setup', { state: 'visible' });
}

export async function upload(page, file) {
  await rerun(page, () => page.setInputFiles('#file', file));
}

// Page functions (page.evaluate, waitForFunction) run in the page, where the dashboard's
// content is inside <crm-lens-dashboard>'s shadow root; Playwright's own selectors
// (page.click, textContent, $$eval …) pierce it by themselves.

export async function search(page, text) {
  await page.fill('[data-testid="search"]', text);
  // Done when every visible row's customer id contains the text (the query ran in the worker).
  await page.waitForFunction((needle) => {
    const root = document.querySelector('crm-lens-dashboard').shadowRoot;
    const rows = [...root.querySelectorAll('#vbody .vrow:not([hidden])')];
    return rows.length > 0 && rows.every((r) => r.firstChild.textContent.toLowerCase().includes(needle));
  }, text.toLowerCase(), { timeout: 15_000 });
}

export async function firstRowCells(page) {
  return page.$$eval('#vbody .vrow:not([hidden])', (rows) => {
    const r = [...rows].sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))[0];
    return r ? [...r.children].map((c) => c.textContent) : [];
  });
}

/** Clicks "Customers as CSV" and returns the downloaded bytes (the context must accept downloads). */
export async function exportCsv(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
  return readFileSync(await dl.path());
}

/** The rows of an exported CSV after its UTF-8 BOM (asserted), split on commas. */
export function csvRows(bytes) {
  if (bytes[0] !== 0xef || bytes[1] !== 0xbb || bytes[2] !== 0xbf) throw new Error('the CSV has no UTF-8 BOM');
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3)).trim().split(/\r?\n/).map((l) => l.split(','));
}

/**
 * Visible controls without a real accessible name: an input or select needs a non-empty
 * aria-label, aria-labelledby target or <label> text of its own (a select's option texts do
 * not count); a button needs text or an aria-label.
 */
export function unlabelledControls(page) {
  return page.$$eval('input, select, textarea, button', (els) => els
    .filter((e) => e.offsetParent !== null)
    .filter((e) => {
      if (e.getAttribute('aria-label')?.trim()) return false;
      const by = e.getAttribute('aria-labelledby');
      if (by && by.split(/\s+/).some((id) => e.getRootNode().getElementById(id)?.textContent.trim())) return false;
      if (e.tagName === 'BUTTON') return !e.textContent.trim();
      return ![...(e.labels ?? [])].some((l) => {
        const own = l.cloneNode(true);
        for (const c of own.querySelectorAll('input, select, textarea, button, datalist, small')) c.remove();
        return own.textContent.trim();
      });
    })
    .map((e) => e.outerHTML.slice(0, 80)));
}
