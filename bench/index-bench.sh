#!/usr/bin/env bash
# Benchmark: Get-MailIndexRecord's work in-process (MailboxState.Load + enumerating uid/flags/keywords, warm median)
# against one `doveadm fetch 'uid flags' mailbox INBOX all` process on a Maildir of N messages that Dovecot indexed
# itself (N tiny files dropped into new/, one doveadm mailbox status to sync them, a few flag changes). Needs root
# and dovecot-core.   bench/index-bench.sh [messages]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
n=${1:-100000}
work=$(mktemp -d /tmp/mailstorage-index-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
maildir="$work/Maildir"
bench_dovecot "$work" "$maildir"

start=$SECONDS
bench_messages "$maildir/new" "$n"
chown -R 65534:65534 "$maildir"
doveadm mailbox status messages INBOX >/dev/null
doveadm flags add '\Seen' mailbox INBOX uid 1:$((n / 2)) >/dev/null
doveadm flags add 'Bench' mailbox INBOX uid 1:100 >/dev/null
echo "built $n messages in $((SECONDS - start)) s; index files:"
ls -l "$maildir" | grep dovecot

bench_build IndexBench
ours=$(dotnet artifacts/bin/IndexBench/release/IndexBench.dll "$maildir" 15)
echo "ours (in-process, warm): $ours"

times=()
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  lines=$(doveadm fetch 'uid flags' mailbox INBOX all | grep -c '^uid:')
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000 )))
done
doveadm_us=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
ours_ms=$(sed -E 's/.*median_ms=([0-9.]+).*/\1/' <<<"$ours")
echo "doveadm fetch 'uid flags' (process, median of 5): $(awk -v u="$doveadm_us" 'BEGIN{printf "%.2f", u/1000}') ms, $lines messages"
awk -v o="$ours_ms" -v u="$doveadm_us" 'BEGIN{printf "ratio doveadm/ours: %.1fx\n", (u/1000)/o}'
