import type { CurrentAdmin } from 'adminjs';

/** Who may see the module's resources, pages and actions in an AdminJS panel. */
export type PanelAdminTest = (currentAdmin: CurrentAdmin | undefined) => boolean;

/** The contract's admin test, applied to the panel's logged-in user: isAdmin, is_staff or a role 'admin'. */
export const defaultPanelAdmin: PanelAdminTest = (currentAdmin) => {
  const user = currentAdmin as { isAdmin?: unknown; is_staff?: unknown; role?: unknown; roles?: unknown } | undefined;
  if (!user) return false;
  const roles = Array.isArray(user.roles) ? user.roles : [];
  return user.isAdmin === true || user.is_staff === true || user.role === 'admin' || roles.includes('admin');
};

/**
 * An AdminJS-side isAdmin for MetricsModule: the panel's logged-in user (AdminJS keeps it in
 * `req.session.adminUser`) passes the same test. The dashboard reads the REST API with that session's cookie.
 */
export function adminSessionIsAdmin(test: PanelAdminTest = defaultPanelAdmin) {
  return (request: unknown): boolean => {
    const session = (request as { session?: { adminUser?: CurrentAdmin } }).session;
    return test(session?.adminUser);
  };
}
