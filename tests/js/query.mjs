// Runs search queries against a built site with the real client code, in Node.
// Usage: node query.mjs <site output dir> <queries.json>
// queries.json: [{"q": "...", "filters": {"sector": ["slug"]}, "sort": "relevance"}, ...]
// Prints one JSON line per query: {"q", "urls": [top 10], "total", "notice", "counts"}.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';

const [site, queriesFile] = process.argv.slice(2);
const here = path.dirname(new URL(import.meta.url).pathname);
const script = fs.readFileSync(path.join(here, '../../themes/default/static/search.js'), 'utf8');
vm.runInThisContext(script);
const { Engine } = globalThis.PraktikaSearch;

const fetchBytes = async (url) => {
  const bytes = fs.readFileSync(path.join(site, 'search', url.split('?')[0]));
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(zlib.gunzipSync(bytes)) : new Uint8Array(bytes);
};
const engine = new Engine('', fetchBytes);
const m = await engine.load();
const facetValues = {
  region: m.regions.map((r) => r[1]),
  district: ['federal', ...m.districts.map((d) => d[1])],
  sector: m.sectors.map((s) => s[1]),
  year: Array.from({ length: 256 }, (_, i) => String(m.first_year + i)),
};
for (const query of JSON.parse(fs.readFileSync(queriesFile, 'utf8'))) {
  const filters = {};
  for (const [name, slugs] of Object.entries(query.filters || {})) {
    filters[name] = new Set(slugs.map((s) => facetValues[name].indexOf(s)));
  }
  const res = await engine.search(query.q, filters, query.sort);
  const top = res.results.slice(0, 10).map((r) => r[0]);
  const docs = await engine.docs(top);
  const counts = {};
  for (const [name, map] of Object.entries(res.counts)) {
    counts[name] = Object.fromEntries([...map].map(([i, n]) => [facetValues[name][i], n]));
  }
  console.log(JSON.stringify({
    q: query.q, urls: docs.map((d) => d[1]), titles: docs.map((d) => d[0]), total: res.results.length,
    corrected: res.corrected.map((w) => w.corrected), mode: res.mode, counts,
    phrase: res.results.filter((r) => r[2] === true).length,
  }));
}
