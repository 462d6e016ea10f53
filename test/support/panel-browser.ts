import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical accessibility violations inside `include` (a selector: the module's own
 * components; AdminJS's list pages and chrome are its own) as the page is now (rule id, the first few elements);
 * `rules` limits the check to those rules (e.g. `['color-contrast']` for AdminJS's chrome). axe is evaluated through the DevTools protocol, so the panel's Content-Security-Policy still holds.
 */
export async function seriousViolations(page: Page, include: string, rules?: string[]): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(
    async ([selector, only]) => {
      const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<unknown> } }).axe;
      const options = only ? { runOnly: { type: 'rule', values: only } } : {};
      const result = (await axe.run({ include: [selector] }, options)) as {
        violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
      };
      return result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        nodes: violation.nodes.slice(0, 4).map((node) => node.target.join(' ')),
      }));
    },
    [include, rules] as const,
  );
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Debian's Chromium, headless, with the flags that keep it off the network (docs/panel.md, "Browser tests"). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Logs into the AdminJS panel through its own login form. */
export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${baseUrl}/admin`), page.click('form button')]);
}

export interface DashboardQuery {
  start: string;
  end: string;
  tenant: string | null;
  bucket: string;
}

/**
 * Waits until the dashboard shows data loaded for exactly this query (not an older answer still on screen): its
 * headline numbers, the charts drawn after them, then the cohorts, which load after it (they depend on the tenant
 * only).
 */
export async function waitForDashboard(page: Page, query: DashboardQuery): Promise<void> {
  const loaded = JSON.stringify(query);
  await page.waitForSelector(
    `[data-testid=metrics-dashboard][data-state=ready][data-loaded-query='${loaded}'][data-charts-query='${loaded}']`,
  );
  await page.waitForSelector(`[data-testid=cohort-heatmap][data-loaded='${String(query.tenant)}']`);
}

export async function attribute(page: Page, testId: string, name: string): Promise<string> {
  const value = await page.getAttribute(`[data-testid="${testId}"]`, name);
  if (value === null) throw new Error(`${testId} has no ${name}`);
  return value;
}

/** A number shown with data-value ('null' for no value). */
export async function shownNumber(page: Page, testId: string): Promise<number | null> {
  const value = await attribute(page, testId, 'data-value');
  return value === 'null' ? null : Number(value);
}

/**
 * A screenshot of the whole page: AdminJS scrolls an inner box, not the document, so a "full page" screenshot
 * would stop at the viewport. The viewport grows to the tallest scrolling box for the shot, then goes back.
 */
export async function screenshotWhole(page: Page, path: string): Promise<void> {
  const size = page.viewportSize()!;
  const height = await page.evaluate(() =>
    Math.max(...Array.from(document.querySelectorAll('body, body *')).map((element) => element.scrollHeight)),
  );
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(height, size.height), 6000) });
  await page.waitForTimeout(300);
  await page.screenshot({ path });
  await page.setViewportSize(size);
}

export interface SidewaysOverflow {
  /** A CSS-ish path to the element (tag, test id or classes). */
  element: string;
  /** 'scrolls': a box that scrolls sideways; 'clipped': visible content past the viewport's right edge. */
  kind: 'scrolls' | 'clipped';
  px: number;
}

/**
 * Everything on the page that does not fit the viewport's width: boxes that scroll sideways and visible elements
 * whose right edge is past the viewport (cut off, or pushing the page wider). `allowed` are selectors of boxes that
 * are meant to scroll sideways (the cohort heatmap); what is inside them is not counted.
 */
export async function sidewaysOverflow(page: Page, allowed: string[] = []): Promise<SidewaysOverflow[]> {
  return page.evaluate((allowedSelectors) => {
    const width = document.documentElement.clientWidth;
    const found: { element: string; kind: 'scrolls' | 'clipped'; px: number }[] = [];
    const name = (element: Element) => {
      const id = element.getAttribute('data-testid') ?? element.getAttribute('data-css');
      const classes = typeof element.className === 'string' ? element.className.split(/\s+/).slice(0, 2).join('.') : '';
      return `${element.tagName.toLowerCase()}${id ? `[${id}]` : classes ? `.${classes}` : ''}`;
    };
    const isAllowed = (element: Element) => allowedSelectors.some((selector) => element.closest(selector) !== null);
    const scrollsSideways = (element: Element) => {
      const style = getComputedStyle(element);
      return ['auto', 'scroll'].includes(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
    };
    const scrollers: Element[] = [];
    for (const element of Array.from(document.querySelectorAll('body *'))) {
      if (isAllowed(element)) continue;
      const style = getComputedStyle(element);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      if (scrollsSideways(element)) {
        scrollers.push(element);
        found.push({ element: name(element), kind: 'scrolls', px: element.scrollWidth - element.clientWidth });
        continue;
      }
      // What is inside a box that scrolls sideways is counted once, as that box.
      if (scrollers.some((scroller) => scroller.contains(element))) continue;
      const box = element.getBoundingClientRect();
      // Zero-size and screen-reader-only elements are not seen, nor a closed drawer waiting wholly off-screen.
      if (box.width < 2 || box.height < 2 || style.position === 'fixed' || box.left >= width) continue;
      if (box.right > width + 1)
        found.push({ element: name(element), kind: 'clipped', px: Math.round(box.right - width) });
    }
    // One entry per element and kind: the outermost offenders are enough to find the cause.
    return found.slice(0, 12);
  }, allowed);
}
