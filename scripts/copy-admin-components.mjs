// The AdminJS components are bundled from their .tsx sources (tsc leaves them out): put them beside the
// compiled admin/ folder, where metricsAdmin() looks for them.
import { cpSync } from 'node:fs';

cpSync('libs/metrics/src/admin/components', 'dist/libs/metrics/src/admin/components', { recursive: true });
