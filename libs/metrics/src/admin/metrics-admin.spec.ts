import { ForbiddenError, type ActionContext, type ActionRequest, type CurrentAdmin } from 'adminjs';
import { adminSessionIsAdmin } from './admin-access.js';
import { metricsAdmin } from './metrics-admin.js';

type Action = {
  isAccessible?: boolean | ((context: ActionContext) => boolean);
  handler?: (request: ActionRequest, response: unknown, context: ActionContext) => Promise<unknown>;
};

const contextFor = (currentAdmin: CurrentAdmin | undefined) => ({ currentAdmin }) as unknown as ActionContext;
const allowed = (action: Action, currentAdmin: CurrentAdmin | undefined) =>
  typeof action.isAccessible === 'function' ? action.isAccessible(contextFor(currentAdmin)) : action.isAccessible;

describe('metricsAdmin()', () => {
  const panel = metricsAdmin({ apiPrefix: '/internal/metrics/', refreshSeconds: 30 });
  const resourceName = (index: number) => (panel.resources[index].resource as { name: string }).name;

  it('hands a host its resources, dashboard, pages, components and browser settings', () => {
    expect(panel.resources.map((_, index) => resourceName(index))).toEqual([
      'MetricsSnapshot',
      'MetricsConfigEntity',
      'CohortRetention',
      'MetricsRun',
      'ActivationEvent',
      'MetricsAuditLog',
      'MetricsApiToken',
      'MetricsAlert',
      'MetricsAlertDelivery',
      'MetricsAlertRule',
    ]);
    expect(panel.dashboard).toEqual({ component: 'MetricsDashboard' });
    expect(Object.keys(panel.pages)).toEqual(['Backfill', 'Revenue']);
    expect(Object.keys(panel.componentLoader.getComponents()).sort()).toEqual([
      'MetricsAuditShow',
      'MetricsConfigEdit',
      'MetricsDashboard',
      'MetricsRevenuePage',
      'MetricsRunsPage',
      'MetricsTokenCreate',
      'MetricsTokenRevoke',
    ]);
    expect(panel.env).toEqual({ METRICS_API_PREFIX: '/internal/metrics', METRICS_REFRESH_SECONDS: '30' });
  });

  it('lets only admins reach any resource, action or page; writes only where the API does them', () => {
    const admin = { email: 'a@x', role: 'admin' } as CurrentAdmin;
    const viewer = { email: 'v@x', role: 'viewer' } as CurrentAdmin;
    for (const [index, resource] of panel.resources.entries()) {
      const actions = resource.options.actions as Record<string, Action>;
      for (const [name, action] of Object.entries(actions)) {
        expect([resourceName(index), name, allowed(action, viewer)]).toEqual([resourceName(index), name, false]);
        expect([resourceName(index), name, allowed(action, undefined)]).toEqual([resourceName(index), name, false]);
      }
      expect(allowed(actions.list, admin)).toBe(true);
      const writable = Object.entries(actions)
        .filter(([name, action]) => name !== 'list' && name !== 'show' && name !== 'search' && allowed(action, admin))
        .map(([name]) => name);
      expect([resourceName(index), writable]).toEqual([
        resourceName(index),
        { MetricsConfigEntity: ['edit'], MetricsApiToken: ['new', 'revoke'] }[resourceName(index)] ?? [],
      ]);
    }
    expect(panel.pages.Backfill.isAccessible({ currentAdmin: viewer })).toBe(false);
    expect(panel.pages.Backfill.isAccessible({ currentAdmin: admin })).toBe(true);
    expect(panel.pages.Revenue.isAccessible({ currentAdmin: viewer })).toBe(false);
    expect(panel.pages.Revenue.isAccessible({ currentAdmin: admin })).toBe(true);
  });

  it('refuses a direct AdminJS save of the configuration: changes go through the validated, audited API', async () => {
    const edit = (panel.resources[1].options.actions as Record<string, Action>).edit;
    await expect(edit.handler?.({ method: 'post' } as ActionRequest, {}, contextFor(undefined))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const tokens = panel.resources[6].options as { properties: Record<string, { isVisible: boolean }> };
    expect(tokens.properties.token_hash).toEqual({ isVisible: false });
  });

  it("accepts the panel's session user as an API admin, and nobody else", () => {
    const isAdmin = adminSessionIsAdmin();
    expect(isAdmin({ session: { adminUser: { email: 'a@x', role: 'admin' } } })).toBe(true);
    expect(isAdmin({ session: { adminUser: { email: 'v@x', role: 'viewer' } } })).toBe(false);
    expect(isAdmin({ session: {} })).toBe(false);
    expect(isAdmin({})).toBe(false);
  });
});
