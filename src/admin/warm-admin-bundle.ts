/**
 * Development: AdminJS bundles the panel's components on the first request for components.bundle.js, a route
 * behind the panel's login. Logging in and asking for it right after start means the bundle (tens of seconds on a
 * small machine) is ready before a person, or a browser test, opens the panel.
 */
export async function warmAdminBundle(baseUrl: string, email: string, password: string): Promise<number> {
  const login = await fetch(`${baseUrl}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
    redirect: 'manual',
  });
  const cookie = login.headers.getSetCookie().map((value) => value.split(';')[0]);
  if (cookie.length === 0) throw new Error(`panel login answered ${login.status} without a session cookie`);
  const bundle = await fetch(`${baseUrl}/admin/frontend/assets/components.bundle.js`, {
    headers: { cookie: cookie.join('; ') },
    redirect: 'manual',
  });
  const body = await bundle.text();
  if (bundle.status !== 200 || !body.includes('AdminJS.UserComponents')) {
    throw new Error(`components bundle answered ${bundle.status}`);
  }
  return body.length;
}
