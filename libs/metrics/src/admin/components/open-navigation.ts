// AdminJS keeps which sidebar groups are open in localStorage ("sidebarElements") and starts with all of them
// closed, so a new admin saw a lone "Exec Metrics" entry and none of its pages. This runs when the components
// bundle loads, before AdminJS renders: the group starts open once, and a reader who closes it keeps it closed.
const KEY = 'sidebarElements';
/** The navigation group of the module's resources (admin-resources.ts, NAVIGATION.name). */
const GROUP = 'Exec Metrics';

export function openMetricsNavigation(storage: Storage | undefined = globalThis.localStorage): void {
  if (!storage) return;
  try {
    const open = JSON.parse(storage.getItem(KEY) ?? '{}') as Record<string, boolean>;
    if (!(GROUP in open)) storage.setItem(KEY, JSON.stringify({ ...open, [GROUP]: true }));
  } catch {
    // Storage refused (private mode, quota) or unreadable: AdminJS's own default applies.
  }
}

openMetricsNavigation();
