/**
 * Which discounts reduce MRR (metrics.md, "Conventions the configuration chooses"): `recurring` forever and
 * repeating ones, `all` every one while it lasts, `forever_only` forever ones, `none` no discount at all.
 */
export const MRR_DISCOUNT_CONVENTIONS = ['recurring', 'all', 'forever_only', 'none'] as const;
export type MrrDiscountConvention = (typeof MRR_DISCOUNT_CONVENTIONS)[number];
