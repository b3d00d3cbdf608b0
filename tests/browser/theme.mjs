// The default theme in a real browser: every page type renders without console errors,
// axe-core finds no WCAG 2.1 AA violation, the low-vision switcher works with the keyboard and
// is remembered across pages; screenshots at 360 px and 1280 px go to a folder for review.
// Usage: node theme.mjs <base url> <screenshot folder>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launch, page, check } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [base, shots] = process.argv.slice(2);
fs.mkdirSync(shots, { recursive: true });

const pages = {
  home: '',
  list: 'practices/',
  practice: 'practices/chelyabinsk-keshbek-za-detskij-lager/',
  bundle: 'practices/stavropol-strategicheskaya-sessiya/',
  regions: 'regions/',
  region: 'regions/chelyabinskaya-oblast/',
  sector: 'sectors/semya-i-deti/',
  tags: 'tags/',
  about: 'about/',
  search: 'search/?q=' + encodeURIComponent('многодетные семьи'),
  notfound: '404.html',
};

const browser = await launch();
const failures = [];
try {
  for (const [name, url] of Object.entries(pages)) {
    for (const width of [360, 1280]) {
      const p = await page(browser, { viewport: { width, height: 900 } });
      await p.goto(base + url);
      if (name === 'search') await p.waitForSelector('.search-result');
      await p.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
      if (width === 1280) {
        await p.addScriptTag({ content: axeSource });
        const result = await p.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
        for (const v of result.violations) failures.push(`${name}: axe ${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        const h1 = await p.$$eval('h1', (hs) => hs.length);
        if (h1 !== 1) failures.push(`${name}: ${h1} h1 elements`);
        const lang = await p.getAttribute('html', 'lang');
        if (lang !== 'ru') failures.push(`${name}: lang=${lang}`);
      }
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) failures.push(`${name} at ${width}px: ${overflow}px horizontal overflow`);
      for (const problem of p.problems) failures.push(`${name}: ${problem}`);
      await p.context().close();
    }
  }

  // Low-vision mode: keyboard only, remembered across pages.
  const p = await page(browser, { viewport: { width: 1280, height: 900 } });
  await p.goto(base);
  await p.focus('#a11y-toggle');
  await p.keyboard.press('Enter');
  check(await p.getAttribute('#a11y-toggle', 'aria-expanded') === 'true', 'panel opens with Enter');
  await p.focus('[data-a11y="font:2"]');
  await p.keyboard.press('Enter');
  await p.focus('[data-a11y="scheme:wb"]');
  await p.keyboard.press('Space');
  await p.focus('[data-a11y="images:off"]');
  await p.keyboard.press('Enter');
  check(await p.getAttribute('html', 'data-font') === '2', 'font size A++ applied');
  check(await p.getAttribute('html', 'data-scheme') === 'wb', 'white on black applied');
  const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(bg === 'rgb(0, 0, 0)', 'background is black: ' + bg);
  check(await p.getAttribute('[data-a11y="scheme:wb"]', 'aria-pressed') === 'true', 'pressed state announced');
  await p.screenshot({ path: path.join(shots, 'low-vision-home-1280.png'), fullPage: false });
  await p.goto(base + pages.practice);
  check(await p.getAttribute('html', 'data-font') === '2', 'font size remembered on another page');
  check(await p.getAttribute('html', 'data-images') === 'off', 'images setting remembered');
  const fontSize = await p.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  check(fontSize >= 23, 'root font size grows: ' + fontSize);
  await p.addScriptTag({ content: axeSource });
  const lowVision = await p.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2aa'] } }));
  for (const v of lowVision.violations) failures.push(`low-vision practice: axe ${v.id} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  await p.click('.a11y-toggle');
  await p.click('.a11y-reset');
  check(await p.getAttribute('html', 'data-scheme') === null, 'reset restores the normal version');
  for (const problem of p.problems) failures.push(`low-vision: ${problem}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`theme: all checks passed; screenshots in ${shots}`);
