#!/usr/bin/env bash
# Cold `tokmix infer` (issue 24 item 2): the run a newcomer's first command makes, with an empty
# tokmix cache each time, for a base build and for this build, alternated in one run.
# Usage: [WARM=1] bench/cold-infer.sh [rounds] [base commit] [infer arguments...]
#   (defaults: 3, 08fd260, gpt-4o). PACKAGES=<folder> names an existing <cache>/packages folder of
#   fetched packages (quran-json, spam-assassin); without it one un-timed run of the base fetches
#   them, so the network is never timed. KEEP=1 keeps the temp folder.
# Prints per run: wall and CPU (user+sys) seconds (WARM=1: also of the same command run again on
# that cache); then the medians, new/base ratios, and whether every category's byte and pair shares
# in result.json (of every cold and warm run) are identical to the base's first.
set -u
rounds=${1:-3}
base_rev=${2:-08fd260}
shift $(($# < 2 ? $# : 2))
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(gpt-4o)
here=$(git rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/tokmix-cold-XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; node $(node --version)"
echo "base: $(git -C "$here" log --oneline -1 "$base_rev"); new: $(git -C "$here" log --oneline -1) ($(git -C "$here" status --porcelain | wc -l) uncommitted files)"
echo "command: tokmix infer ${args[*]} --out <fresh> --force, TOKMIX_CACHE=<fresh, packages linked>"

# Builds: the base from git (its node_modules linked to this checkout's), this checkout as it is.
mkdir -p "$work/base"
git -C "$here" archive "$base_rev" | tar -x -C "$work/base"
ln -s "$(readlink -f "$here/node_modules")" "$work/base/node_modules"
(cd "$work/base" && npx tsc -p tsconfig.json) || exit 1
(cd "$here" && npx tsc -p tsconfig.json) || exit 1

# run BUILD_DIR OUT_DIR: one run on OUT_DIR's cache (empty the first time: cold; WARM=1 runs
# again on it); prints "wall cpu" seconds, or fails.
run() {
  local cache="$2/cache"
  if [ ! -d "$cache" ]; then
    mkdir -p "$cache"
    [ -z "$packages" ] || ln -s "$packages" "$cache/packages"
  fi
  TOKMIX_CACHE="$cache" /usr/bin/time -f '%e %U %S' -o "$2/time" \
    node "$1/bin/run.js" infer "${args[@]}" --out "$2/out" --force >"$2/stdout" 2>"$2/stderr" || {
    echo "run in $1 failed: $(tail -3 "$2/stderr")" >&2
    return 1
  }
  awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$2/time"
}

packages=${PACKAGES:-}
if [ -z "$packages" ]; then
  run "$work/base" "$work/prefetch" >/dev/null || exit 1
  packages="$work/prefetch/cache/packages"
  echo "packages fetched once (not timed): $(ls "$packages" 2>/dev/null | tr '\n' ' ')"
fi

# Alternated: base first in odd rounds, new first in even ones.
for round in $(seq 1 "$rounds"); do
  order=(base new)
  [ $((round % 2)) = 0 ] && order=(new base)
  for which in "${order[@]}"; do
    dir="$work/$which-$round"
    build=$([ "$which" = base ] && echo "$work/base" || echo "$here")
    mkdir -p "$dir"
    times=$(run "$build" "$dir") || exit 1
    echo "$which $times" >>"$work/times"
    printf 'round %d %-4s wall %6s s  cpu %6s s  (load %s)\n' "$round" "$which" ${times} "$(cut -d' ' -f1 /proc/loadavg)"
    if [ "${WARM:-0}" = 1 ]; then
      cp "$dir/out/result.json" "$dir/cold-result.json"
      times=$(run "$build" "$dir") || exit 1
      echo "$which-warm $times" >>"$work/times"
      printf '        %-4s warm %6s s  cpu %6s s  (load %s)\n' "$which" ${times} "$(cut -d' ' -f1 /proc/loadavg)"
    fi
  done
done

# Medians and ratios, and the shares check (every run of both builds against the first base run).
node - "$work" "$rounds" <<'EOF'
const { existsSync, readFileSync } = require('node:fs');
const [work, rounds] = [process.argv[2], Number(process.argv[3])];
const rows = readFileSync(`${work}/times`, 'utf8').trim().split('\n').map((l) => l.split(' '));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stat = (which, k) => median(rows.filter((r) => r[0] === which).map((r) => Number(r[k])));
for (const kind of ['', '-warm']) {
  if (!rows.some((r) => r[0] === `base${kind}`)) continue;
  for (const [k, name] of [[1, 'wall'], [2, 'cpu']]) {
    const base = stat(`base${kind}`, k), next = stat(`new${kind}`, k);
    console.log(`median ${kind ? 'warm ' : ''}${name}: base ${base.toFixed(2)} s, new ${next.toFixed(2)} s, new/base ${(next / base).toFixed(3)}`);
  }
}
const shares = (dir) => JSON.parse(readFileSync(`${work}/${dir}/out/result.json`, 'utf8')).categories.map((c) => [c.name, c.byteShare, c.pairShare]);
const first = existsSync(`${work}/base-1/cold-result.json`) ? 'base-1/cold-result.json' : 'base-1/out/result.json';
const reference = JSON.stringify(JSON.parse(readFileSync(`${work}/${first}`, 'utf8')).categories.map((c) => [c.name, c.byteShare, c.pairShare]));
const differ = [];
let compared = 0;
for (let r = 1; r <= rounds; r++) for (const w of ['base', 'new']) {
  compared++;
  if (JSON.stringify(shares(`${w}-${r}`)) !== reference) differ.push(`${w}-${r}`);
  if (existsSync(`${work}/${w}-${r}/cold-result.json`)) {
    compared++;
    const cold = JSON.parse(readFileSync(`${work}/${w}-${r}/cold-result.json`, 'utf8')).categories.map((c) => [c.name, c.byteShare, c.pairShare]);
    if (JSON.stringify(cold) !== reference) differ.push(`${w}-${r} (cold)`);
  }
}
console.log(differ.length === 0 ? `shares: identical in all ${compared} runs (${JSON.parse(reference).length} categories)` : `shares: DIFFER in ${differ.join(', ')}`);
process.exitCode = differ.length === 0 ? 0 : 1;
EOF
status=$?
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
