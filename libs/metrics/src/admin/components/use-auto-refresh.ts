import { useEffect } from 'react';

/**
 * Calls `refresh` every `seconds` while the tab is visible; a hidden tab costs no requests and catches up as soon
 * as it is shown again.
 */
export function useAutoRefresh(seconds: number, refresh: () => void): void {
  useEffect(() => {
    if (!seconds) return undefined;
    let last = Date.now();
    const tick = () => {
      if (document.hidden || Date.now() - last < seconds * 1000) return;
      last = Date.now();
      refresh();
    };
    const timer = setInterval(tick, 1000);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [seconds, refresh]);
}
