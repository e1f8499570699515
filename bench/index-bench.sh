#!/usr/bin/env bash
# Benchmark: Get-MailIndexRecord's work in-process (MailboxState.Load + enumerating uid/flags/keywords, warm median)
# against one `doveadm fetch 'uid flags' mailbox INBOX all` process on a Maildir of N messages that Dovecot indexed
# itself (N tiny files dropped into new/, one doveadm mailbox status to sync them, a few flag changes). Needs root
# and dovecot-core.   bench/index-bench.sh [messages]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
work=$(mktemp -d /tmp/mailstorage-index-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
maildir="$work/Maildir"
mkdir -p "$maildir"/{cur,new,tmp}
cat > "$work/dovecot.conf" <<CONF
base_dir = $work/run
mail_location = maildir:$maildir
first_valid_uid = 1
first_valid_gid = 1
mail_uid = 65534
mail_gid = 65534
ssl = no
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$work
}
passdb {
  driver = static
  args = nopassword=y
}
CONF
doveadm() { USER=nobody HOME="$work" /usr/bin/doveadm -c "$work/dovecot.conf" "$@"; }

start=$SECONDS
python3 - "$maildir/new" "$n" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
body = b"Subject: m\n\nx\n"
for i in range(n):
    with open(os.path.join(d, "1700000000.M%dP1.bench,S=%d" % (i, len(body))), "wb") as f:
        f.write(body)
PY
chown -R 65534:65534 "$maildir"
doveadm mailbox status messages INBOX >/dev/null
doveadm flags add '\Seen' mailbox INBOX uid 1:$((n / 2)) >/dev/null
doveadm flags add 'Bench' mailbox INBOX uid 1:100 >/dev/null
echo "built $n messages in $((SECONDS - start)) s; index files:"
ls -l "$maildir" | grep dovecot

dotnet build bench/IndexBench -c Release -v quiet -nologo >/dev/null
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
