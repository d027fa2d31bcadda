// crm-lens/dashboard: the <crm-lens-dashboard> custom element (defined on import, once), and
// the lookups a host page shares with it: the element's translations, the language choice,
// and which option fixes an error.
import { CrmLensDashboard } from './element.js';

if (!customElements.get('crm-lens-dashboard')) customElements.define('crm-lens-dashboard', CrmLensDashboard);

export { CrmLensDashboard };
export { translate, pickLanguage, LANGS } from './i18n/index.js';
export { fixOption } from './fixes.js';
