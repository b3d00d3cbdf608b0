#!/usr/bin/env bash
# Praktika's benchmark: generated libraries of 1 000 and 10 000 practices (100 000 with
# FULL=1), timed with /usr/bin/time -v (wall time and peak memory, median of RUNS runs with
# min–max), side by side with Hugo on the same pages when `hugo` is installed; plus `check`,
# the search download in headless Chromium, and the edit → reload time of `serve`.
# Prints a Markdown table and writes it to bench/out/results.md.
#
#   bench/run.sh              # RUNS=3 by default
#   RUNS=5 FULL=1 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZES=${SIZES:-"1000 10000"}
[ "${FULL:-0}" = 1 ] && SIZES="$SIZES 100000"
WORK=${WORK:-/tmp/praktika-bench}
OUT=bench/out
mkdir -p "$WORK" "$OUT"

cargo build --release --quiet --bin praktika --example corpus
BIN=$PWD/target/release/praktika

# Runs a command RUNS times with a clean output folder; prints "median min max peak_mb".
measure() {
  local clean=$1; shift
  local times=() peaks=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$clean"; sync; sleep 1
    /usr/bin/time -v "$@" >/dev/null 2>"$WORK/time.log"
    times+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print (length(t) == 3 ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2])}' "$WORK/time.log")")
    peaks+=("$(awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$WORK/time.log")")
  done
  local sorted; sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  local median; median=$(echo "$sorted" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  local peak; peak=$(printf '%s\n' "${peaks[@]}" | sort -g | tail -1)
  echo "$median $(echo "$sorted" | head -1) $(echo "$sorted" | tail -1) $peak"
}

rows=()
for n in $SIZES; do
  corpus="$WORK/corpus-$n"
  hugo_args=()
  command -v hugo >/dev/null && hugo_args=(--hugo "$WORK/hugo-$n")
  [ -d "$corpus" ] || ./target/release/examples/corpus --practices "$n" --out "$corpus" "${hugo_args[@]}" 2>/dev/null
  read -r med min max peak < <(measure "$WORK/out-$n" "$BIN" build --root "$corpus" --output "$WORK/out-$n")
  row="| $n | praktika build | ${med} s | ${min}–${max} s | ${peak} MB |"
  if command -v hugo >/dev/null && [ -d "$WORK/hugo-$n" ]; then
    read -r hmed hmin hmax hpeak < <(measure "$WORK/hugo-out-$n" hugo --quiet --source "$WORK/hugo-$n" --destination "$WORK/hugo-out-$n")
    ratio=$(awk -v a="$med" -v b="$hmed" 'BEGIN {printf "%.3f", a / b}')
    rows+=("$row ${ratio} × Hugo |")
    rows+=("| $n | hugo ($(hugo version | awk '{print $2}')) | ${hmed} s | ${hmin}–${hmax} s | ${hpeak} MB | |")
  else
    rows+=("$row (hugo not installed) |")
  fi
  read -r cmed cmin cmax cpeak < <(measure "$WORK/none" "$BIN" check --root "$corpus")
  rows+=("| $n | praktika check | ${cmed} s | ${cmin}–${cmax} s | ${cpeak} MB | |")
done

extra=""
if [ -d tests/browser/node_modules/playwright-core ] && [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  n=$(echo "$SIZES" | awk '{print $2 ? $2 : $1}')
  "$BIN" build --root "$WORK/corpus-$n" --output "$WORK/out-$n" >/dev/null 2>&1
  extra+=$'\n'"Search download in headless Chromium, $n practices (search script + index files on the wire, host gzip for text):"$'\n\n'
  extra+="| query | KB | requests | results | compute (median of 30, cached) |"$'\n'"|---|---|---|---|---|"$'\n'
  while IFS= read -r line; do extra+="$line"$'\n'; done < <(node bench/search-bytes.mjs "$WORK/out-$n" "семьи" "поддержка семей" "газификация" \
    | node -e 'for (const r of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(`| ${r.query} | ${r.kb} | ${r.requests} | ${r.results} | ${r.compute_ms} ms |`)')

  rm -rf "$WORK/corpus-$n/public"
  port=$((20000 + RANDOM % 20000))
  "$BIN" serve --port "$port" --root "$WORK/corpus-$n" >"$WORK/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 240); do grep -q "Serving at" "$WORK/serve.log" && break; sleep 0.5; done
  file=$(ls "$WORK/corpus-$n/content/practices/" | sed -n 500p)
  reload=$(node bench/reload-latency.mjs "http://127.0.0.1:$port/" "$WORK/corpus-$n/content/practices/$file" 7)
  kill "$pid"; rm -rf "$WORK/corpus-$n/public"
  extra+=$'\n'"serve, save one practice → reload event, $n practices: $reload"$'\n'
fi

{
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); runs per figure: $RUNS; output folders removed before each run."
  echo
  echo "| practices | command | median wall | min–max | peak memory | ratio |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo "$extra"
} | tee "$OUT/results.md"
