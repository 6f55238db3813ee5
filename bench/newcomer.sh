#!/usr/bin/env bash
# What a newcomer does (issue 24), in a temp folder with a fresh HOME and an empty npm cache: clone,
# `npm install` (time, size of node_modules), the quick-start command twice (time, exit code,
# output folder), then `tokmix infer gemma3` twice (its tokenizer is fetched on first use).
# Usage: bench/newcomer.sh [repository] [branch]   (defaults: this clone, its current branch)
# Prints one line per step; the temp folder is removed at the end (KEEP=1 keeps it).
set -u
repo=${1:-$(git rev-parse --show-toplevel)}
branch=${2:-$(git -C "$repo" rev-parse --abbrev-ref HEAD)}
work=$(mktemp -d "${TMPDIR:-/tmp}/tokmix-newcomer-XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
export HOME="$work/home" npm_config_cache="$work/npm-cache"
unset TOKMIX_CACHE
mkdir -p "$HOME"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); node $(node --version); npm $(npm --version); $(nproc) cores"

# step NAME COMMAND...: runs it, prints seconds and exit code, keeps its output in $work/NAME.log
step() {
  local name=$1
  shift
  local start end code
  start=$(date +%s.%N)
  "$@" >"$work/$name.out" 2>"$work/$name.err"
  code=$?
  end=$(date +%s.%N)
  printf '%-22s %7.1f s  exit %d\n' "$name" "$(echo "$end - $start" | bc)" "$code"
}

step clone git clone -q --branch "$branch" "$repo" "$work/tokmix"
cd "$work/tokmix" || exit 1
echo "commit: $(git log --oneline -1)"
step npm-install npm install --no-audit --no-fund
echo "node_modules: $(du -sh node_modules | cut -f1) ($(du -s --block-size=1M node_modules | cut -f1) MB), npm cache: $(du -sh "$npm_config_cache" | cut -f1)"
for run in 1 2; do
  step "infer-gpt-4o-$run" npx tokmix infer gpt-4o
  echo "  $(grep -h 'results written to' "$work/infer-gpt-4o-$run.out") | $(grep -h '^tokmix:' "$work/infer-gpt-4o-$run.err" | head -3 | tr '\n' ' ')"
done
for run in 1 2; do
  step "infer-gemma3-$run" npx tokmix infer gemma3
  echo "  $(grep -h 'results written to' "$work/infer-gemma3-$run.out") | $(grep -h '^tokmix:' "$work/infer-gemma3-$run.err" | head -3 | tr '\n' ' ')"
done
echo "results: $(ls results | tr '\n' ' ')"
echo "cache: $(du -sh "$HOME/.cache/tokmix" | cut -f1); fetched: $(ls "$HOME/.cache/tokmix/packages" | tr '\n' ' ')"
du -sh "$HOME/.cache/tokmix/packages/"* | sed 's/^/  /'
