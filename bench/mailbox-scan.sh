#!/usr/bin/env bash
# Benchmark: reading the state of N mailboxes. Ours, in-process (warm median): Get-MailIndex's work for every
# mailbox (MailboxState.Load per index folder), and one read of the mailbox list index. Dovecot's: one
# `doveadm mailbox status 'messages uidnext uidvalidity unseen' '*'` process over the same mailboxes, cold (its
# first run opens every mailbox and fills the list index) and warm (median of 5, answered from the list index).
# The mailboxes are copies of one real folder Dovecot built (20 messages dropped into new/, synced, flags set).
# Needs root and dovecot-core.   bench/mailbox-scan.sh [mailboxes]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
n=${1:-1000}
work=$(mktemp -d /tmp/mailstorage-scan-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
maildir="$work/Maildir"
bench_dovecot "$work" "$maildir"

start=$SECONDS
chown -R 65534:65534 "$maildir"
printf 'Subject: inbox\n\nx\n' | doveadm save
doveadm mailbox create Template
python3 - "$maildir/.Template/new" 20 <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, "1700000000.M%dP1.bench" % i), "wb") as f:
        f.write(b"Subject: m%d\n\nx\n" % i)
PY
chown -R 65534:65534 "$maildir/.Template"
doveadm mailbox status messages Template >/dev/null
doveadm flags add '\Seen' mailbox Template uid 1:10 >/dev/null
doveadm flags add 'Bench \Flagged' mailbox Template uid 5:15 >/dev/null
for i in $(seq -w 1 "$n"); do
  cp -a "$maildir/.Template" "$maildir/.Box$i"
done
doveadm mailbox delete Template >/dev/null
# Older than Dovecot's one-second dirty window, so the list index may keep the folders' STATUS as clean.
sleep 2
echo "built $n mailboxes in $((SECONDS - start)) s"

t0=$(date +%s%N)
lines=$(doveadm mailbox status 'messages uidnext uidvalidity unseen' '*' | wc -l)
t1=$(date +%s%N)
cold_us=$(( (t1 - t0) / 1000 ))
times=()
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  doveadm mailbox status 'messages uidnext uidvalidity unseen' '*' >/dev/null
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000 )))
done
warm_us=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
ls -l "$maildir" | grep 'dovecot.list' || true

bench_build MailboxScanBench
ours=$(dotnet artifacts/bin/MailboxScanBench/release/MailboxScanBench.dll "$maildir" 7)
echo "ours (in-process, warm): $ours"
scan_ms=$(sed -E 's/.*scan_median_ms=([0-9.]+).*/\1/' <<<"$ours")
list_ms=$(sed -E 's/.*list_median_ms=([0-9.]+).*/\1/' <<<"$ours")
mailboxes=$(sed -E 's/.*mailboxes=([0-9]+).*/\1/' <<<"$ours")
awk -v c="$cold_us" -v w="$warm_us" -v l="$lines" -v m="$mailboxes" -v s="$scan_ms" -v li="$list_ms" 'BEGIN {
  printf "doveadm mailbox status (process): cold %.1f ms, warm median of 5 %.1f ms, %d mailboxes listed\n", c/1000, w/1000, l
  printf "rates (mailboxes/s): doveadm cold %.0f, doveadm warm %.0f, ours scan %.0f, ours list index %.0f\n", m/(c/1e6), m/(w/1e6), m/(s/1000), m/(li/1000)
  printf "ratio ours scan vs doveadm: %.1fx cold, %.1fx warm; ours list index vs doveadm warm: %.1fx\n", (c/1000)/s, (w/1000)/s, (w/1000)/li
}'
