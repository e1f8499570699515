#!/usr/bin/env bash
# Benchmark: memory and time on a big Dovecot tree (default 50 MB, about 1.2 M assignments; see
# bench/ConfigBench/BigConfig.cs), generated deterministically into a temporary folder. Runs doveconf -n on it as
# the anchor (and checks that we render exactly what it prints), the in-process read and read + lint, then the
# cmdlets through the built module in pwsh. Each line: wall and CPU time, and peak resident set (VmHWM, or
# /usr/bin/time's maximum RSS for a process) over the tree's size. Wall times mean little on a loaded machine;
# CPU times less so.
# Usage: bench/config-memory.sh [MB] [TENANTS_PER_FILTER]   (needs ./build.sh run once for the module)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

mb=${1:-50}
filter_every=${2:-1000}
[ -f artifacts/module/MailStorage.PowerShell.dll ] || { echo "build the module first: ./build.sh" >&2; exit 1; }
bench_build ConfigBench
bench() { dotnet artifacts/bin/ConfigBench/release/ConfigBench.dll "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
read -r conf size < <(bench --generate "$work/tree" "$mb" "$filter_every")
settings=$(cat "$work"/tree/dovecot.conf "$work"/tree/conf.d/*.conf | grep -c ' = ')
echo "tree: $conf and $(ls "$work/tree/conf.d" | wc -l) includes, $size bytes, $settings assignments"

# process LABEL COMMAND...: one process under /usr/bin/time, its figures over the tree's size.
process() {
  local label=$1
  shift
  /usr/bin/time -o "$work/time" -f '%e %U %S %M' "$@" > "$work/out" 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall user sys kb < "$work/time"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v kb="$kb" -v size="$size" \
    'BEGIN { printf "%-40s %6.1f s (%.1f s cpu)   peak RSS %7.0f MB (%5.1fx)\n", l, w, u + s, kb / 1024, kb * 1024 / size }'
}

process "doveconf -n" doveconf -c "$conf" -n
grep -v '^# ' "$work/out" > "$work/doveconf.txt"
bench --memory print "$conf" > "$work/ours.txt"
cmp -s "$work/doveconf.txt" "$work/ours.txt" && echo "rendered doveconf -n: identical to doveconf's" || echo "rendered doveconf -n: DIFFERS from doveconf's"

bench --memory read "$conf"
bench --memory lint "$conf"

pwsh_run() { process "$1" dotnet tool run pwsh -NoProfile -NonInteractive -Command "Import-Module ./MailStorage.psd1; $2"; }
pwsh_run "pwsh + Import-Module (baseline)" "\$null"
pwsh_run "Get-MailStorageConfig | Measure-Object" "Get-MailStorageConfig -Path '$conf' | Measure-Object | Out-Null"
pwsh_run "Get-MailStorageConfig -NonDefault | ConvertTo" "Get-MailStorageConfig -Path '$conf' -NonDefault | ConvertTo-DovecotConfig | Out-Null"
pwsh_run "Test-MailStorageConfig" "Test-MailStorageConfig -Path '$conf' | Out-Null"
