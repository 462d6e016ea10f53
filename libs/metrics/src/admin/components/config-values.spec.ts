import { CONFIG_GROUPS, type ConfigField } from './config-schema';
import { fromDraft, toDraft } from './config-values';

const field = (key: string): ConfigField => CONFIG_GROUPS.flatMap((group) => group.fields).find((f) => f.key === key)!;

describe('configuration form values', () => {
  it('round-trips every kind of field back to what GET config gave', () => {
    const config = {
      churn_spike_threshold_pct: 5,
      monthly_burn_rate: null,
      cash_balance_as_of: '2025-01-31',
      activation_actions: ['file_upload', 'invite_sent'],
      ai_tracking_enabled: true,
      mrr_discounts: 'recurring',
      past_due_churn_after_days: 30,
      quick_ratio_includes_reactivation: false,
      ai_prices: { 'gpt-4o': { input_per_1m: 2.5, output_per_1m: 10 } },
      currency_rates: { EUR: 1.08, GBP: 1.27 },
      timezone: 'Europe/Paris',
    };
    for (const [key, value] of Object.entries(config)) {
      expect([key, fromDraft(field(key), toDraft(field(key), value), value)]).toEqual([key, value]);
    }
  });

  it('clears optional numbers and past-due days, and sends a typed non-number as text for the API to name', () => {
    expect(fromDraft(field('monthly_burn_rate'), '', 85000)).toBeNull();
    expect(fromDraft(field('past_due_churn_after_days'), '', 30)).toBeNull();
    expect(fromDraft(field('churn_spike_threshold_pct'), 'five', 5)).toBe('five');
    expect(fromDraft(field('churn_spike_threshold_pct'), '', 5)).toBe('');
  });

  it('builds the price and rate tables from their rows, leaving out empty rows', () => {
    expect(
      fromDraft(
        field('ai_prices'),
        [
          { model: ' claude ', input: '3', output: '15' },
          { model: '', input: '', output: '' },
        ],
        {},
      ),
    ).toEqual({ claude: { input_per_1m: 3, output_per_1m: 15 } });
    expect(
      fromDraft(
        field('currency_rates'),
        [
          { currency: 'EUR', rate: '1.1' },
          { currency: '', rate: '' },
        ],
        {},
      ),
    ).toEqual({ EUR: 1.1 });
  });
});
