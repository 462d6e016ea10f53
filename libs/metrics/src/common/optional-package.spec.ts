import { loadOptionalPackage, MissingPackageError } from './optional-package.js';

describe('loadOptionalPackage', () => {
  it('names the missing package, the feature and the install command', async () => {
    // A string variable, not a literal: tsc must not look the (absent) module up.
    const missing: string = 'exec-metrics-no-such-package';
    const loading = loadOptionalPackage(missing, 'Carrier pigeons', () => import(missing));
    await expect(loading).rejects.toBeInstanceOf(MissingPackageError);
    await expect(loading).rejects.toThrow(
      'Carrier pigeons needs the package "exec-metrics-no-such-package", which is not installed: run `npm install exec-metrics-no-such-package`',
    );
  });

  it('loads an installed package', async () => {
    const csv = await loadOptionalPackage('csv-stringify', 'CSV', () => import('csv-stringify/sync'));
    expect(csv.stringify([['a', 1]])).toBe('a,1\n');
  });

  it('passes on any other failure as it is', async () => {
    const failing = loadOptionalPackage('stripe', 'Stripe', () => Promise.reject(new Error('boom')));
    await expect(failing).rejects.toThrow('boom');
  });
});
