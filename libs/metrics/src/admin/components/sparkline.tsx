import React from 'react';

interface Props {
  values: (number | null)[];
  label: string;
  testId?: string;
  width?: number;
  height?: number;
}

/**
 * A small line of a tenant's trend, drawn as one SVG polyline (a chart library per table row would cost the
 * dashboard its first paint with a hundred tenants). Missing days leave a gap; a flat series is a middle line.
 */
export default function Sparkline({ values, label, testId, width = 96, height = 24 }: Props) {
  const known = values.filter((value): value is number => value !== null);
  if (known.length === 0)
    return (
      <span data-testid={testId} data-points="0" style={{ color: 'var(--em-muted)' }}>
        —
      </span>
    );
  const min = Math.min(...known);
  const max = Math.max(...known);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const y = (value: number) => (max === min ? height / 2 : height - 2 - ((value - min) / (max - min)) * (height - 4));
  const segments: string[][] = [[]];
  values.forEach((value, index) => {
    if (value === null) segments.push([]);
    else segments[segments.length - 1].push(`${(index * step).toFixed(1)},${y(value).toFixed(1)}`);
  });
  const last = known[known.length - 1];
  const rising = last >= known[0];
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-points={known.length}
      style={{ display: 'block', overflow: 'visible' }}
    >
      {segments
        .filter((points) => points.length > 0)
        .map((points) =>
          points.length === 1 ? (
            <circle key={points[0]} cx={points[0].split(',')[0]} cy={points[0].split(',')[1]} r={1.5} />
          ) : (
            <polyline
              key={points[0]}
              points={points.join(' ')}
              fill="none"
              stroke={rising ? 'var(--em-gain)' : 'var(--em-loss)'}
              strokeWidth={1.5}
            />
          ),
        )}
    </svg>
  );
}
