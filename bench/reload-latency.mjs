// Time from saving one practice to the live-reload event, against a running `praktika serve`.
// Usage: node bench/reload-latency.mjs <server url> <practice file> [runs] [body|title|tags]
// `body` (the default) appends a sentence to the body; `title` edits the front matter's title,
// which changes the practice's card on list pages and related blocks; `tags` adds a tag of its
// own, which changes the taxonomies and related practices as well.
import fs from 'node:fs';
import http from 'node:http';

const [base, file, runsArg, mode = 'body'] = process.argv.slice(2);
const runs = Number(runsArg || 7);
if (!['body', 'title', 'tags'].includes(mode)) throw new Error('mode must be body, title or tags: ' + mode);
const origin = new URL(base).origin;
let waiter = null;
http.get(origin + '/__praktika/events', (res) => {
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, end); buffer = buffer.slice(end + 2);
      const name = (message.match(/^event: (.*)$/m) || [])[1];
      if (name && waiter) { const w = waiter; waiter = null; w(name); }
    }
  });
});
await new Promise((r) => setTimeout(r, 500));
const original = fs.readFileSync(file, 'utf8');
const times = [];
try {
  for (let i = 0; i < runs; i++) {
    const event = new Promise((resolve) => { waiter = resolve; });
    const started = performance.now();
    const edited = {
      title: () => original.replace(/^title: ("?)/m, (_, quote) => `title: ${quote}Правка ${i} — `),
      tags: () => original.replace(/^tags: \[/m, `tags: [правка ${i}, `),
      body: () => original + `\nПравка номер ${i}.\n`,
    }[mode]();
    if (edited === original) throw new Error('nothing to edit in ' + file);
    fs.writeFileSync(file, edited);
    const name = await event;
    times.push(performance.now() - started);
    if (name !== 'reload') throw new Error('expected reload, got ' + name);
    await new Promise((r) => setTimeout(r, 300));
  }
} finally {
  fs.writeFileSync(file, original);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ runs, median_ms: +times[times.length >> 1].toFixed(1), min_ms: +times[0].toFixed(1), max_ms: +times[times.length - 1].toFixed(1) }));
process.exit(0);
