// The dashboard's languages: English, Simplified Chinese and Russian (strings in en.js, zh.js,
// ru.js). Every lookup goes through a translator made here for one element's language and
// its `messages` overrides. Keys the core emits (segment names, stage keys, rfm.action.*,
// warning and error codes, skip reasons) are translated by key; an unknown key falls back to
// English, then to the core's own text.
import { en } from './en.js';
import { zh } from './zh.js';
import { ru } from './ru.js';

export const LANGS = { en: 'English', zh: '简体中文', ru: 'Русский' };
export const LOCALES = { en: 'en-US', zh: 'zh-CN', ru: 'ru-RU' };
const DICTS = { en, zh, ru };

/** The first supported language among BCP 47 tags (`zh-CN` → `zh`), else English. */
export function pickLanguage(candidates) {
  for (const c of candidates ?? []) {
    const base = String(c).toLowerCase().slice(0, 2);
    if (base in DICTS) return base;
  }
  return 'en';
}

const fill = (s, vars) => (vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s);

/**
 * Lookups in one language. `overrides`: `{ en: { key: text }, zh: {…} }` (an element's
 * `messages`), consulted first.
 */
export function translator(lang, overrides = {}) {
  const l = lang in DICTS ? lang : 'en';
  const own = overrides[l] ?? {};
  const base = overrides.en ?? {};
  const t = (key, vars, fallback) => fill(own[key] ?? DICTS[l][key] ?? base[key] ?? en[key] ?? fallback ?? key, vars);
  return {
    lang: l,
    locale: LOCALES[l],
    t,
    has: (key) => key in own || key in DICTS[l] || key in en,
    segmentName: (name) => t(`seg.${name}`, null, name),
    stageName: (key) => t(`stage.${key}`, null, key),
  };
}

/** One lookup: the dashboard's text for `key` in `lang` (the page shell's fallback). */
export const translate = (lang, key, vars, fallback) => translator(lang).t(key, vars, fallback);

/** Every key of the English dictionary is present in the others (checked by a test). */
export function missingKeys() {
  return Object.fromEntries(Object.entries(DICTS).map(([l, d]) => [l, Object.keys(en).filter((k) => !(k in d))]));
}
