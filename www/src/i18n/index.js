// The page's languages: English, Simplified Chinese and Russian (strings in en.js, zh.js, ru.js).
// Keys the core emits (segment names, stage keys, rfm.action.*, warning and error codes) are
// translated there; an unknown key falls back to English, then to the core's own text.

import { en } from './en.js';
import { zh } from './zh.js';
import { ru } from './ru.js';

export const LANGS = { en: 'English', zh: '简体中文', ru: 'Русский' };

const DICTS = { en, zh, ru };

export const LOCALES = { en: 'en-US', zh: 'zh-CN', ru: 'ru-RU' };

let lang = 'en';

export function pickLanguage(candidates) {
  for (const c of candidates ?? []) {
    const base = String(c).toLowerCase().slice(0, 2);
    if (base in DICTS) return base;
  }
  return 'en';
}

export function setLanguage(l) { lang = l in DICTS ? l : 'en'; }
export function language() { return lang; }
export function locale() { return LOCALES[lang]; }
export function has(key) { return key in DICTS[lang] || key in en; }

/** Translates `key`, filling `{name}` placeholders; falls back to English, then `fallback`. */
export function t(key, vars, fallback) {
  let s = DICTS[lang][key] ?? en[key] ?? fallback ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export const segmentName = (name) => t(`seg.${name}`, null, name);
export const stageName = (key) => t(`stage.${key}`, null, key);

/** Every key of the English dictionary is present in the others (checked by a test). */
export function missingKeys() {
  const out = {};
  for (const [l, d] of Object.entries(DICTS)) out[l] = Object.keys(en).filter((k) => !(k in d));
  return out;
}
