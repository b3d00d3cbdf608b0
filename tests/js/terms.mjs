// Prints the search term of every word of a file (one per line), with the browser's pipeline.
// Usage: node terms.mjs <words file>
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const here = path.dirname(new URL(import.meta.url).pathname);
vm.runInThisContext(fs.readFileSync(path.join(here, '../../themes/default/static/search.js'), 'utf8'));
const { termOf, normalize } = globalThis.PraktikaSearch;
const out = [];
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  const word = line.trim();
  if (word) out.push(termOf(normalize(word)) ?? '');
}
process.stdout.write(out.join('\n') + '\n');
