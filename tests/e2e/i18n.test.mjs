// Every English string has a Chinese and a Russian translation, in the dashboard element
// (src/js/dashboard/i18n/) and in the page shell (www/src/i18n/), including every segment
// name, stage, action key, skip reason, warning and error code the core emits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { missingKeys, translator } from '../../src/js/dashboard/i18n/index.js';
import { en } from '../../www/src/i18n/en.js';
import { zh } from '../../www/src/i18n/zh.js';
import { ru } from '../../www/src/i18n/ru.js';
import { ROOT } from './helpers.mjs';

let lang = 'en';
const setLanguage = (l) => { lang = l; };
const t = (key, vars, fallback) => translator(lang).t(key, vars, fallback);
const has = (key) => translator(lang).has(key);

test('no translation is missing (element and page)', () => {
  assert.deepEqual(missingKeys(), { en: [], zh: [], ru: [] });
  for (const [l, d] of Object.entries({ zh, ru })) {
    assert.deepEqual(Object.keys(en).filter((k) => !(k in d)), [], `page ${l}`);
    assert.deepEqual(Object.keys(d).filter((k) => !(k in en)), [], `page ${l} has no stray keys`);
  }
});

test('the page and the element share no key (one string, one place), but the page rewords fix buttons', () => {
  const element = translator('en');
  const shared = Object.keys(en).filter((k) => element.has(k) && !k.startsWith('fixfield.'));
  assert.deepEqual(shared, []);
  assert.equal(en['fixfield.dateFormat'], 'set the date format below');
  assert.equal(element.t('fixfield.dateFormat'), 'set the date format');
});

function rustSources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = `${dir}/${f}`;
    return statSync(p).isDirectory() ? rustSources(p) : p.endsWith('.rs') ? [readFileSync(p, 'utf8')] : [];
  });
}

test('every error and warning code of the core has a message', () => {
  const src = rustSources(`${ROOT}src`).join('\n');
  const codes = new Set([
    ...[...src.matchAll(/(?:Error|Warning)::new\(\s*"([a-z_]+)"/g)].map((m) => m[1]),
    // Codes the CLV, sBG and k-means modules emit through their own helpers.
    ...[...src.matchAll(/"((?:clv|simple_clv|segment|sbg)_[a-z_0-9]+)"/g)].map((m) => m[1]),
    ...['bgnbd', 'paretonbd', 'mbgnbd'].map((m) => `clv_${m}_not_converged`),
  ]);
  assert.ok(codes.size > 5);
  for (const l of ['en', 'zh', 'ru']) {
    setLanguage(l);
    for (const c of codes) assert.ok(has(`code.${c}`), `${l}: code.${c}`);
  }
  setLanguage('en');
});

test('segment names and actions of the default rule table are translated', () => {
  const src = readFileSync(`${ROOT}src/rfm/segments.rs`, 'utf8');
  const names = [...src.matchAll(/SegmentRule::new\("([^"]+)"/g)].map((m) => m[1]).concat('Others');
  const action = (n) => 'rfm.action.' + n.replace(/[^A-Za-z0-9 ]/g, '').split(/\s+/).map((w, i) => (i ? w[0].toUpperCase() + w.slice(1).toLowerCase() : w.toLowerCase())).join('');
  for (const l of ['zh', 'ru']) {
    setLanguage(l);
    for (const n of names) {
      assert.notEqual(t(`seg.${n}`), n, `${l}: ${n}`);
      assert.ok(has(action(n)), `${l}: ${action(n)}`);
    }
  }
  setLanguage('en');
});

test('every k recommendation reason of the core is translated', () => {
  const src = ['choose_k.rs', 'pipeline.rs'].map((f) => readFileSync(`${ROOT}src/segment/${f}`, 'utf8')).join('\n');
  const reasons = new Set([
    ...[...src.matchAll(/Recommendation::simple\([^,]+,\s*"(\w+)"/g)].map((m) => m[1]),
    ...[...src.matchAll(/reason = "(\w+)"/g)].map((m) => m[1]),
    // The branches of `rec.reason = if … { "…" } else { "…" }`.
    ...[...src.matchAll(/^\s+"([a-z]+[A-Z]\w*)"\s*$/gm)].map((m) => m[1]),
  ]);
  for (const r of ['maxSilhouette', 'maxSilhouetteInPreferredRange', 'strongStructureOutsideRange', 'elbowWithinSilhouetteTolerance', 'onlyCandidate', 'userFixed', 'degenerate', 'elbowOnly']) {
    assert.ok(reasons.has(r), `the scan finds ${r}`);
  }
  for (const l of ['en', 'zh', 'ru']) {
    setLanguage(l);
    for (const r of reasons) assert.ok(has(`kmeans.reason.${r}`), `${l}: kmeans.reason.${r}`);
  }
  setLanguage('en');
});
