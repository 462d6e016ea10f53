/**
 * Packages that only some hosts use (Stripe, nodemailer, prom-client, PGlite, AdminJS) are optional peer
 * dependencies: loaded when the feature that needs them is switched on, with an error that names the package and
 * the feature when the host has not installed it, and never loaded when the feature is off.
 */
export class MissingPackageError extends Error {
  constructor(
    readonly packageName: string,
    feature: string,
  ) {
    super(`${feature} needs the package "${packageName}", which is not installed: run \`npm install ${packageName}\``);
  }
}

function isNotFound(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)/.test(String(message));
  return notFound && String(message).includes(packageName);
}

/** `load` is a literal dynamic import of the package, so that bundlers and test runners see it. */
export async function loadOptionalPackage<T>(packageName: string, feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isNotFound(error, packageName)) throw new MissingPackageError(packageName, feature);
    throw error;
  }
}
