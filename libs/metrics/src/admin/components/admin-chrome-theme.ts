// AdminJS's own chrome (login page, sidebar, top bar, lists, record pages, forms) in our dark theme. AdminJS draws
// everything with styled-components from one theme object: the server writes it into the page as `window.THEME`,
// AdminJS's app bundle takes a reference to it, and the page renders it only after this components bundle has
// loaded. So the dark colours are written into that same object before the first render; switching theme later
// reloads the page (styled-components keeps the CSS it made from the colours it was given).
//
// Hex values only: the design system derives hover and focus shades from them with `polished` (rgba, darken),
// which cannot read CSS variables. Each value is ours, chosen to keep WCAG AA contrast on the dark surfaces.

export const ADMIN_DARK_COLORS: Record<string, string> = {
  border: '#333741',
  text: '#f5f5f6',
  primary100: '#9fb1ff', // links, primary buttons (their text is "white", i.e. the dark surface below)
  primary80: '#8196f5',
  primary60: '#6274d8',
  primary40: '#3b4790',
  primary20: '#232a52',
  accent: '#cecfd2',
  grey100: '#f5f5f6',
  grey80: '#cecfd2',
  grey60: '#a4a7ae',
  grey40: '#61646c',
  grey20: '#1f242f',
  white: '#161b26',
  black: '#ffffff',
  errorDark: '#fda29b',
  error: '#f97066',
  errorLight: '#55160c',
  successDark: '#6ce9a6',
  success: '#32d583',
  successLight: '#053321',
  warningDark: '#fec84b',
  warning: '#fdb022',
  warningLight: '#4e1d09',
  infoDark: '#9fb1ff',
  info: '#9fb1ff',
  infoLight: '#232a52',
  bg: '#0c111d',
  filterBg: '#161b26',
  container: '#161b26',
  sidebar: '#161b26',
  inputBorder: '#85888e',
  separator: '#61646c',
  highlight: '#1f242f',
  love: '#9fb1ff',
};

/**
 * AdminJS's light colours where its defaults are too pale for small text on white (grey60 #898A9A is 3.5:1):
 * the server passes these as `branding.theme` (see `metricsAdmin().branding`).
 */
export const ADMIN_LIGHT_COLORS: Record<string, string> = {
  grey60: '#6b6c7b',
  inputBorder: '#8a93a0',
};

interface DesignSystemTheme {
  colors?: Record<string, string>;
  borders?: Record<string, string>;
}

/** Writes the dark colours into AdminJS's theme object in place (its app bundle already holds a reference to it). */
export function darkenAdminTheme(theme: DesignSystemTheme | undefined): boolean {
  if (!theme?.colors) return false;
  Object.assign(theme.colors, ADMIN_DARK_COLORS);
  // The design system writes the border colours into these strings once, when its theme is made.
  theme.borders = {
    ...theme.borders,
    input: `1px solid ${ADMIN_DARK_COLORS.border}`,
    bg: `1px solid ${ADMIN_DARK_COLORS.bg}`,
    default: `1px solid ${ADMIN_DARK_COLORS.border}`,
  };
  return true;
}
