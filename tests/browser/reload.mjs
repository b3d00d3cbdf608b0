// Live reload in a real browser: an edit reloads the open page, a broken file shows the
// overlay (text, not markup), the fix removes it.
// Usage: node reload.mjs <page url> <practice file to edit>
import fs from 'node:fs';
import { launch, page, check } from './lib.mjs';

const [url, file] = process.argv.slice(2);
const good = fs.readFileSync(file, 'utf8');
const browser = await launch();
try {
  const p = await page(browser);
  await p.goto(url);
  await p.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/__praktika/reload.js')));
  await p.waitForTimeout(300);

  fs.writeFileSync(file, good.replace('Текст.', 'Текст после правки.'));
  await p.waitForFunction(() => document.body.textContent.includes('Текст после правки.'), null, { timeout: 20000 });

  fs.writeFileSync(file, good.replace('region: Подмосковье', 'region: <img src=x onerror=alert(1)>'));
  await p.waitForSelector('#praktika-overlay', { timeout: 20000 });
  const text = await p.textContent('#praktika-overlay');
  check(/beta\.md:3:9/.test(text), 'overlay names the place: ' + text);
  check(await p.$('#praktika-overlay img') === null, 'overlay shows markup as text');
  check(/Текст после правки\./.test(await p.textContent('main')), 'the last good page stays');

  fs.writeFileSync(file, good);
  await p.waitForFunction(() => !document.querySelector('#praktika-overlay') && !document.body.textContent.includes('Текст после правки.'), null, { timeout: 20000 });
  check(p.problems.filter((x) => !/EventSource|events/.test(x)).length === 0, 'browser problems: ' + p.problems.join('; '));
  console.log('reload: all checks passed');
} finally {
  fs.writeFileSync(file, good);
  await browser.close();
}
