#!/usr/bin/env bash
# Benchmark: what it costs to see a small change to a large mailbox index again. A Maildir of N messages that Dovecot
# indexed itself (N tiny files dropped into new/, one doveadm mailbox status to sync them: dovecot.index and a
# dovecot.index.log of about 8 bytes per message), then rounds of 1, 10, 100 and 1,000 new messages, each synced by
# doveadm (Dovecot appends to the log). After each round bench/IndexRevalidate times, with the file in the page cache:
#   revalidate  the Buffered view of the log held since the start (stat, then read only the appended bytes)
#   reread      a new Buffered view of the log (the whole file), the cost without the cache
#   load        MailboxState.Load through the cache (revalidate three files, parse and apply only the new records)
#   load-full   MailboxState.Load from the files (read, parse and replay everything)
# and prints medians, bytes read and ratios; revalidate must read exactly the appended bytes ("NOT PROPORTIONAL"
# otherwise). Needs root and dovecot-core.
#   bench/index-revalidate.sh [messages] [rounds] [folder]     (default 100000, 7, a new folder under /tmp; give a
#                                                             folder on other storage, e.g. a GlusterFS mount, to
#                                                             measure there)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
rounds=${2:-7}
parent=${3:-/tmp}
work=$(mktemp -d /tmp/mailstorage-revalidate.XXXXXX)
mail=$(mktemp -d "$parent/mailstorage-revalidate-mail.XXXXXX")
trap 'rm -rf "$work" "$mail"' EXIT
chmod 0755 "$work" "$mail"
maildir="$mail/Maildir"
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
echo "built $n messages in $((SECONDS - start)) s on $(stat -f -c %T "$maildir") ($parent); index files:"
ls -l "$maildir" | grep dovecot.index

dotnet build bench/IndexRevalidate -c Release -v quiet -nologo >/dev/null
dotnet artifacts/bin/IndexRevalidate/release/IndexRevalidate.dll "$maildir" "$work/dovecot.conf" "$work" "$rounds" 1 10 100 1000
