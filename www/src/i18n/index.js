// The page shell's languages: its own strings (en.js, zh.js, ru.js: file drop, mapping,
// settings, progress, page errors); everything else, including the messages of error and
// warning codes, is the dashboard element's, looked up through crm-lens/dashboard.
import { translate, pickLanguage, LANGS } from 'crm-lens/dashboard';
import { en } from './en.js';
import { zh } from './zh.js';
import { ru } from './ru.js';

export { LANGS, pickLanguage };
const DICTS = { en, zh, ru };
const LOCALES = { en: 'en-US', zh: 'zh-CN', ru: 'ru-RU' };
let lang = 'en';

export function setLanguage(l) { lang = l in DICTS ? l : 'en'; }
export function language() { return lang; }
export function locale() { return LOCALES[lang]; }

/** Translates `key`, filling `{name}` placeholders: the page's string, else the element's. */
export function t(key, vars, fallback) {
  const s = DICTS[lang][key] ?? en[key];
  if (s == null) return translate(lang, key, vars, fallback);
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

/**
 * The page's wording of the element's strings: a warning's fix button points at a field
 * "below" on the page (the element's own words are neutral).
 */
export function elementMessages() {
  const pick = (d) => Object.fromEntries(Object.entries(d).filter(([k]) => k.startsWith('fixfield.')));
  return { en: pick(en), zh: pick(zh), ru: pick(ru) };
}
