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
. bench/lib.sh
n=${1:-100000}
rounds=${2:-7}
parent=${3:-/tmp}
work=$(mktemp -d /tmp/mailstorage-revalidate.XXXXXX)
mail=$(mktemp -d "$parent/mailstorage-revalidate-mail.XXXXXX")
trap 'rm -rf "$work" "$mail"' EXIT
chmod 0755 "$mail"
maildir="$mail/Maildir"
bench_dovecot "$work" "$maildir"

start=$SECONDS
bench_messages "$maildir/new" "$n"
chown -R 65534:65534 "$maildir"
doveadm mailbox status messages INBOX >/dev/null
echo "built $n messages in $((SECONDS - start)) s on $(stat -f -c %T "$maildir") ($parent); index files:"
ls -l "$maildir" | grep dovecot.index

bench_build IndexRevalidate
dotnet artifacts/bin/IndexRevalidate/release/IndexRevalidate.dll "$maildir" "$work/dovecot.conf" "$work" "$rounds" 1 10 100 1000
