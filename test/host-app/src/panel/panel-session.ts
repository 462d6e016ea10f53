import session, { MemoryStore } from 'express-session';

/**
 * One login for the panel and the metrics API: AdminJS keeps its user in this session, and the same middleware on
 * the metrics routes lets the dashboard's requests (sent with the panel's cookie) pass the module's isAdmin.
 * A production host uses a shared store (Redis, SQL) instead of the MemoryStore.
 */
export const PANEL_COOKIE = 'host_admin';
export const PANEL_SECRET = process.env.PANEL_SECRET ?? 'a-long-random-secret-for-the-host-panel-session';
export const panelStore = new MemoryStore();
export const panelSession = session({
  store: panelStore,
  secret: PANEL_SECRET,
  name: PANEL_COOKIE,
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, sameSite: 'lax' },
});
