import { useEffect, useState } from 'react';
import { apiGet } from './api';
import { CHARTS } from './dashboard-spec';
import { compareRange, type Compare } from './dates';
import type { Series } from './series-chart';
import type { Query } from './use-dashboard-data';

/** The lines every chart can overlay with an earlier period. */
const LINE_KEYS = [...new Set(CHARTS.flatMap((chart) => chart.lines ?? []))];

/**
 * The charts' lines over the compared period (previous period or a year earlier), same bucket: the overlay is
 * matched bucket by bucket, the first with the first. Null while off or loading.
 */
export function useCompareSeries(query: Query, compare: Compare): { series: Series | null; loadedFor: string } {
  const [answer, setAnswer] = useState<{ series: Series | null; loadedFor: string }>({ series: null, loadedFor: '' });
  useEffect(() => {
    if (compare === 'none') {
      setAnswer({ series: null, loadedFor: '' });
      return;
    }
    let current = true;
    const range = compareRange(query.start, query.end, compare);
    apiGet<{ series: Series }>('timeseries', {
      ...range,
      tenant: query.tenant,
      bucket: query.bucket,
      metric: LINE_KEYS.join(','),
    })
      .then((timeseries) => {
        if (current) setAnswer({ series: timeseries.series, loadedFor: `${compare}:${range.start}:${range.end}` });
      })
      .catch(() => {
        if (current) setAnswer({ series: null, loadedFor: '' });
      });
    return () => {
      current = false;
    };
  }, [query, compare]);
  return answer;
}
