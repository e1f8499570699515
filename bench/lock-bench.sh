#!/usr/bin/env bash
# Benchmark: lock+unlock pairs per second of the locking engine (FileLocks.TryLock + Release, warm, in a tight loop)
# against a C loop compiled here with cc on the same filesystem making the same calls: OFD fcntl F_OFD_SETLK/F_UNLCK
# and flock on one open descriptor, each with and without a stat of the path (the replaced-file check), and full
# dotlock cycles (open O_EXCL + write pid:host + close + unlink). Prints per method ours/s, C/s
# and the ratio (goal: at least 0.8), on /tmp and on a tmpfs mounted for the run (needs root; skipped otherwise),
# the same OFD calls made straight through P/Invoke with nothing else (the ceiling of any .NET engine: what is
# left between it and the engine's rows is the engine's own cost per pair),
# then the release-to-acquire latency of a waiter blocked in FileLocks.Lock.
#   bench/lock-bench.sh [pairs]       (default 400000)
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-400000}
work=$(mktemp -d /tmp/mailstorage-lock-bench.XXXXXX)
tmpfs="$work/tmpfs"
cleanup() {
  if mountpoint -q "$tmpfs" 2>/dev/null; then umount "$tmpfs" || umount -l "$tmpfs"; fi
  rm -rf "$work"
}
trap cleanup EXIT
cc -O2 -o "$work/lockloop" bench/LockBench/lockloop.c
dotnet build bench/LockBench -c Release -v quiet -nologo >/dev/null
bench=artifacts/bin/LockBench/release/LockBench.dll

mkdir -p "$work/disk"
echo "== /tmp ($(stat -f -c %T "$work/disk"))"
dotnet "$bench" "$work/disk" "$work/lockloop" "$pairs"
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$tmpfs"
  mount -t tmpfs -o size=16m mailstorage-lock-bench "$tmpfs"
  echo
  echo "== tmpfs"
  dotnet "$bench" "$tmpfs" "$work/lockloop" "$pairs"
else
  echo "(not root: no tmpfs run)"
fi
