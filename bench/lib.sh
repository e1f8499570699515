# Shared by the bench/*.sh scripts (source it after `cd` to the repository root): a private Dovecot with no services,
# Maildirs of tiny messages, and the bench programs. Each script makes and removes its own temporary folders.

# bench_dovecot WORK MAILDIR [CONFIG_LINE...]: creates MAILDIR (cur/, new/, tmp/) and WORK/dovecot.conf for it, with
# any extra settings after mail_location, and defines doveadm() to run against it. No auth service runs here: doveadm
# serves the user named by USER (what -u user would select) from the static userdb, as uid 65534, so WORK must be
# searchable by that user.
bench_dovecot() {
  local work=$1 maildir=$2
  shift 2
  chmod 0755 "$work"
  mkdir -p "$maildir"/{cur,new,tmp}
  {
    echo "base_dir = $work/run"
    echo "mail_location = maildir:$maildir"
    local line
    for line in "$@"; do echo "$line"; done
    cat <<CONF
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
  } > "$work/dovecot.conf"
  BENCH_DOVECOT_HOME=$work
}

doveadm() { USER=nobody HOME="$BENCH_DOVECOT_HOME" /usr/bin/doveadm -c "$BENCH_DOVECOT_HOME/dovecot.conf" "$@"; }

# bench_messages DIR N: drops N tiny messages into DIR (a new/ folder) for Dovecot to find on its next sync; much
# faster than N doveadm saves.
bench_messages() {
  python3 - "$1" "$2" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
body = b"Subject: m\n\nx\n"
for i in range(n):
    with open(os.path.join(d, "1700000000.M%dP1.bench,S=%d" % (i, len(body))), "wb") as f:
        f.write(body)
PY
}

# bench_build NAME: builds bench/NAME in Release (output under artifacts/bin/NAME/release).
bench_build() { dotnet build "bench/$1" -c Release -v quiet -nologo >/dev/null; }
