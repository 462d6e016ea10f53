import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentsBundler } from 'adminjs/bundler';
import { rollup, type LogOrStringHandler, type RollupLog } from 'rollup';
import { bundleCommonjsStrictly } from './strict-commonjs-bundling.js';

describe('AdminJS components bundled with strict CommonJS semantics', () => {
  beforeAll(() => bundleCommonjsStrictly());

  it('wraps every CommonJS file, so no require cycle is evaluated out of order whatever the load', async () => {
    // At 'auto' a CommonJS file outside any cycle is hoisted as an import; strictly, it is wrapped in a function run
    // at its first require, which is how Node evaluates it.
    const dir = mkdtempSync(join(tmpdir(), 'strict-cjs-'));
    try {
      writeFileSync(join(dir, 'answer.js'), 'module.exports = { answer: 42 };\n');
      writeFileSync(join(dir, 'entry.js'), "import { answer } from './answer.js';\nexport default answer;\n");
      const bundle = await rollup({ ...componentsBundler.inputOptions, input: join(dir, 'entry.js'), onLog: () => {} });
      const { output } = await bundle.generate({ format: 'es' });
      await bundle.close();
      expect(output[0].code).toMatch(/function requireAnswer\s*\(\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves out Rollup's warnings about cycles among installed packages, not about the host's own files", () => {
    const reported: string[] = [];
    const report: LogOrStringHandler = (_level, log) => {
      if (typeof log !== 'string') reported.push(log.ids?.join(' -> ') ?? log.code ?? '');
    };
    const cycle = (...ids: string[]): RollupLog => ({ code: 'CIRCULAR_DEPENDENCY', ids, message: 'cycle' });
    const onLog = componentsBundler.inputOptions.onLog!;
    onLog('warn', cycle('/app/node_modules/d3/a.js', '/app/node_modules/d3/b.js'), report);
    onLog('warn', cycle('/app/src/admin/a.tsx', '/app/node_modules/d3/b.js'), report);
    onLog('warn', { code: 'UNRESOLVED_IMPORT', message: 'x' }, report);
    expect(reported).toEqual(['/app/src/admin/a.tsx -> /app/node_modules/d3/b.js', 'UNRESOLVED_IMPORT']);
  });
});
