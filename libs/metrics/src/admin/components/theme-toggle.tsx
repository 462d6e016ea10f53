import React, { useState } from 'react';
import { chooseTheme, redrawAdminChrome, storedChoice, type ThemeChoice } from './theme';

/**
 * Light, dark, or the system's scheme; remembered in this browser (localStorage). Our pages switch at once; AdminJS's
 * chrome is redrawn by loading the page again.
 */
export default function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(() => storedChoice());
  const [theme, setTheme] = useState(() => document.documentElement.dataset.emTheme ?? 'light');
  return (
    <label style={{ display: 'inline-flex', alignItems: 'center', gap: 8, fontSize: 14 }} data-theme={theme}>
      Theme
      <select
        data-testid="theme-toggle"
        value={choice}
        onChange={(event) => {
          const next = event.target.value as ThemeChoice;
          setChoice(next);
          const theme = chooseTheme(next);
          setTheme(theme);
          redrawAdminChrome(theme);
        }}
        style={{ height: 32, borderRadius: 4, border: '1px solid var(--em-border)', padding: '0 8px' }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
