// Light and dark themes for the module's own components (issue 15). The colours are CSS variables on <html>:
// `data-em-theme` says which set applies. "system" follows prefers-color-scheme and changes with it; a choice
// made with the toggle is remembered in localStorage. AdminJS's own chrome (sidebar, lists, forms, login page)
// follows too: admin-chrome-theme.ts recolours its theme object before it first renders.
import { ADMIN_LIGHT_COLORS, darkenAdminTheme } from './admin-chrome-theme';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_KEY = 'exec-metrics-theme';

const LIGHT = {
  page: '#f6f7fb',
  surface: '#ffffff',
  raised: '#f2f4f7',
  text: '#101828',
  muted: '#475467',
  border: '#d0d5dd',
  grid: '#eaecf0',
  link: '#3040d6',
  gain: '#12b76a',
  loss: '#d92d20',
  'gain-text': '#027a48',
  'loss-text': '#b42318',
};
const DARK: typeof LIGHT = {
  page: '#0c111d',
  surface: '#161b26',
  raised: '#1f242f',
  text: '#f5f5f6',
  muted: '#cecfd2',
  border: '#333741',
  grid: '#2a2f3a',
  link: '#9fb1ff',
  gain: '#32d583',
  loss: '#f97066',
  'gain-text': '#6ce9a6',
  'loss-text': '#fda29b',
};

const variables = (colors: typeof LIGHT) =>
  Object.entries(colors)
    .map(([name, value]) => `--em-${name}: ${value};`)
    .join(' ');

/** Our components' rules; `.em-root` is a page of ours, `.em-card` one of its cards. */
const CSS = `
:root { ${variables(LIGHT)} }
:root[data-em-theme="dark"] { ${variables(DARK)} }
.em-root { background: var(--em-page); color: var(--em-text); min-height: 100%; }
.em-card { background: var(--em-surface) !important; color: var(--em-text); }
.em-muted { color: var(--em-muted) !important; }
.em-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.em-root select, .em-root input, .em-root textarea {
  background: var(--em-surface); color: var(--em-text); border-color: var(--em-border);
}
.em-root .recharts-cartesian-grid line { stroke: var(--em-grid); }
.em-root .recharts-cartesian-axis-tick-value, .em-root .recharts-label, .em-root .recharts-legend-item-text {
  fill: var(--em-muted);
}
.em-root .recharts-default-tooltip { background: var(--em-surface) !important; border-color: var(--em-border) !important; }
:root[data-em-theme="dark"], :root[data-em-theme="dark"] .em-root { color-scheme: dark; }
:root[data-em-theme="dark"] body { background: var(--em-page); color: var(--em-text); }
:root[data-em-theme="dark"] .em-root :is(h1, h2, h3, h4, h5, label, th, td, p, section > div, a) { color: var(--em-text); }
:root[data-em-theme="dark"] .em-root a { color: var(--em-link); }
/* AdminJS's buttons are drawn for a white page (dark blue text); on the dark page every one is outlined in light blue. */
:root[data-em-theme="dark"] .em-root .adminjs_Button {
  color: var(--em-link) !important; background-color: transparent !important; border-color: var(--em-link) !important;
}
:root[data-em-theme="dark"] .em-root .adminjs_Button:disabled { opacity: 0.5; }
/* A read-only field: AdminJS greys it with half-transparent greys meant for a white page. */
:root[data-em-theme="dark"] .adminjs_Input:disabled {
  background: var(--em-raised) !important; color: var(--em-muted) !important; border-color: var(--em-border) !important;
}
/* Message boxes are drawn by AdminJS's (dark) theme: their text keeps its colours. */
:root[data-em-theme="dark"] .em-root .adminjs_MessageBox * { color: inherit; }
:root[data-em-theme="dark"] .em-root .em-muted,
:root[data-em-theme="dark"] .em-root [color^="grey"] { color: var(--em-muted) !important; }
:root[data-em-theme="dark"] .em-root [data-testid$="-value"],
:root[data-em-theme="dark"] .em-root [data-testid^="kpi-"] { color: var(--em-text); }
/* A table of ours marked .em-stack on a phone: each row a card of labelled values (the cell's data-label), the
   sortable header cells (data-sort) in a row above it, the other header cells for screen readers only. */
@media (max-width: 640px) {
  .em-stack, .em-stack thead, .em-stack tbody { display: block; width: 100%; }
  .em-stack thead tr { display: flex; flex-wrap: wrap; gap: 4px 16px; height: auto !important; }
  .em-stack thead td, .em-stack thead th { padding: 4px 0 !important; border: 0 !important; }
  .em-stack thead :is(td, th):not([data-sort]) {
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  }
  .em-stack tbody tr {
    display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px 12px; height: auto !important;
    padding: 10px 0; border-bottom: 1px solid var(--em-grid);
  }
  .em-stack tbody td { display: block; padding: 0 !important; border: 0 !important; white-space: normal !important;
    overflow-wrap: anywhere; }
  .em-stack tbody td[data-label]::before {
    content: attr(data-label); display: block; font-size: 12px; color: var(--em-muted);
  }
}
/* A table of names and values (.em-pairs) on a phone: each name above its value, the value wrapping anywhere. */
@media (max-width: 640px) {
  .em-pairs, .em-pairs tbody { display: block; width: 100%; }
  .em-pairs tr { display: block; height: auto !important; padding: 8px 0; border-bottom: 1px solid var(--em-grid); }
  .em-pairs td { display: block; width: auto !important; padding: 2px 12px !important; border: 0 !important;
    overflow-wrap: anywhere; }
}
/* The tenants table on a phone: one card per tenant (rank, name, trend; then MRR, users, growth under their labels),
   the sort buttons in a row above; nothing wider than the screen. */
@media (max-width: 640px) {
  .em-tenants, .em-tenants thead, .em-tenants tbody { display: block; }
  .em-tenants thead tr { display: flex; flex-wrap: wrap; gap: 4px; }
  .em-tenants thead th { border-bottom: 0 !important; padding: 0 !important; }
  .em-tenants thead th:is(.em-tenant-rank, .em-tenant-name, .em-tenant-trend) {
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  }
  .em-tenants tbody tr {
    display: grid; grid-template-columns: 2em minmax(0, 1fr) minmax(0, 1fr) auto; column-gap: 8px;
    grid-template-areas: "rank name name trend" ". mrr users growth";
    align-items: center; border-bottom: 1px solid var(--em-grid); padding: 8px 0;
  }
  .em-tenants tbody td { border-bottom: 0 !important; padding: 2px 0 !important; white-space: normal !important; }
  .em-tenants tbody .em-tenant-rank { grid-area: rank; }
  .em-tenants tbody .em-tenant-name { grid-area: name; min-width: 0; }
  .em-tenants tbody .em-tenant-name button { max-width: 100%; overflow-wrap: anywhere; white-space: normal; text-align: left; }
  .em-tenants tbody .em-tenant-trend { grid-area: trend; }
  .em-tenants tbody .em-tenant-number { text-align: left !important; }
  .em-tenants tbody [data-label="MRR"] { grid-area: mrr; }
  .em-tenants tbody [data-label="Active users"] { grid-area: users; }
  .em-tenants tbody [data-label="MRR growth"] { grid-area: growth; }
  .em-tenants tbody .em-tenant-number::before {
    content: attr(data-label); display: block; font-size: 12px; color: var(--em-muted);
  }
}
`;

export function storedChoice(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): ThemeChoice {
  const value = storage?.getItem(THEME_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** The theme a choice comes to: "system" asks the browser's colour scheme. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
}

function prefersDark(): boolean {
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

export function applyTheme(choice: ThemeChoice = storedChoice()): 'light' | 'dark' {
  const theme = resolveTheme(choice, prefersDark());
  if (globalThis.document) globalThis.document.documentElement.dataset.emTheme = theme;
  return theme;
}

export function chooseTheme(choice: ThemeChoice): 'light' | 'dark' {
  if (choice === 'system') globalThis.localStorage?.removeItem(THEME_KEY);
  else globalThis.localStorage?.setItem(THEME_KEY, choice);
  return applyTheme(choice);
}

/** The theme AdminJS's chrome was drawn in on this page (undefined: no AdminJS on the page). */
let chromeTheme: 'light' | 'dark' | undefined;

/** AdminJS's theme object, written into the page by its server (`window.THEME`). */
function adminTheme(): Parameters<typeof darkenAdminTheme>[0] {
  return (globalThis as { THEME?: Parameters<typeof darkenAdminTheme>[0] }).THEME;
}

/** Before AdminJS's first render: its chrome in the chosen theme (its light greys made readable on white). */
function themeAdminChrome(theme: 'light' | 'dark'): void {
  const admin = adminTheme();
  if (!admin?.colors) return;
  if (theme === 'dark') darkenAdminTheme(admin);
  else if (admin.colors.grey60?.toUpperCase() === '#898A9A') Object.assign(admin.colors, ADMIN_LIGHT_COLORS);
  chromeTheme = theme;
}

/**
 * After a theme change: AdminJS's chrome was drawn in the other theme and styled-components keeps what it drew,
 * so the page loads again with the stored choice (the dashboard's filters go back to their defaults).
 */
export function redrawAdminChrome(theme: 'light' | 'dark'): boolean {
  if (chromeTheme === undefined || chromeTheme === theme) return false;
  globalThis.location?.reload();
  return true;
}

/**
 * Adds the rules once and applies the remembered choice. A change of the system scheme re-applies it to our pages at
 * once; AdminJS's chrome follows at the next page load (never a reload the reader did not ask for, mid-form).
 */
export function installTheme(doc: Document | undefined = globalThis.document): void {
  if (!doc || doc.getElementById('exec-metrics-theme')) return;
  const style = doc.createElement('style');
  style.id = 'exec-metrics-theme';
  style.textContent = CSS;
  doc.head.appendChild(style);
  themeAdminChrome(applyTheme());
  globalThis.matchMedia?.('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme());
}

installTheme();
