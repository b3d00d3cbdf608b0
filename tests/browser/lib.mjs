// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core.
import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that records console errors and failed requests. */
export async function page(browser, options = {}) {
  const context = await browser.newContext(options);
  const p = await context.newPage();
  p.problems = [];
  p.on('console', (m) => { if (m.type() === 'error') p.problems.push('console: ' + m.text()); });
  p.on('pageerror', (e) => p.problems.push('page error: ' + e.message));
  // A navigation cancels the requests still in flight (a favicon, a shard): `net::ERR_ABORTED`
  // is the browser's doing, not the site's. Any other failure is a problem.
  p.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || 'unknown';
    if (why !== 'net::ERR_ABORTED') p.problems.push(`request failed (${why}): ${r.url()}`);
  });
  p.on('response', (r) => { if (r.status() >= 400) p.problems.push(r.status() + ': ' + r.url()); });
  return p;
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}
