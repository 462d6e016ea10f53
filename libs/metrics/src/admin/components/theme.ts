// Light and dark themes for the module's own components (issue 15). The colours are CSS variables on <html>:
// `data-em-theme` says which set applies. "system" follows prefers-color-scheme and changes with it; a choice
// made with the toggle is remembered in localStorage. AdminJS's own chrome (sidebar, lists) keeps its theme.

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
:root[data-em-theme="dark"] .em-root { color-scheme: dark; }
:root[data-em-theme="dark"] .em-root :is(h1, h2, h3, h4, h5, label, th, td, p, section > div, a) { color: var(--em-text); }
:root[data-em-theme="dark"] .em-root a { color: var(--em-link); }
/* AdminJS's buttons are drawn for a white page (dark blue text); on the dark page every one is outlined in light blue. */
:root[data-em-theme="dark"] .em-root .adminjs_Button {
  color: var(--em-link) !important; background-color: transparent !important; border-color: var(--em-link) !important;
}
:root[data-em-theme="dark"] .em-root .adminjs_Button:disabled { opacity: 0.5; }
/* Message boxes keep their pale backgrounds in both themes, so their text stays dark. */
:root[data-em-theme="dark"] .em-root .adminjs_MessageBox,
:root[data-em-theme="dark"] .em-root .adminjs_MessageBox * { color: #101828 !important; }
:root[data-em-theme="dark"] .em-root .em-muted,
:root[data-em-theme="dark"] .em-root [color^="grey"] { color: var(--em-muted) !important; }
:root[data-em-theme="dark"] .em-root [data-testid$="-value"],
:root[data-em-theme="dark"] .em-root [data-testid^="kpi-"] { color: var(--em-text); }
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

/** Adds the rules once and applies the remembered choice; a change of the system scheme re-applies it. */
export function installTheme(doc: Document | undefined = globalThis.document): void {
  if (!doc || doc.getElementById('exec-metrics-theme')) return;
  const style = doc.createElement('style');
  style.id = 'exec-metrics-theme';
  style.textContent = CSS;
  doc.head.appendChild(style);
  applyTheme();
  globalThis.matchMedia?.('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme());
}

installTheme();
