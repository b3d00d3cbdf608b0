#!/usr/bin/env bash
# Praktika's benchmark: generated libraries of 1 000 and 10 000 practices (100 000 with
# FULL=1), timed with /usr/bin/time -v (wall time and peak memory, median of RUNS runs with
# min–max), side by side with Hugo on the same pages when `hugo` is installed; builds again
# into the same folder (up to 10 000 practices); plus `check`,
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

cargo build --release --quiet --bin praktika --example corpus --example index_time
BIN=$PWD/target/release/praktika

# Every run writes a new output folder under $RUNS_DIR; all are removed only at the end, and
# the next benchmark waits until those removals are six minutes old. ext4 without a journal
# (this machine's disk) will not reuse an inode freed in the last minute, or in the last six
# while its inode-table block is dirty, which a build's new files keep it: it scans past each
# such inode for every new file. Building right after deleting a previous output (~30 000
# inodes) measured the deletion more than the build, growing run after run (system time
# 4.8 s, 8.6 s, 13.3 s in three consecutive runs). A CI job's clean checkout has nothing
# recently deleted.
RUNS_DIR=$WORK/runs
REMOVED_AT=$WORK/runs-removed-at
if [ -d "$RUNS_DIR" ]; then
  rm -rf "$RUNS_DIR"; sync
  date +%s >"$REMOVED_AT"
fi
if [ -f "$REMOVED_AT" ]; then
  wait_s=$(( $(cat "$REMOVED_AT") + 370 - $(date +%s) ))
  if [ "$wait_s" -gt 0 ]; then
    echo "waiting $wait_s s for the inodes of an earlier run's outputs to age (ext4)" >&2
    sleep "$wait_s"
  fi
fi
mkdir -p "$RUNS_DIR"
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
  rm -rf "$RUNS_DIR"; date +%s >"$REMOVED_AT"
}
trap cleanup EXIT

# Runs a command RUNS times and prints "median min max peak_mb" of the runs. The output
# folder (the argument @OUT@) is a new one for each run, or with `same`, one folder that a
# first, untimed run creates: the next runs replace it, as an editor building again does
# (from the second on, Praktika updates the output it kept from the build before last).
measure() {
  local name=$1 mode=$2; shift 2
  [ "$mode" = same ] && "${@//@OUT@/$RUNS_DIR/$name}" >/dev/null 2>&1
  local times=() peaks=()
  for run in $(seq "$RUNS"); do
    local out="$RUNS_DIR/$name-$run"
    [ "$mode" = same ] && out="$RUNS_DIR/$name"
    sync; sleep 1
    /usr/bin/time -v "${@//@OUT@/$out}" >/dev/null 2>"$WORK/time.log"
    times+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print (length(t) == 3 ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2])}' "$WORK/time.log")")
    peaks+=("$(awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$WORK/time.log")")
  done
  local sorted; sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  local median; median=$(echo "$sorted" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  local peak; peak=$(printf '%s\n' "${peaks[@]}" | sort -g | tail -1)
  echo "$median $(echo "$sorted" | head -1) $(echo "$sorted" | tail -1) $peak"
}

rows=()
index_times=()
for n in $SIZES; do
  corpus="$WORK/corpus-$n"
  hugo_args=()
  command -v hugo >/dev/null && hugo_args=(--hugo "$WORK/hugo-$n")
  [ -d "$corpus" ] || ./target/release/examples/corpus --practices "$n" --out "$corpus" "${hugo_args[@]}" 2>/dev/null
  # Every run's output is kept until the end: ~44 KB a practice on ext4 (Hugo's less).
  copies=$RUNS
  [ ${#hugo_args[@]} -gt 0 ] && [ -d "$WORK/hugo-$n" ] && copies=$((2 * RUNS))
  need_mb=$(( n * 44 * (copies + 2) / 1024 ))
  free_mb=$(df -Pm "$WORK" | awk 'NR == 2 {print $4}')
  if [ "$free_mb" -lt "$need_mb" ]; then
    echo "not enough disk space for $n practices: $free_mb MB free, about $need_mb MB needed" >&2
    exit 1
  fi
  read -r med min max peak < <(measure "praktika-$n" new "$BIN" build --root "$corpus" --output @OUT@)
  row="| $n | praktika build | ${med} s | ${min}–${max} s | ${peak} MB |"
  if command -v hugo >/dev/null && [ -d "$WORK/hugo-$n" ]; then
    read -r hmed hmin hmax hpeak < <(measure "hugo-$n" new hugo --quiet --source "$WORK/hugo-$n" --destination @OUT@)
    ratio=$(awk -v a="$med" -v b="$hmed" 'BEGIN {printf "%.3f", a / b}')
    rows+=("$row ${ratio} × Hugo |")
    rows+=("| $n | hugo ($(hugo version | awk '{print $2}')) | ${hmed} s | ${hmin}–${hmax} s | ${hpeak} MB | |")
  else
    rows+=("$row $(command -v hugo >/dev/null && echo '(no Hugo site at this size)' || echo '(hugo not installed)') |")
  fi
  if [ "$n" -le 10000 ]; then
    read -r amed amin amax apeak < <(measure "again-$n" same "$BIN" build --root "$corpus" --output @OUT@)
    rows+=("| $n | praktika build, again into the same folder | ${amed} s | ${amin}–${amax} s | ${apeak} MB | |")
  fi
  read -r cmed cmin cmax cpeak < <(measure "check-$n" new "$BIN" check --root "$corpus")
  rows+=("| $n | praktika check | ${cmed} s | ${cmin}–${cmax} s | ${cpeak} MB | |")
  # The search index on its own (inside a build it is made while pages are written), once
  # the outputs written so far are on the disk: writeback would take CPU from it.
  sync
  index_times+=("$(./target/release/examples/index_time --root "$corpus" --runs "$RUNS")")
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
  sync
  port=$((20000 + RANDOM % 20000))
  "$BIN" serve --port "$port" --root "$WORK/corpus-$n" >"$WORK/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 240); do grep -q "Serving at" "$WORK/serve.log" && break; sleep 0.5; done
  file=$(ls "$WORK/corpus-$n/content/practices/" | sed -n 500p)
  reload=$(node bench/reload-latency.mjs "http://127.0.0.1:$port/" "$WORK/corpus-$n/content/practices/$file" 7)
  retitle=$(node bench/reload-latency.mjs "http://127.0.0.1:$port/" "$WORK/corpus-$n/content/practices/$file" 7 title)
  retag=$(node bench/reload-latency.mjs "http://127.0.0.1:$port/" "$WORK/corpus-$n/content/practices/$file" 7 tags)
  kill "$serve_pid"; serve_pid=""; rm -rf "$WORK/corpus-$n/public"
  extra+=$'\n'"serve, save one practice → reload event, $n practices: $reload"$'\n'
  extra+=$'\n'"serve, the same with its title edited (front matter): $retitle"$'\n'
  extra+=$'\n'"serve, the same with a tag added (taxonomies change): $retag"$'\n'
fi

{
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); runs per figure: $RUNS; each run builds into a new output folder (all removed at the end), except \"again into the same folder\", which replaces one folder each run."
  echo
  echo "| practices | command | median wall | min–max | peak memory | ratio |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  printf 'Search index build alone (examples/index_time.rs, all cores): %s\n' "${index_times[@]}"
  echo "$extra"
} | tee "$OUT/results.md"
