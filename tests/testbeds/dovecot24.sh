#!/bin/bash
# tests/testbeds/dovecot24.sh build|status|doveconf ARGS...|doveadm ARGS...
#
# Dovecot 2.4.1, the oracle for 2.4 configuration: Debian trixie's packages in a chroot made by mmdebstrap, kept in a
# cache outside the repository and built once. This host's own Dovecot (2.3, bookworm) stays the 2.3 oracle.
#
# build     makes the chroot unless the cache already holds one made from the same package list (its stamp file);
#           it is made in a temporary folder beside the cache and renamed into place only when complete, so a killed
#           build never leaves a half chroot. Two builds at once wait for each other (flock).
# status    says whether the chroot is there and current, and which doveconf it has; exit 0 only when it is usable
# doveconf, doveadm
#           run the chroot's binary with ARGS on this host's paths: in a private mount namespace (unshare -m), the
#           current folder, /tmp and the top-level folder of every path named in ARGS are bind-mounted at the same
#           path inside the chroot, then chroot. System folders (/etc, /usr, /var, ...) stay the chroot's own, so
#           `doveconf -c /etc/dovecot/dovecot.conf` reads trixie's default tree. The mounts exist only in that
#           namespace: they vanish with the process, nothing stays mounted, and runs at once do not see each other.
#           The exit code, stdout and stderr are the binary's (125 and a message when the chroot cannot be entered).
#
# Environment:
#   DOVECOT24_CACHE   the chroot's folder (default /var/cache/mailstorage/dovecot-2.4.1-trixie)
#   DOVECOT24_MIRROR  a Debian mirror for mmdebstrap (default: mmdebstrap's own)
#
# Needs root, mmdebstrap (build only) and util-linux (unshare, mount, chroot).
set -u

CACHE=${DOVECOT24_CACHE:-/var/cache/mailstorage/dovecot-2.4.1-trixie}
CACHE=${CACHE%/}
SUITE=trixie
VERSION=2.4.1
# Every Debian module, as on a real mail host: their settings are part of what doveconf knows.
PACKAGES=dovecot-core,dovecot-imapd,dovecot-pop3d,dovecot-lmtpd,dovecot-submissiond,dovecot-managesieved,dovecot-sieve,dovecot-ldap,dovecot-mysql,dovecot-pgsql,dovecot-sqlite,dovecot-auth-lua
# What the chroot was made from; a change here (packages, suite, variant) makes build replace it.
STAMP_TEXT="mmdebstrap --variant=apt --include=$PACKAGES $SUITE dovecot $VERSION"
STAMP=.mailstorage-dovecot24-stamp
# Top-level folders that belong to the chroot's own system and are never replaced by the host's.
SYSTEM_DIRS=" bin boot dev etc lib lib32 lib64 libx32 proc run sbin sys usr var "

die() { echo "dovecot24.sh: $*" >&2; exit 1; }

current() { [ -f "$CACHE/$STAMP" ] && [ "$(cat "$CACHE/$STAMP")" = "$STAMP_TEXT" ] && [ -x "$CACHE/usr/bin/doveconf" ]; }

build() {
  [ "$(id -u)" -eq 0 ] || die "build needs root (mmdebstrap, chroot)"
  local parent
  parent=$(dirname "$CACHE")
  mkdir -p "$parent" || die "cannot create $parent"
  exec 9>"$parent/.$(basename "$CACHE").lock" || die "cannot open the lock file in $parent"
  flock 9
  if current; then
    echo "dovecot24.sh: $CACHE is current" >&2
    return 0
  fi
  command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap is missing (apt-get install mmdebstrap)"
  # What a build killed outright (no EXIT trap) left behind; no other build runs while this one holds the lock.
  rm -rf "$parent/.$(basename "$CACHE").build."*
  local tmp
  tmp=$(mktemp -d "$parent/.$(basename "$CACHE").build.XXXXXX") || die "cannot create a temporary folder in $parent"
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  echo "dovecot24.sh: building Dovecot $VERSION ($SUITE) into $CACHE" >&2
  # shellcheck disable=SC2086
  if ! mmdebstrap --quiet --variant=apt --include="$PACKAGES" "$SUITE" "$tmp/root" ${DOVECOT24_MIRROR:-}; then
    die "mmdebstrap failed: the Dovecot $VERSION oracle cannot be built"
  fi
  local got
  got=$(chroot "$tmp/root" /usr/sbin/dovecot --version 2>&1) || die "the new chroot's dovecot does not run: $got"
  case $got in
    "$VERSION "* | "$VERSION-"*) ;;
    *) die "the new chroot has dovecot $got, not $VERSION" ;;
  esac
  printf '%s\n' "$STAMP_TEXT" >"$tmp/root/$STAMP"
  if [ -e "$CACHE" ]; then
    mv -T "$CACHE" "$tmp/old" || die "cannot move the old $CACHE away"
  fi
  mv -T "$tmp/root" "$CACHE" || die "cannot rename the new chroot to $CACHE"
  rm -rf "$tmp"
  trap - EXIT
  echo "dovecot24.sh: built $CACHE (dovecot $got)" >&2
}

status() {
  if [ ! -d "$CACHE" ]; then
    echo "dovecot24.sh: no chroot at $CACHE (run: $0 build)"
    return 1
  fi
  if ! current; then
    echo "dovecot24.sh: $CACHE is not current (made from another package list, or incomplete; run: $0 build)"
    return 1
  fi
  echo "dovecot24.sh: $CACHE: dovecot $(chroot "$CACHE" /usr/sbin/dovecot --version 2>&1)"
}

# run BINARY ARGS...: the chroot's /usr/bin/BINARY on this host's paths (see the header).
run() {
  [ "$(id -u)" -eq 0 ] || die "running the chroot's Dovecot needs root (unshare, chroot)"
  current || die "the Dovecot $VERSION chroot is missing or not current at $CACHE: run $0 build (as root; it needs mmdebstrap)"
  local binary=$1
  shift
  local -a tops=(/tmp)
  local candidate top
  for candidate in "$PWD" "$@"; do
    # An argument such as -c/path or key=/path names a path after its prefix.
    candidate=${candidate#-c}
    candidate=${candidate#*=}
    case $candidate in
      /*) ;;
      *) continue ;;
    esac
    top=${candidate#/}
    top=${top%%/*}
    [ -n "$top" ] && [ -d "/$top" ] || continue
    case $SYSTEM_DIRS in *" $top "*) continue ;; esac
    tops+=("/$top")
  done
  # A private mount namespace (unshare's default propagation is private): every mount below is undone when it ends.
  exec unshare -m /bin/bash -c '
    set -e
    root=$1 cwd=$2 binary=$3
    shift 3
    # A folder is bound without the mounts below it: a recursive bind copies them too and fails when one is unmounted
    # meanwhile (tests elsewhere mount and unmount filesystems under /tmp all the time). A config on a filesystem
    # mounted below a bound folder is therefore not seen.
    bind() {
      mount --bind "$1" "$2" || { echo "dovecot24.sh: cannot bind-mount $1 into the chroot" >&2; exit 125; }
    }
    mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    while [ "$1" != -- ]; do
      mkdir -p "$root$1"
      bind "$1" "$root$1"
      shift
    done
    shift
    cd_to=$cwd
    case " '"$SYSTEM_DIRS"' " in *" $(echo "${cwd#/}" | cut -d/ -f1) "*) cd_to=/ ;; esac
    exec chroot "$root" /bin/sh -c '\''cd "$1" && shift && exec "$@"'\'' sh "$cd_to" "/usr/bin/$binary" "$@"
  ' sh "$CACHE" "$PWD" "$binary" "${tops[@]}" -- "$@"
}

case ${1:-} in
  build) build ;;
  status) status ;;
  doveconf | doveadm)
    binary=$1
    shift
    run "$binary" "$@"
    ;;
  *)
    echo "usage: $0 build|status|doveconf ARGS...|doveadm ARGS..." >&2
    exit 2
    ;;
esac
