import { useEffect, useState } from 'react';

/**
 * `value`, once the browser has painted what the current render shows: the dashboard draws its headline numbers
 * first and its charts (and the reads below them) in a later task, so a reader sees the numbers without waiting
 * for every chart to be laid out. Until the first value is painted: null.
 */
export function useAfterPaint<T>(value: T): T | null {
  const [painted, setPainted] = useState<T | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // requestAnimationFrame runs before the next paint; the timeout queued from it runs after that paint.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setPainted(() => value), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [value]);
  return painted;
}
