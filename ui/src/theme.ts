/** Light or dark: the system's choice unless the toggle picked one (kept in localStorage). */
export type Theme = 'light' | 'dark';
const KEY = 'arco.theme';

export function chosenTheme(): Theme | null {
  const saved = localStorage.getItem(KEY);
  return saved === 'light' || saved === 'dark' ? saved : null;
}

export function effectiveTheme(): Theme {
  return chosenTheme() ?? (window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

export function applyTheme(theme: Theme | null): void {
  if (theme) {
    localStorage.setItem(KEY, theme);
    document.documentElement.dataset.theme = theme;
  } else {
    localStorage.removeItem(KEY);
    delete document.documentElement.dataset.theme;
  }
}
