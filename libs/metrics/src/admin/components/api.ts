// The components read and change metrics only through the module's REST API, with the panel's session cookie,
// so the browser goes through the same guard, validation and audit trail as any integration.

interface AdminJSGlobal {
  env?: Record<string, string>;
}

export function apiPrefix(): string {
  const admin = (window as unknown as { AdminJS?: AdminJSGlobal }).AdminJS;
  return admin?.env?.METRICS_API_PREFIX ?? '/api/system/metrics';
}

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: FieldError[],
  ) {
    super(message);
  }
}

export function apiUrl(path: string, params: Record<string, string | number | null | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') query.set(key, String(value));
  }
  const search = query.toString();
  return `${apiPrefix()}/${path}${search ? `?${search}` : ''}`;
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!response.ok) {
    const reason = body as { message?: unknown; errors?: FieldError[] } | null;
    const fields = Array.isArray(reason?.errors) ? reason.errors : [];
    const message = fields.length
      ? fields.map((error) => `${error.field}: ${error.message}`).join('; ')
      : typeof reason?.message === 'string'
        ? reason.message
        : `HTTP ${response.status}`;
    throw new ApiError(message, response.status, fields);
  }
  return body as T;
}

/** `autoRefresh`: an automatic refresh of a view already shown, which the audit trail need not record again. */
export async function apiGet<T>(
  path: string,
  params: Record<string, string | number | null | undefined> = {},
  options: { autoRefresh?: boolean } = {},
) {
  const headers: Record<string, string> = options.autoRefresh ? { 'x-metrics-refresh': 'auto' } : {};
  return parse<T>(await fetch(apiUrl(path, params), { credentials: 'same-origin', headers }));
}

export async function apiSend<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
  const response = await fetch(apiUrl(path), {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return parse<T>(response);
}

/**
 * GET or PATCH with the configuration's ETag: read from the answer, and sent back as If-Match so that a change
 * made from a stale page is refused (412) rather than silently overwriting someone else's.
 */
export async function apiTagged<T>(method: 'GET' | 'PATCH', path: string, body?: unknown, ifMatch?: string | null) {
  const response = await fetch(apiUrl(path), {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(ifMatch ? { 'if-match': ifMatch } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { body: await parse<T>(response), etag: response.headers.get('etag') };
}
