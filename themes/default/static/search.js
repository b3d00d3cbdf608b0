/* Praktika search client: plain JavaScript, no dependencies.
   Stemmers: ports of rust-stemmers 1.2 (Snowball), checked word for word against it by tests/search_parity.rs. */
(function () {
'use strict';
// Russian Snowball stemmer; port of rust-stemmers 1.2.0 (russian.rs).
// Input: lowercase word, ё already replaced by е. Returns the stem.
// Longest suffix of s in space-separated list a (group 1) or b (group 2).
// Returns s minus that suffix, or null. If b is given, a group-1 match must
// be preceded by а/я (which is kept).
function ru_x(s, a, b) {
  var g = 0, n = 0;
  [a, b || ''].forEach(function (l, k) {
    l.split(' ').forEach(function (x) {
      if (x && x.length > n && s.endsWith(x)) { n = x.length; g = k + 1; }
    });
  });
  if (!g) return null;
  var t = s.slice(0, s.length - n);
  return g == 1 && b && !/[ая]$/.test(t) ? null : t;
}
function stemRussian(w) {
  var n = w.length, i = 0, k = 0, pV = n, p2 = n, s, t;
  // RV: after first vowel; R2: after vowel-nonvowel-vowel-nonvowel.
  for (; k < 4; k++) {
    while (i < n && ('аеиоуыэюя'.indexOf(w[i]) >= 0) != !(k & 1)) i++;
    if (i >= n) break;
    i++;
    if (!k) pV = i;
    if (k == 3) p2 = i;
  }
  s = w.slice(pV);
  t = ru_x(s, 'в вши вшись', 'ив ивши ившись ыв ывши ывшись');
  if (t == null) {
    t = ru_x(s, 'ся сь');
    if (t != null) s = t;
    t = ru_x(s, 'ее ие ые ое ими ыми ей ий ый ой ем им ым ом его ого ему ому их ых ую юю ая яя ою ею');
    if (t != null) {
      s = t;
      t = ru_x(s, 'ем нн вш ющ щ', 'ивш ывш ующ');
    } else {
      t = ru_x(s, 'ла на ете йте ли й л ем н ло но ет ют ны ть ешь нно',
        'ила ыла ена ейте уйте ите или ыли ей уй ил ыл им ым ен ило ыло ено ят ует уют ит ыт ены ить ыть ишь ую ю');
      if (t == null) t = ru_x(s, 'а ев ов ие ье е иями ями ами еи ии и ией ей ой ий й иям ям ием ем ам ом о у ах иях ях ы ь ию ью ю ия ья я');
    }
  }
  if (t != null) s = t;
  if (/и$/.test(s)) s = s.slice(0, -1);
  t = ru_x(s, 'ост ость');
  if (t != null && t.length >= p2 - pV) s = t;
  t = ru_x(s, 'ейш ейше');
  if (t != null) s = t;
  if (/нн$/.test(s)) s = s.slice(0, -1);
  else if (t == null && /ь$/.test(s)) s = s.slice(0, -1);
  return w.slice(0, pV) + s;
}
// English (Porter2) stemmer, port of rust-stemmers 1.2.0 english.rs (older Snowball English).
// Input: lowercase word. Output: stem. Regexes use the `u` flag so positions follow code points, like Rust chars.
function stemEnglish(word) {
  var m, k, s, t, p1, p2, Y;
  // shortv: (non-v,w,x,Y) after v after non-v, or non-v after v at word start
  function shortv(x) { return /^[aeiouy][^aeiouy]$|[^aeiouy][aeiouy][^aeiouywxY]$/u.test(x); }
  // longest suffix of s among keys of T; calls f(key, prefix) and uses its result if any
  function step(T, f) {
    m = new RegExp('(' + Object.keys(T).join('|') + ')$').exec(s);
    if (m) { t = f(T[m[1]], s.slice(0, m.index), m[1]); if (t != null) s = t; }
  }
  var E = { skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl', gently: 'gentl',
    ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl', andes: '', atlas: '', bias: '', cosmos: '',
    howe: '', news: '', sky: '' };
  if (Object.prototype.hasOwnProperty.call(E, word)) return E[word] || word;
  if (!/^[^]{3}/u.test(word)) return word;
  // prelude: drop leading ', mark consonant-y as Y
  s = word.replace(/^'/, '');
  t = s.replace(/^y/, 'Y').replace(/([aeiouy])y/g, '$1Y');
  Y = t != s; s = t;
  // regions
  p1 = p2 = s.length;
  m = /^(gener|commun|arsen)/.exec(s) || /[aeiouy][^aeiouy]/u.exec(s);
  if (m) {
    p1 = m.index + m[0].length;
    m = /[aeiouy][^aeiouy]/u.exec(s.slice(p1));
    if (m) p2 = p1 + m.index + m[0].length;
  }
  // step 1a
  s = s.replace(/'(s'?)?$/, '');
  step({ sses: 1, ies: 2, ied: 2, ss: 0, us: 0, s: 3 }, function (v, b) {
    return v == 1 ? b + 'ss' : v == 2 ? b + (/^[^]{2}/u.test(b) ? 'i' : 'ie') : v == 3 && /[aeiouy][^]/u.test(b) ? b : null;
  });
  if (!/^(succeed|proceed|exceed|canning|inning|earring|herring|outing)$/.test(s)) {
    // step 1b
    step({ eed: 1, eedly: 1, ed: 2, edly: 2, ing: 2, ingly: 2 }, function (v, b) {
      if (v == 1) return b.length >= p1 ? b + 'ee' : null;
      if (!/[aeiouy]/.test(b)) return null;
      return /(at|bl|iz)$/.test(b) ? b + 'e' : /(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(b) ? b.slice(0, -1) :
        b.length == p1 && shortv(b) ? b + 'e' : b;
    });
    // step 1c
    s = s.replace(/([^][^aeiouy])[yY]$/u, '$1i');
    // step 2
    step({ tional: 'tion', enci: 'ence', anci: 'ance', abli: 'able', entli: 'ent', izer: 'ize', ization: 'ize',
      ational: 'ate', ation: 'ate', ator: 'ate', alism: 'al', aliti: 'al', alli: 'al', fulness: 'ful', ousli: 'ous',
      ousness: 'ous', iveness: 'ive', iviti: 'ive', biliti: 'ble', bli: 'ble', fulli: 'ful', lessli: 'less',
      ogi: 0, li: 0 }, function (v, b, k) {
      return b.length < p1 ? null : k == 'ogi' ? (/l$/.test(b) ? b + 'og' : null) :
        k == 'li' ? (/[cdeghkmnrt]$/.test(b) ? b : null) : b + v;
    });
    // step 3
    step({ tional: 'tion', ational: 'ate', alize: 'al', icate: 'ic', iciti: 'ic', ical: 'ic', ful: '', ness: '',
      ative: 0 }, function (v, b) {
      return b.length < p1 ? null : v === 0 ? (b.length >= p2 ? b : null) : b + v;
    });
    // step 4
    step({ ic: 1, ance: 1, ence: 1, able: 1, ible: 1, ate: 1, ive: 1, ize: 1, iti: 1, al: 1, ism: 1, ion: 2, er: 1,
      ous: 1, ant: 1, ent: 1, ment: 1, ement: 1 }, function (v, b) {
      return b.length < p2 || v == 2 && !/[st]$/.test(b) ? null : b;
    });
    // step 5
    step({ e: 1, l: 2 }, function (v, b) {
      k = b.length;
      return v == 1 ? (k >= p2 || k >= p1 && !shortv(b) ? b : null) : k >= p2 && /l$/.test(b) ? b : null;
    });
  }
  return Y ? s.replace(/Y/g, 'y') : s;
}
/* ==== Text pipeline: the twin of src/search/text.rs. Keep them in step. ==== */
var STOP = new Set(('а без бы в во да для до же за и из или к ко ли на над не ни но о об обо от по под при про с со то у что чтобы ' +
  'a an and are as at be by for from in is of on or the to with').split(' '));
var ALPHA = /^\p{Alphabetic}+$/u, CYR = /[\u0400-\u04FF]/, LAT = /[a-z]/;

function normalize(w) { return w.normalize('NFC').toLowerCase().replace(/ё/g, 'е'); }

function fold(s) {
  var n = s.length;
  return n >= 4 && /[кц]$/.test(s) && /[ое]/.test(s[n - 2]) && 'аеиоуыэюяйь'.indexOf(s[n - 3]) < 0 ? s.slice(0, n - 2) + s[n - 1] : s;
}

/** The index term of a normalised word, or null for a function word. */
function termOf(n) {
  if (!n || STOP.has(n)) return null;
  return n.indexOf('-') > 0 ? n.split('-').map(stemWord).join('-') : stemWord(n);
}

function stemWord(n) {
  var c = CYR.test(n), l = LAT.test(n), a = ALPHA.test(n);
  if (c && !l && a) return fold(stemRussian(n));
  if (l && !c && a) return stemEnglish(n);
  return n;
}

/** Words of a text with their offsets: Unicode segmentation where the browser has it. */
function words(text) {
  var out = [];
  if (typeof Intl != 'undefined' && Intl.Segmenter) {
    for (var s of new Intl.Segmenter('ru', { granularity: 'word' }).segment(text)) if (s.isWordLike) out.push([s.index, s.segment]);
  } else {
    var re = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu, m;
    while ((m = re.exec(text))) out.push([m.index, m[0]]);
  }
  return out;
}

/** Splits a query into words; hyphenated compounds stay whole; quotes make a phrase. */
function parseQuery(q) {
  var list = [], ws = words(q), i = 0;
  while (i < ws.length) {
    var j = i;
    while (j + 1 < ws.length && /^[-‐‑]$/.test(q.slice(ws[j][0] + ws[j][1].length, ws[j + 1][0]))) j++;
    var start = ws[i][0], end = ws[j][0] + ws[j][1].length, raw = normalize(q.slice(start, end)).replace(/[‐‑]/g, '-');
    var before = q.slice(0, start), quoted = ((before.match(/["«»“”]/g) || []).length % 2) == 1;
    var t = termOf(raw);
    if (t) list.push({ raw: raw, term: t, typing: end == q.length && !/[\s"»”]$/.test(q), quoted: quoted });
    i = j + 1;
  }
  return list;
}

/* ==== Index access ==== */
function varint(b, p) { var v = 0, s = 0, x; do { x = b[p.i++]; v += (x & 127) * Math.pow(2, s); s += 7; } while (x & 128); return v; }

function parseShard(bytes) {
  var p = { i: 0 }, n = varint(bytes, p), map = new Map(), prev = new Uint8Array(0), dec = new TextDecoder();
  for (var k = 0; k < n; k++) {
    var shared = varint(bytes, p), len = varint(bytes, p), cur = new Uint8Array(shared + len);
    cur.set(prev.subarray(0, shared)); cur.set(bytes.subarray(p.i, p.i + len), shared); p.i += len; prev = cur;
    var df = varint(bytes, p), docs = new Uint32Array(df), d = 0;
    for (var m = 0; m < df; m++) { d = m ? d + varint(bytes, p) : varint(bytes, p); docs[m] = d; }
    map.set(dec.decode(cur), { docs: docs, weights: bytes.subarray(p.i, p.i + df) }); p.i += df;
  }
  return map;
}

async function gunzip(buf) {
  var b = new Uint8Array(buf);
  if (b[0] != 0x1f || b[1] != 0x8b) return b; // the host already decompressed it
  var s = new Blob([b]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

function Engine(base, fetchBytes) {
  this.base = base;
  this.fetch = fetchBytes || function (url) {
    return fetch(url).then(function (r) { if (!r.ok) throw new Error(url + ': ' + r.status); return r.arrayBuffer(); }).then(gunzip);
  };
  this.cache = new Map();
}

Engine.prototype.get = function (path) {
  if (!this.cache.has(path)) this.cache.set(path, this.fetch(this.base + path));
  return this.cache.get(path);
};

Engine.prototype.load = async function () {
  if (this.manifest) return this.manifest;
  var m = JSON.parse(new TextDecoder().decode(await this.get('manifest.json')));
  var f = await this.get(m.facets), n = m.docs;
  this.facets = { region: f.subarray(0, n), sector: f.subarray(n, 2 * n), year: f.subarray(2 * n, 3 * n) };
  this.facets.district = this.facets.region.map(function (r) { return m.regions[r][2] + 1; }); // 0 = federal
  return (this.manifest = m);
};

/** Index of the shard that may hold `term`. */
Engine.prototype.shardFor = function (term) {
  var s = this.manifest.shards, lo = 0, hi = s.length - 1;
  while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (s[mid] <= term) lo = mid; else hi = mid - 1; }
  return lo;
};

Engine.prototype.shard = function (i) {
  var key = 'shard' + i, self = this;
  if (!this.cache.has(key)) this.cache.set(key, this.get('s/' + i + '.bin?v=' + this.manifest.version).then(parseShard));
  return this.cache.get(key);
};

/** Documents matching one query word: doc → score. */
Engine.prototype.match = async function (w, notices) {
  var N = this.manifest.docs, scores = new Map(), self = this;
  function add(p) {
    var df = p.docs.length, idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
    for (var k = 0; k < df; k++) { var s = idf * p.weights[k] / 255; if (s > (scores.get(p.docs[k]) || 0)) scores.set(p.docs[k], s); }
  }
  var home = await this.shard(this.shardFor(w.term)), exact = home.get(w.term);
  if (exact) add(exact);
  if (w.typing && w.raw.length >= 2) {
    var first = this.shardFor(w.raw), last = Math.min(this.shardFor(w.raw + '\uffff'), first + 2);
    for (var i = first; i <= last; i++) (await this.shard(i)).forEach(function (p, t) { if (t.startsWith(w.raw)) add(p); });
  }
  if (!scores.size && w.raw.length >= 5) {
    var best = null;
    home.forEach(function (p, t) { if (osa(t, w.term) == 1 && (!best || p.docs.length > best[1].docs.length)) best = [t, p]; });
    if (best) { add(best[1]); w.corrected = best[0]; notices.push(w); }
  }
  return scores;
};

function osa(a, b) {
  if (Math.abs(a.length - b.length) > 1) return 2;
  var d = [], i, j;
  for (i = 0; i <= a.length; i++) { d[i] = [i]; }
  for (j = 0; j <= b.length; j++) d[0][j] = j;
  for (i = 1; i <= a.length; i++) for (j = 1; j <= b.length; j++) {
    var c = a[i - 1] == b[j - 1] ? 0 : 1;
    d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + c);
    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
  }
  return d[a.length][b.length];
}

var FACETS = ['district', 'region', 'sector', 'year'];

/**
 * Runs a query. `filters` maps a facet to a Set of value indices (years as offsets).
 * Returns the ranked documents, facet counts that follow the query, and notices.
 */
Engine.prototype.search = async function (q, filters, sort) {
  var m = await this.load(), list = parseQuery(q || ''), notices = [], self = this, mode = 'and';
  var maps = await Promise.all(list.map(function (w) { return self.match(w, notices); }));
  var hits;
  if (!list.length) {
    hits = new Map(); for (var d = 0; d < m.docs; d++) hits.set(d, 0);
  } else {
    hits = intersect(maps);
    if (!hits.size && maps.length > 1) { hits = union(maps); if (hits.size) mode = 'or'; }
  }
  var f = this.facets, counts = {};
  function passes(doc, skip) {
    for (var k = 0; k < FACETS.length; k++) {
      var name = FACETS[k], sel = filters && filters[name];
      if (name != skip && sel && sel.size && !sel.has(f[name][doc])) return false;
    }
    return true;
  }
  FACETS.forEach(function (name) { counts[name] = new Map(); });
  var results = [];
  hits.forEach(function (score, doc) {
    for (var k = 0; k < FACETS.length; k++) {
      var name = FACETS[k];
      if (passes(doc, name)) counts[name].set(f[name][doc], (counts[name].get(f[name][doc]) || 0) + 1);
    }
    if (passes(doc, null)) results.push([doc, score]);
  });
  var byScore = function (a, b) { return b[1] - a[1] || a[0] - b[0]; };
  results.sort(sort == 'year' || !list.length ? function (a, b) { return a[0] - b[0]; } : byScore);
  var phrase = list.filter(function (w) { return w.quoted; }).map(function (w) { return w.corrected || w.term; });
  if (phrase.length > 1 && results.length) await this.boostPhrase(results, phrase, sort == 'year' ? null : byScore);
  return { results: results, counts: counts, words: list, corrected: notices, mode: mode };
};

/**
 * A phrase in quotes: among the best candidates, those whose text (title, summary, the start
 * of the body) has the words in this order come first. The index keeps no positions, so the
 * check reads the result text that is downloaded for display anyway.
 */
Engine.prototype.boostPhrase = async function (results, phrase, order) {
  var top = results.slice(0, PHRASE_CANDIDATES), docs = await this.docs(top.map(function (r) { return r[0]; }));
  top.forEach(function (r, k) {
    var terms = words(docs[k].join(' \n ')).map(function (w) { return termOf(normalize(w[1])); }).filter(Boolean);
    for (var i = 0; i + phrase.length <= terms.length; i++) {
      if (phrase.every(function (t, j) { return terms[i + j] == t; })) { r[1] += PHRASE_BONUS; r.push(true); return; }
    }
  });
  if (order) results.sort(function (a, b) { return (b[2] ? 1 : 0) - (a[2] ? 1 : 0) || order(a, b); });
};

var PHRASE_CANDIDATES = 30, PHRASE_BONUS = 100;

function intersect(maps) {
  var out = new Map(), smallest = maps.reduce(function (a, b) { return a.size <= b.size ? a : b; });
  smallest.forEach(function (_, doc) {
    var sum = 0;
    for (var k = 0; k < maps.length; k++) { var s = maps[k].get(doc); if (s === undefined) return; sum += s; }
    out.set(doc, sum);
  });
  return out;
}

function union(maps) {
  var out = new Map();
  maps.forEach(function (mp) { mp.forEach(function (s, doc) { out.set(doc, (out.get(doc) || 0) + s); }); });
  return out;
}

/** Result text of documents: [title, url, summary, text]. */
Engine.prototype.docs = async function (ids) {
  var g = this.manifest.group, self = this;
  var files = await Promise.all(ids.map(function (d) { return self.get('r/' + Math.floor(d / g) + '.bin?v=' + self.manifest.version); }));
  return ids.map(function (d, k) {
    var key = 'rows' + Math.floor(d / g);
    if (!self.cache.has(key)) self.cache.set(key, JSON.parse(new TextDecoder().decode(files[k])));
    return self.cache.get(key)[d % g];
  });
};

/** Ranges of `text` whose words match the query (same pipeline, so every form is found). */
function highlights(text, list) {
  var out = [];
  words(text).forEach(function (w) {
    var n = normalize(w[1]), t = termOf(n);
    if (list.some(function (q) { return t && (t == q.term || t == q.corrected || (q.typing && q.raw.length >= 2 && n.startsWith(q.raw))); }))
      out.push([w[0], w[0] + w[1].length]);
  });
  return out;
}
/* ==== The search page ==== */
function plural(n, one, few, many) {
  var a = n % 10, b = n % 100;
  return n + '\u00a0' + (a == 1 && b != 11 ? one : a >= 2 && a <= 4 && (b < 12 || b > 14) ? few : many);
}

function el(tag, attrs, kids) {
  var e = document.createElement(tag);
  for (var k in attrs || {}) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
  (kids || []).forEach(function (c) { if (c != null) e.append(c); });
  return e;
}

/** Text with <mark> around the given ranges; at most `max` characters around the first one. */
function marked(text, ranges, max) {
  var from = 0, to = text.length;
  if (max && text.length > max) {
    var at = ranges.length ? ranges[0][0] : 0;
    from = Math.max(0, at - (ranges.length ? max / 3 : 0)) | 0;
    var space = text.lastIndexOf(' ', from); if (from > 0 && space > from - 30) from = space + 1;
    to = Math.min(text.length, from + max);
    var end = text.indexOf(' ', to); if (end > 0 && end < to + 30) to = end;
  }
  var out = [], pos = from;
  if (from > 0) out.push('…');
  ranges.forEach(function (r) {
    if (r[0] < pos || r[1] > to) return;
    out.push(text.slice(pos, r[0]), el('mark', {}, [text.slice(r[0], r[1])]));
    pos = r[1];
  });
  out.push(text.slice(pos, to));
  if (to < text.length) out.push('…');
  return out;
}

function startPage(app) {
  var base = app.getAttribute('data-index'), engine = new Engine(base), PAGE = 10;
  window.__praktikaEngine = engine; // for benchmarks and debugging
  var form = document.getElementById('search-form'), input = form.querySelector('input[name=q]');
  var status = document.getElementById('search-status'), notice = document.getElementById('search-notice');
  var list = document.getElementById('search-results'), more = document.getElementById('search-more');
  var facetsBox = document.getElementById('search-facets'), sortBox = document.getElementById('search-sort');
  var LEGEND = { district: 'Федеральный округ', region: 'Регион', sector: 'Сфера', year: 'Год' };
  var state = { q: '', sort: 'relevance', filters: {} }, shown = 0, last = null, timer = 0, run = 0;

  if (typeof DecompressionStream == 'undefined') {
    status.textContent = 'Этот браузер не поддерживает поиск по сайту. Воспользуйтесь разделами ниже.';
    return;
  }
  app.hidden = false;
  var fallback = document.getElementById('search-fallback'); if (fallback) fallback.hidden = true;

  function values(m, name) {
    if (name == 'region') return m.regions.map(function (r) { return [r[0], r[1]]; });
    if (name == 'district') return [['Федеральный уровень', 'federal']].concat(m.districts);
    if (name == 'sector') return m.sectors;
    var years = []; for (var y = 0; y < 256; y++) years.push([String(m.first_year + y), String(m.first_year + y)]);
    return years;
  }

  function readUrl() {
    var p = new URLSearchParams(location.search), m = engine.manifest;
    state.q = p.get('q') || ''; state.sort = p.get('sort') == 'year' ? 'year' : 'relevance'; state.filters = {};
    FACETS.forEach(function (name) {
      var slugs = p.getAll(name), vals = values(m, name), set = new Set();
      vals.forEach(function (v, i) { if (slugs.indexOf(v[1]) >= 0) set.add(i); });
      state.filters[name] = set;
    });
    input.value = state.q; sortBox.value = state.sort;
  }

  function writeUrl(push) {
    var p = new URLSearchParams(), m = engine.manifest;
    if (state.q) p.set('q', state.q);
    FACETS.forEach(function (name) {
      var vals = values(m, name);
      Array.from(state.filters[name]).sort(function (a, b) { return a - b; }).forEach(function (i) { p.append(name, vals[i][1]); });
    });
    if (state.sort == 'year') p.set('sort', 'year');
    var url = location.pathname + (p.toString() ? '?' + p : '');
    if (url != location.pathname + location.search) history[push ? 'pushState' : 'replaceState'](null, '', url);
  }

  async function update() {
    var mine = ++run, res = await engine.search(state.q, state.filters, state.sort);
    if (mine != run) return;
    last = res; shown = 0; list.textContent = '';
    renderFacets(res);
    var n = res.results.length;
    status.textContent = n ? 'Найдено: ' + plural(n, 'практика', 'практики', 'практик') : 'Ничего не найдено' + (state.q ? ' по запросу «' + state.q + '»' : '');
    await renderNotice(res);
    await showMore();
  }

  async function renderNotice(res) {
    var parts = [];
    for (var w of res.corrected) {
      var form = w.corrected, top = res.results.slice(0, 3).map(function (r) { return r[0]; });
      if (top.length) (await engine.docs(top)).some(function (d) {
        return words(d.join(' ')).some(function (x) { if (termOf(normalize(x[1])) == w.corrected) { form = x[1].toLowerCase(); return true; } });
      });
      parts.push('Показаны результаты по запросу «' + form + '» вместо «' + w.raw + '».');
    }
    if (res.mode == 'or') parts.push('Ни одна практика не содержит всех слов запроса — показаны совпадения с любым из них.');
    notice.textContent = parts.join(' ');
    notice.hidden = !parts.length;
  }

  async function showMore() {
    var res = last, slice = res.results.slice(shown, shown + PAGE), m = engine.manifest;
    var docs = await engine.docs(slice.map(function (r) { return r[0]; }));
    if (res != last) return;
    docs.forEach(function (d, k) {
      var doc = slice[k][0], f = engine.facets, region = m.regions[f.region[doc]], sector = m.sectors[f.sector[doc]];
      var snippetText = d[2] + (d[3] ? ' ' + d[3] : ''), hl = highlights(snippetText, res.words);
      list.append(el('li', { class: 'search-result' }, [
        el('h3', {}, [el('a', { href: d[1] }, marked(d[0], highlights(d[0], res.words)))]),
        el('p', { class: 'card-facts' }, [region[0] + ' · ' + sector[0] + ' · ' + (m.first_year + f.year[doc])]),
        el('p', { class: 'snippet' }, marked(snippetText, hl, 240))
      ]));
    });
    shown += slice.length;
    more.hidden = shown >= res.results.length;
  }

  function renderFacets(res) {
    var m = engine.manifest, focused = document.activeElement && document.activeElement.id;
    facetsBox.textContent = '';
    FACETS.forEach(function (name) {
      var vals = values(m, name), counts = res.counts[name], sel = state.filters[name], items = [];
      vals.forEach(function (v, i) { if (counts.get(i) || sel.has(i)) items.push(i); });
      if (name == 'year') items.reverse();
      else if (name == 'region') items.sort(function (a, b) { return (counts.get(b) || 0) - (counts.get(a) || 0) || vals[a][0].localeCompare(vals[b][0], 'ru'); });
      if (!items.length) return;
      var box = el('fieldset', { class: 'facet' }, [el('legend', {}, [LEGEND[name]])]);
      items.forEach(function (i) {
        var id = 'f-' + name + '-' + vals[i][1];
        var cb = el('input', { type: 'checkbox', id: id, name: name, value: vals[i][1] });
        cb.checked = sel.has(i);
        cb.addEventListener('change', function () { if (cb.checked) sel.add(i); else sel.delete(i); writeUrl(true); update(); });
        box.append(el('div', { class: 'facet-option' }, [cb, el('label', { for: id }, [vals[i][0] + ' ', el('span', { class: 'count' }, ['(' + (counts.get(i) || 0) + ')'])])]));
      });
      facetsBox.append(box);
    });
    if (focused) { var again = document.getElementById(focused); if (again) again.focus(); }
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = input.value; writeUrl(false); update(); }, 120);
  });
  form.addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); state.q = input.value; writeUrl(true); update(); });
  sortBox.addEventListener('change', function () { state.sort = sortBox.value; writeUrl(true); update(); });
  more.addEventListener('click', function () { var first = shown; showMore().then(function () { var a = list.children[first] && list.children[first].querySelector('a'); if (a) a.focus(); }); });
  window.addEventListener('popstate', function () { readUrl(); update(); });
  engine.load().then(function () { readUrl(); update(); }, function () { status.textContent = 'Не удалось загрузить поисковый индекс.'; });
}

if (typeof document != 'undefined') {
  var app = document.getElementById('search-app');
  if (app) startPage(app);
} else {
  globalThis.PraktikaSearch = { Engine: Engine, parseQuery: parseQuery, termOf: termOf, normalize: normalize, highlights: highlights };
}
})();
