#!/usr/bin/env bash
# Benchmark: Test-MailIndex -Recurse over N small mailboxes (default 10,000) in one Maildir++ mail root, against
#  - a plain read of the same files (every dovecot.index*, dovecot-uidlist and dovecot-keywords, by cat, and the
#    cur/ and new/ listings, by ls), the floor any verifier has to pay;
#  - `doveadm force-resync <mailbox>` per mailbox, one process each as an administrator's loop would run it, timed on
#    a sample (default 100) and extrapolated.
# Also Repair-MailIndex -Recurse -WhatIf (verify and plan, no lock) over the same tree.
# The mailboxes are copies of one real folder Dovecot built (5 messages saved by doveadm, flags set, cached fields
# fetched, so each has dovecot.index, .log, .cache and dovecot-uidlist). Warm page cache for every contender (each is
# run once before it is timed); with DROP_CACHES=1 also a cold run of each after `echo 3 > /proc/sys/vm/drop_caches`.
# Needs root, dovecot-core, and the module built by ./build.sh.
#   bench/verify-scan.sh [mailboxes] [force-resync sample]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
repo=$(pwd)
n=${1:-10000}
sample=${2:-100}
[ -f artifacts/module/MailStorage.PowerShell.dll ] || { echo "build the module first: ./build.sh" >&2; exit 1; }
work=$(mktemp -d /tmp/mailstorage-verify-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
maildir="$work/Maildir"
bench_dovecot "$work" "$maildir" 'mail_cache_fields = flags date.received size.virtual hdr.subject'
now_us() { echo $(( $(date +%s%N) / 1000 )); }

start=$SECONDS
chown -R 65534:65534 "$maildir"
doveadm mailbox create Template
for i in 1 2 3 4 5; do
  printf 'From: a@example.org\nSubject: message %d\n\nbody %d\n' "$i" "$i" | doveadm save -m Template
done
doveadm flags add '\Seen' mailbox Template uid 1:3 >/dev/null
doveadm flags add '\Flagged Work' mailbox Template uid 2,4 >/dev/null
doveadm fetch 'uid flags hdr.subject date.received size.virtual' mailbox Template all >/dev/null
doveadm fetch 'uid flags hdr.subject date.received size.virtual' mailbox Template all >/dev/null
python3 - "$maildir" "$n" <<'PY'
import os, shutil, sys
root, n = sys.argv[1], int(sys.argv[2])
src = os.path.join(root, ".Template")
for i in range(1, n + 1):
    shutil.copytree(src, os.path.join(root, ".Box%05d" % i), symlinks=True, copy_function=shutil.copy2)
PY
chown -R 65534:65534 "$maildir"
doveadm mailbox delete Template >/dev/null
echo "built $n mailboxes in $((SECONDS - start)) s ($(du -sh "$maildir" | cut -f1) on disk)"

# The files a verification reads, and their size.
find "$maildir" -mindepth 2 -maxdepth 2 -type f \( -name 'dovecot.index*' -o -name 'dovecot-uidlist' -o -name 'dovecot-keywords' \) > "$work/files"
bytes=$(xargs -a "$work/files" stat -c %s | awk '{ s += $1 } END { print s }')
files=$(wc -l < "$work/files")
echo "index files: $files files, $bytes bytes (plus the cur/ and new/ listings)"

plain() {
  xargs -a "$work/files" cat > /dev/null
  find "$maildir" -mindepth 2 -maxdepth 2 -type d \( -name cur -o -name new \) -print0 | xargs -0 ls -f > /dev/null
}
# The same reads from one process, without process starts: open, read, close each file; list cur/ and new/.
plain_py() {
  python3 - "$work/files" "$maildir" <<'PY'
import os, sys, time
files = open(sys.argv[1]).read().split()
t = time.perf_counter()
for f in files:
    with open(f, "rb", buffering=0) as h:
        while h.read(1 << 20):
            pass
for d in os.scandir(sys.argv[2]):
    if d.is_dir() and d.name.startswith("."):
        for sub in ("cur", "new"):
            os.listdir(os.path.join(d.path, sub))
print(int((time.perf_counter() - t) * 1e6))
PY
}
pwsh_run() { dotnet tool run pwsh -NoProfile -NonInteractive -c "$1"; }
# One pwsh process: import, a warm-up run, then the timed run (module load and JIT are not counted).
ours() {
  pwsh_run "\$ProgressPreference = 'SilentlyContinue'; Import-Module '$repo/MailStorage.psd1';
    \$null = Test-MailIndex -Path '$maildir' -Recurse -Quiet
    \$t = Measure-Command { \$r = @(Test-MailIndex -Path '$maildir' -Recurse -Quiet) }
    \$bad = @(\$r | Where-Object { -not \$_ }).Count
    \$w = Measure-Command { \$null = Repair-MailIndex -Path '$maildir' -Recurse -WhatIf }
    '{0} {1} {2} {3}' -f \$t.TotalMilliseconds, \$r.Count, \$bad, \$w.TotalMilliseconds"
}
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }

plain
t0=$(now_us); plain; t1=$(now_us)
plain_us=$(( t1 - t0 ))
plain_py > /dev/null
py_us=$(plain_py)
read -r ours_ms verified damaged whatif_ms < <(ours)
# INBOX (the mail root itself) is a mailbox too.
[ "$verified" = "$((n + 1))" ] || { echo "Test-MailIndex verified $verified mailboxes, not $((n + 1))" >&2; exit 1; }
[ "$damaged" = 0 ] || { echo "Test-MailIndex found problems in $damaged sound mailboxes" >&2; exit 1; }

cold=""
if [ "${DROP_CACHES:-0}" = 1 ]; then
  drop; t0=$(now_us); plain; t1=$(now_us); plain_cold_us=$(( t1 - t0 ))
  cold_ms=$(pwsh_run "\$ProgressPreference = 'SilentlyContinue'; Import-Module '$repo/MailStorage.psd1'; \$null = Test-MailIndex -Path '$maildir/.Box00001' -Quiet; & sh -c 'sync; echo 3 > /proc/sys/vm/drop_caches'; (Measure-Command { \$null = Test-MailIndex -Path '$maildir' -Recurse -Quiet }).TotalMilliseconds")
  cold="$plain_cold_us $cold_ms"
fi

# doveadm force-resync, one process per mailbox, on the first $sample mailboxes (after a warm-up on another).
doveadm force-resync Box$(printf %05d "$n") >/dev/null
t0=$(now_us)
for i in $(seq 1 "$sample"); do
  doveadm force-resync "Box$(printf %05d "$i")"
done
t1=$(now_us)
resync_us=$(( t1 - t0 ))

awk -v n="$verified" -v b="$bytes" -v p="$plain_us" -v q="$py_us" -v o="$ours_ms" -v w="$whatif_ms" -v r="$resync_us" -v s="$sample" -v cold="$cold" 'BEGIN {
  mb = b / 1048576
  printf "plain read (cat + ls, warm):           %8.1f ms  %8.0f mailboxes/s  %7.1f MB/s\n", p/1000, n/(p/1e6), mb/(p/1e6)
  printf "plain read (one process, warm):        %8.1f ms  %8.0f mailboxes/s  %7.1f MB/s\n", q/1000, n/(q/1e6), mb/(q/1e6)
  printf "Test-MailIndex -Recurse (warm):        %8.1f ms  %8.0f mailboxes/s  %7.1f MB/s\n", o, n/(o/1000), mb/(o/1000)
  printf "Repair-MailIndex -Recurse -WhatIf:     %8.1f ms  %8.0f mailboxes/s\n", w, n/(w/1000)
  printf "doveadm force-resync per mailbox:      %8.1f ms for %d, %.1f ms each, %.0f mailboxes/s; %d extrapolated: %.1f s\n", r/1000, s, r/1000/s, s/(r/1e6), n, r/1e6/s*n
  printf "Test-MailIndex takes %.1fx the time of cat + ls, %.1fx that of the one-process read; doveadm force-resync per mailbox takes %.0fx ours\n", o/(p/1000), o/(q/1000), (r/1000/s*n)/o
  if (cold != "") {
    split(cold, c, " ")
    printf "cold page cache: plain read %.1f ms (%.1f MB/s), Test-MailIndex -Recurse %.1f ms (%.0f mailboxes/s, %.1f MB/s)\n", c[1]/1000, mb/(c[1]/1e6), c[2], n/(c[2]/1000), mb/(c[2]/1000)
  }
}'
