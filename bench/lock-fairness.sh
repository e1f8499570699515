#!/usr/bin/env bash
# Benchmark (issue 15): waiting for dovecot.index.log among Dovecot-like writers. N writers (C processes compiled
# here with cc: blocking classic fcntl F_SETLKW or flock, hold 5 ms, release, pause 1 ms) contend; then our waiter
# (FileLocks.Lock, as Lock-MailIndex and Repair-MailIndex wait) and a C waiter blocked in F_SETLKW / flock each take
# the lock the given number of times. Prints median and maximum wait of each, the ratio, and whether the goal is met
# (our median at most 3x the C waiter's + 20 ms, our maximum under 500 ms); exits 1 when it is not.
#   bench/lock-fairness.sh [acquisitions] [writers]      (default 10 and 4, as measured in the issue)
set -euo pipefail
cd "$(dirname "$0")/.."
acquisitions=${1:-10}
writers=${2:-4}
work=$(mktemp -d /tmp/mailstorage-lock-fairness.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/lockloop" bench/LockBench/lockloop.c
dotnet build bench/LockBench -c Release -v quiet -nologo >/dev/null
dotnet artifacts/bin/LockBench/release/LockBench.dll fairness "$work" "$work/lockloop" "$acquisitions" "$writers"
