// Measures what a reader's browser downloads for a search, in headless Chromium: serves a built
// site with gzip for text files (as any static host does; the index files are gzipped already),
// opens /search/?q=… and sums the bytes of the search script and index files on the wire.
// Also times the query computation once the needed files are cached.
// Usage: node bench/search-bytes.mjs <built site dir> "<one word>" "<two words>"
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [root, ...queries] = process.argv.slice(2);
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.bin': 'application/octet-stream', '.svg': 'image/svg+xml' };

const server = http.createServer((req, res) => {
  let file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(path.resolve(root))) { res.writeHead(400).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
  const ext = path.extname(file);
  let body = fs.readFileSync(file);
  const headers = { 'Content-Type': types[ext] || 'application/octet-stream' };
  if (ext !== '.bin' && /gzip/.test(req.headers['accept-encoding'] || '')) { body = zlib.gzipSync(body, { level: 9 }); headers['Content-Encoding'] = 'gzip'; }
  res.writeHead(200, headers).end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });

const rows = [];
for (const q of queries) {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map(); let bytes = 0; let requests = 0;
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId) || '';
    if (/\/search\/[^?]+\.(bin|json)(\?.*)?$|\/static\/search\.[0-9a-f]+\.js$/.test(url)) { bytes += e.encodedDataLength; requests++; }
  });
  await page.goto(base + 'search/?q=' + encodeURIComponent(q));
  await page.waitForFunction(() => /Найдено|Ничего/.test(document.querySelector('#search-status')?.textContent || ''));
  await page.waitForTimeout(300);
  const results = await page.$$eval('.search-result', (r) => r.length);
  // Compute time with everything cached: the same query through the page's own engine, 30 times.
  const ms = await page.evaluate(async (query) => {
    const engine = window.__praktikaEngine;
    if (!engine) return null;
    const times = [];
    for (let i = 0; i < 30; i++) { const t = performance.now(); await engine.search(query, {}, 'relevance'); times.push(performance.now() - t); }
    times.sort((a, b) => a - b);
    return times[15];
  }, q);
  rows.push({ query: q, kb: +(bytes / 1024).toFixed(1), requests, results, compute_ms: ms == null ? null : +ms.toFixed(2) });
  await page.close();
}
await browser.close();
server.close();
console.log(JSON.stringify(rows));
