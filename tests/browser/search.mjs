// Types queries on the built site's search page in headless Chromium and checks what a reader
// sees: results, highlighted snippets, facet counts, URL state, reload, back button, keyboard.
// Usage: node search.mjs <base url of a served site>
import { launch, page, check } from './lib.mjs';

const base = process.argv[2];

/** Waits until the results on screen match the announced count (rendering is asynchronous). */
async function settled(p) {
  await p.waitForFunction(() => {
    const m = /Найдено:\s(\d+)/.exec(document.querySelector('#search-status')?.textContent || '');
    return m && document.querySelectorAll('.search-result').length === Math.min(10, Number(m[1]));
  });
}
const browser = await launch();
try {
  const p = await page(browser);

  // A shared link opens with its results.
  await p.goto(base + 'search/?q=' + encodeURIComponent('многодетным семьям'));
  await p.waitForSelector('.search-result');
  const first = await p.textContent('.search-result h3');
  check(/многодетн/i.test(first), 'first result for «многодетным семьям»: ' + first);
  const marks = await p.$$eval('.search-result mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
  check(marks.some((m) => m.startsWith('многодетн')), 'inflected forms highlighted: ' + marks);
  check(/Найдено/.test(await p.textContent('#search-status')), 'status announces the count');
  check(await p.getAttribute('#search-status', 'aria-live') === 'polite', 'status is a live region');

  // Typing updates results and the URL.
  await p.fill('#search-q', '');
  await p.type('#search-q', 'кешбэк', { delay: 30 });
  await p.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'кешбэк');
  await p.waitForFunction(() => /Кешбэк/.test(document.querySelector('.search-result h3')?.textContent || ''));

  // Facets: counts shown; keyboard toggles a filter; the URL follows.
  const label = await p.textContent('label[for="f-sector-semya-i-deti"]');
  check(/\(\d+\)/.test(label), 'facet label has a count: ' + label);
  await p.focus('#f-sector-semya-i-deti');
  await p.keyboard.press('Space');
  await p.waitForFunction(() => new URLSearchParams(location.search).getAll('sector').includes('semya-i-deti'));
  await p.waitForFunction(() => document.querySelector('#f-sector-semya-i-deti')?.checked);
  await settled(p);
  const afterFilter = await p.$$eval('.search-result', (rs) => rs.length);

  // Reload restores the state.
  await p.reload();
  await settled(p);
  check(await p.inputValue('#search-q') === 'кешбэк', 'query restored after reload');
  check(await p.isChecked('#f-sector-semya-i-deti'), 'filter restored after reload');
  check(await p.$$eval('.search-result', (rs) => rs.length) === afterFilter, 'same results after reload');

  // Back undoes the filter.
  await p.goBack();
  await p.waitForFunction(() => !new URLSearchParams(location.search).getAll('sector').length);
  await p.waitForFunction(() => !document.querySelector('#f-sector-semya-i-deti')?.checked);

  // A typo is corrected with a notice naming the word used.
  await p.fill('#search-q', 'казначейтсво ');
  await p.waitForFunction(() => !document.querySelector('#search-notice').hidden);
  const notice = await p.textContent('#search-notice');
  check(/казначейств/.test(notice), 'typo notice: ' + notice);
  check(/Социальное казначейство/.test(await p.textContent('.search-result h3')), 'corrected results shown');

  // A word matching nothing gives nothing, not a shorter prefix.
  await p.fill('#search-q', 'ипподром ');
  await p.waitForFunction(() => /Ничего не найдено/.test(document.querySelector('#search-status').textContent));
  check(await p.$$eval('.search-result', (rs) => rs.length) === 0, 'no results for ипподром');

  // The header box on another page leads to the search page, by keyboard alone.
  await p.goto(base);
  await p.focus('#header-q');
  await p.keyboard.type('газ');
  await p.keyboard.press('Enter');
  await p.waitForSelector('.search-result');
  check(/Субсидия/.test(await p.textContent('.search-result h3')), 'header search works');

  check(p.problems.length === 0, 'browser problems: ' + p.problems.join('; '));
  console.log('search: all checks passed');
} finally {
  await browser.close();
}
