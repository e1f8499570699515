#!/bin/bash
# tests/testbeds/glusterfs.sh up|down|status|remount
#
# A GlusterFS 10 volume seen by two independent FUSE clients on this one machine: the project's stand-in for
# "two mail hosts sharing clustered storage". Everything runs inside a private network namespace that has only a
# loopback interface, so nothing listens outside this machine and glusterd's port cannot clash with the host.
#
#   $GLTB_BASE/netns         the network namespace (a bind mount of /proc/<pid>/ns/net)
#   $GLTB_BASE/glusterd/     glusterd's working directory (peers, volume definitions)
#   $GLTB_BASE/run/          pid files and glusterd's unix socket (the CLI talks to glusterd through it)
#   $GLTB_BASE/bricks/b1,b2  the two bricks of the replica-2 volume, both served from 127.0.0.2
#   $GLTB_BASE/mnt/A, mnt/B  the two clients; a file written through A is read through B as another host would
#   $GLTB_BASE/log/          every log that glusterd lets us place
#
# up       starts everything; on any failure it tears down what it started and exits 1 (2: already up there)
# down     stops and removes everything up made (processes, mounts, netns, sockets, logs); safe to run again
# status   what is running; exit 0 only when both clients are mounted
# remount  applies GLTB_VOLUME_OPTS to the volume and mounts both clients again with GLTB_MOUNT_OPTS
#
# Environment:
#   GLTB_BASE         base directory (default /tmp/mailstorage-glusterfs)
#   GLTB_VOLUME       volume name (default mailvol)
#   GLTB_MOUNT_OPTS   extra glusterfs client arguments, e.g. "--attribute-timeout=0 --entry-timeout=0"
#   GLTB_VOLUME_OPTS  "key=value ..." volume options set before start (up) or before remounting (remount)
#   GLTB_STRICT=1     both of the above set to the "no client caching" combination: kernel FUSE caches off and
#                     gluster's own caching translators off. The kernel timeouts alone are not enough; gluster's
#                     metadata cache (performance.stat-prefetch) keeps attributes a second stale by itself.
#   GLTB_STRICT=0     with remount: every volume option is reset to gluster's default first (GLTB_VOLUME_OPTS
#                     still applies)
#
# Needs root, /dev/fuse and the Debian packages glusterfs-server and glusterfs-client (plus iproute2, util-linux).
# Paths glusterd insists on: it hands every brick a socket under /var/run/gluster and brick logs go to
# /var/log/glusterfs/bricks; down removes exactly the ones that belong to this base directory.
set -u

BASE=${GLTB_BASE:-/tmp/mailstorage-glusterfs}
BASE=${BASE%/}
VOLUME=${GLTB_VOLUME:-mailvol}
# The gluster CLI refuses bricks on 127.0.0.1 and localhost, but any other loopback address will do.
ADDRESS=127.0.0.2
NETNS=$BASE/netns
SOCKET=$BASE/run/glusterd.sock
STRICT_MOUNT_OPTS="--attribute-timeout=0 --entry-timeout=0 --negative-timeout=0 --fopen-keep-cache=off"
STRICT_VOLUME_OPTS="performance.stat-prefetch=off performance.quick-read=off performance.io-cache=off performance.read-ahead=off performance.write-behind=off performance.open-behind=off performance.readdir-ahead=off"

MOUNT_OPTS=${GLTB_MOUNT_OPTS:-}
VOLUME_OPTS=${GLTB_VOLUME_OPTS:-}
if [ "${GLTB_STRICT:-}" = 1 ]; then
  MOUNT_OPTS="$STRICT_MOUNT_OPTS $MOUNT_OPTS"
  VOLUME_OPTS="$STRICT_VOLUME_OPTS $VOLUME_OPTS"
fi

started_at=$(date +%s%N)
say() { printf '[%5d ms] %s\n' $(( ($(date +%s%N) - started_at) / 1000000 )) "$*" >&2; }
fail() { say "FAILED: $*"; return 1; }

in_netns() { nsenter --net="$NETNS" "$@"; }
cli() { in_netns gluster --glusterd-sock="$SOCKET" --log-file="$BASE/log/cli.log" --mode=script "$@"; }

# until_true SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds or the deadline passes.
until_true() {
  local deadline=$(( $(date +%s%N) + $1 * 1000000000 ))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s%N)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

netns_mounted() { findmnt -n "$NETNS" >/dev/null 2>&1; }

bricks_online() {
  [ "$(cli volume status "$VOLUME" detail 2>/dev/null | grep -c '^Online.*: Y')" -ge 2 ]
}

# A new FUSE mount answers statfs before gluster's client graph is connected; a directory listing waits for it.
client_ready() {
  mountpoint -q "$1" && [ "$(stat -f -c %t "$1")" = 65735546 ] && ls "$1" >/dev/null
}

mount_client() { # mount_client A|B
  local name=$1 dir=$BASE/mnt/$1
  mkdir -p "$dir"
  # shellcheck disable=SC2086 # MOUNT_OPTS is a list of arguments
  in_netns glusterfs --volfile-server="$ADDRESS" --volfile-id="$VOLUME" \
    --log-file="$BASE/log/client-$name.log" --pid-file="$BASE/run/client-$name.pid" \
    $MOUNT_OPTS "$dir" || fail "glusterfs client $name did not start" || return 1
  until_true 20 client_ready "$dir" || fail "client $name at $dir did not become ready (see $BASE/log/client-$name.log)" || return 1
  echo "$MOUNT_OPTS" >"$BASE/run/mount-opts"
  say "client $name mounted at $dir ${MOUNT_OPTS:+with $MOUNT_OPTS}"
}

unmount_client() { # unmount_client A|B
  local dir=$BASE/mnt/$1
  if mountpoint -q "$dir" 2>/dev/null; then
    umount "$dir" 2>/dev/null || umount -l "$dir"
  fi
  stop_pidfile "$BASE/run/client-$1.pid"
}

set_volume_options() { # set_volume_options key=value...: one CLI call (each call costs about half a second)
  [ $# -eq 0 ] && return 0
  local kv pairs=()
  for kv in "$@"; do
    pairs+=("${kv%%=*}" "${kv#*=}")
  done
  cli volume set "$VOLUME" "${pairs[@]}" >/dev/null || fail "volume set $*" || return 1
  say "volume options: $*"
}

# The unix socket glusterd handed a process with -S (under /var/run/gluster, a compiled-in directory).
socket_of() { { tr '\0' '\n' <"/proc/$1/cmdline"; } 2>/dev/null | grep -A1 -x -- -S | tail -n 1; }

remove_gluster_socket() {
  case "$1" in
    /var/run/gluster/*.socket | /run/gluster/*.socket | "$BASE"/*) rm -f "$1" ;;
  esac
}

stop_pid() { # stop_pid PID: TERM, up to 5 s, then KILL; removes the process's /var/run/gluster socket
  local pid=$1 socket i
  kill -0 "$pid" 2>/dev/null || return 0
  socket=$(socket_of "$pid")
  kill "$pid" 2>/dev/null
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  [ -n "$socket" ] && remove_gluster_socket "$socket"
  return 0
}

stop_pidfile() {
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1" 2>/dev/null)
  [ -n "$pid" ] && stop_pid "$pid"
  rm -f "$1"
}

# Processes whose command line names this base directory: ours, whatever pid files were lost. The pattern is
# written so that grep's own command line does not match it.
BASE_PATTERN="[${BASE:0:1}]$(printf '%s/' "${BASE:1}" | sed 's/[][\.*^$+?(){}|]/\\&/g')"
our_pids() {
  grep -alsE -- "$BASE_PATTERN" /proc/[0-9]*/cmdline | sed -n 's|^/proc/\([0-9]*\)/cmdline$|\1|p'
}

up() {
  [ "$(id -u)" = 0 ] || { echo "glusterfs.sh: must run as root" >&2; return 1; }
  [ -c /dev/fuse ] || { echo "glusterfs.sh: /dev/fuse is missing" >&2; return 1; }
  local tool
  for tool in glusterd gluster glusterfs nsenter unshare ip findmnt; do
    command -v "$tool" >/dev/null || { echo "glusterfs.sh: $tool not found (apt-get install glusterfs-server glusterfs-client)" >&2; return 1; }
  done
  if [ -f "$BASE/run/glusterd.pid" ] || netns_mounted; then
    echo "glusterfs.sh: a test bed is already up under $BASE (run down first)" >&2
    return 2
  fi
  mkdir -p "$BASE"/{glusterd,run,log,bricks/b1,bricks/b2,mnt/A,mnt/B}

  touch "$NETNS"
  unshare --net="$NETNS" true || fail "unshare --net" || return 1
  in_netns ip link set lo up || fail "ip link set lo up" || return 1
  say "network namespace $NETNS (loopback only)"

  cat >"$BASE/glusterd.vol" <<EOF
volume management
    type mgmt/glusterd
    option working-directory $BASE/glusterd
    option run-directory $BASE/run
    option glusterd-sockfile $SOCKET
    option transport-type socket
    option transport.socket.listen-port 24007
    option transport.socket.read-fail-log off
    option ping-timeout 0
    option event-threads 1
end-volume
EOF
  in_netns glusterd --volfile="$BASE/glusterd.vol" --pid-file="$BASE/run/glusterd.pid" \
    --log-file="$BASE/log/glusterd.log" || fail "glusterd did not start" || return 1
  until_true 30 cli volume list || fail "glusterd does not answer on $SOCKET" || return 1
  say "glusterd running (pid $(cat "$BASE/run/glusterd.pid"))"

  cli volume create "$VOLUME" replica 2 "$ADDRESS:$BASE/bricks/b1" "$ADDRESS:$BASE/bricks/b2" force >/dev/null \
    || fail "volume create" || return 1
  # shellcheck disable=SC2086 # VOLUME_OPTS is a list
  set_volume_options $VOLUME_OPTS || return 1
  cli volume start "$VOLUME" >/dev/null || fail "volume start" || return 1
  until_true 30 bricks_online || fail "bricks not online" || return 1
  say "volume $VOLUME started (replica 2 on $ADDRESS)"

  mount_client A || return 1
  mount_client B || return 1
  say "up"
}

down() {
  local name pid socket sockets="" pids i
  # glusterd's children (bricks, self-heal daemon) get their socket paths from glusterd: note them while the
  # processes still exist.
  pids=$(our_pids)
  for pid in $pids; do
    socket=$(socket_of "$pid")
    [ -n "$socket" ] && sockets="$sockets $socket"
  done

  for name in A B; do
    if mountpoint -q "$BASE/mnt/$name" 2>/dev/null; then
      umount "$BASE/mnt/$name" 2>/dev/null || umount -l "$BASE/mnt/$name"
    fi
  done
  say "clients unmounted"
  # No "volume stop": the volume's state goes away with the base directory. Every process naming the base
  # directory (glusterd, bricks, self-heal daemon, clients) gets TERM at once, KILL after 5 s.
  pids=$(our_pids)
  [ -n "$pids" ] && kill $pids 2>/dev/null
  for i in $(seq 1 50); do
    pids=$(our_pids)
    [ -z "$pids" ] && break
    sleep 0.1
  done
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null && sleep 0.2
  for socket in $sockets; do
    remove_gluster_socket "$socket"
  done
  say "processes stopped"

  # Lazy unmounts leave nothing behind once the processes are gone; a mount still listed here is an error.
  for name in A B; do
    mountpoint -q "$BASE/mnt/$name" 2>/dev/null && umount -l "$BASE/mnt/$name"
  done
  if netns_mounted; then
    umount "$NETNS" 2>/dev/null || umount -l "$NETNS"
  fi
  # Brick logs are named after the brick path with '/' turned into '-'.
  rm -f /var/log/glusterfs/bricks/"$(printf '%s' "${BASE#/}" | tr / -)"-bricks-b*.log
  # The self-heal daemon's log and glusterd's skeleton of per-volume directories have fixed names: remove them
  # only when no other glusterd (another test bed) may still use them.
  if ! pgrep -x glusterd >/dev/null; then
    rm -f /var/log/glusterfs/glustershd.log /var/log/glusterfs/cmd_history.log
    rmdir /var/log/glusterfs/{gfproxy,snaps}/"$VOLUME" /var/log/glusterfs/geo-replication-secondaries/mbr \
      /var/log/glusterfs/{gfproxy,snaps,geo-replication,geo-replication-secondaries} /var/run/gluster/snaps 2>/dev/null
  fi
  rm -rf "$BASE/glusterd" "$BASE/run" "$BASE/bricks" "$BASE/mnt" "$BASE/log" "$BASE/glusterd.vol"
  rm -f "$NETNS"
  rmdir "$BASE" 2>/dev/null

  local left=0
  [ -n "$(our_pids)" ] && { echo "glusterfs.sh: processes still running: $(our_pids | tr '\n' ' ')" >&2; left=1; }
  findmnt -rn -o TARGET | grep -qF -- "$BASE/" && { echo "glusterfs.sh: mounts still present under $BASE" >&2; left=1; }
  say "down"
  return $left
}

remount() {
  [ -S "$SOCKET" ] || { echo "glusterfs.sh: no test bed is up under $BASE" >&2; return 1; }
  if [ "${GLTB_STRICT:-}" = 0 ]; then
    cli volume reset "$VOLUME" >/dev/null || fail "volume reset" || return 1
    say "volume options reset to gluster's defaults"
  fi
  unmount_client A
  unmount_client B
  # shellcheck disable=SC2086
  set_volume_options $VOLUME_OPTS || return 1
  mount_client A || return 1
  mount_client B || return 1
}

status() {
  local ok=0 name
  if netns_mounted; then echo "netns: $NETNS"; else echo "netns: none"; ok=1; fi
  if [ -f "$BASE/run/glusterd.pid" ] && kill -0 "$(cat "$BASE/run/glusterd.pid")" 2>/dev/null; then
    echo "glusterd: pid $(cat "$BASE/run/glusterd.pid")"
    cli volume info "$VOLUME" 2>/dev/null | sed -n 's/^\(Status\|Type\|Brick[0-9]*\|performance\.[^:]*\):/  &/p'
  else
    echo "glusterd: not running"
    ok=1
  fi
  for name in A B; do
    if mountpoint -q "$BASE/mnt/$name" 2>/dev/null; then
      echo "client $name: $BASE/mnt/$name $(cat "$BASE/run/mount-opts" 2>/dev/null)"
    else
      echo "client $name: not mounted"
      ok=1
    fi
  done
  return $ok
}

case "${1:-}" in
  up)
    up
    rc=$?
    # 2: refused because a test bed is already up there; leave it alone.
    if [ "$rc" -eq 1 ]; then
      say "up failed; tearing down"
      down >/dev/null 2>&1
    fi
    exit "$rc"
    ;;
  down) down ;;
  status) status ;;
  remount) remount ;;
  *)
    echo "usage: $0 up|down|status|remount   (env: GLTB_BASE GLTB_VOLUME GLTB_MOUNT_OPTS GLTB_VOLUME_OPTS GLTB_STRICT)" >&2
    exit 2
    ;;
esac
