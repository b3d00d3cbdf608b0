// Page weight of each page type of a built site: HTML, CSS and JS, gzip-compressed (what a
// host sends), against the theme budget of 30 KB of CSS+JS per page.
// Usage: node bench/page-weight.mjs <built site dir> [base path, default /]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [root, base = '/'] = process.argv.slice(2);
const pages = {
  home: 'index.html', list: 'practices/index.html', practice: 'practices/chelyabinsk-keshbek-za-detskij-lager/index.html',
  regions: 'regions/index.html', region: 'regions/chelyabinskaya-oblast/index.html', sector: 'sectors/semya-i-deti/index.html',
  tags: 'tags/index.html', search: 'search/index.html', about: 'about/index.html', '404': '404.html',
};
const gz = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);
const rows = [];
let over = false;
for (const [name, file] of Object.entries(pages)) {
  const full = path.join(root, file);
  if (!fs.existsSync(full)) continue;
  const html = fs.readFileSync(full, 'utf8');
  const assets = [...html.matchAll(/<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"/g)].map((m) => m[1]);
  let css = 0, js = 0, external = 0;
  for (const url of assets) {
    if (/^https?:/.test(url)) { external++; continue; }
    const bytes = fs.readFileSync(path.join(root, url.slice(base.length)));
    if (url.endsWith('.css')) css += gz(bytes); else js += gz(bytes);
  }
  if (css + js > 30 * 1024 || external) over = true;
  rows.push(`| ${name} | ${kb(gz(Buffer.from(html)))} | ${kb(css)} | ${kb(js)} | ${kb(css + js)} | ${external} |`);
}
console.log('| page | HTML KB | CSS KB | JS KB | CSS+JS KB (budget 30) | third-party requests |');
console.log('|---|---|---|---|---|---|');
console.log(rows.join('\n'));
process.exit(over ? 1 : 0);
