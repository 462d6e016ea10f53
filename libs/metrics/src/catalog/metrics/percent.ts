/** A ratio shown as a percentage with two decimals (metrics.md, "Rates"). */
export const percent = (numerator: string, denominator: string, maturesAfterDays?: number) => ({
  numerator,
  denominator,
  scale: 100 as const,
  decimals: 2,
  ...(maturesAfterDays ? { maturesAfterDays } : {}),
});
