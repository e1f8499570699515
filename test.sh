#!/usr/bin/env bash
# Sets up what the tests need, builds, runs every test suite (xunit projects under tests/, then Pester
# against the built module) and ends with one line: "N passed, N failed", summed over all suites.
# Exits non-zero when a test failed or a suite could not run (a suite that cannot run counts as 1 failed).
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$SECONDS
passed=0
failed=0
problems=()

finish() {
  if [ ${#problems[@]} -gt 0 ]; then
    printf 'test.sh: %s\n' "${problems[@]}" >&2
  fi
  echo "test.sh: took $((SECONDS - started)) s" >&2
  echo "$passed passed, $failed failed"
  if [ "$failed" -gt 0 ] || [ ${#problems[@]} -gt 0 ]; then exit 1; fi
  exit 0
}

# What the tests need from Debian, as "command:package" or "/file:package" (it tells whether the package is there):
# doveconf is the oracle (mmdebstrap makes the 2.4 one, tests/testbeds/dovecot24.sh); python3 runs the schema
# checker; cc compiles the struct layout checks; the filesystem tests mount xfs and btrfs images, bindfs, and a
# two-client GlusterFS volume (tests/testbeds); the remoting test starts a private sshd on loopback.
# Debian's other Dovecot modules are there too, as on a real mail host: their settings are doveconf's knowledge, and
# the schema and the oracle tests assume them (a file of each package stands for it).
needs=(doveconf:dovecot-core mmdebstrap:mmdebstrap python3:python3 cc:gcc mkfs.xfs:xfsprogs mkfs.btrfs:btrfs-progs
       bindfs:bindfs glusterd:glusterfs-server glusterfs:glusterfs-client
       /usr/lib/dovecot/imap:dovecot-imapd /usr/lib/dovecot/pop3:dovecot-pop3d /usr/lib/dovecot/lmtp:dovecot-lmtpd
       /usr/lib/dovecot/submission:dovecot-submissiond /usr/lib/dovecot/managesieve:dovecot-managesieved
       /usr/lib/dovecot/modules/lib90_sieve_plugin.so:dovecot-sieve
       /usr/lib/dovecot/modules/auth/libauthdb_ldap.so:dovecot-ldap
       /usr/lib/dovecot/modules/libdriver_mysql.so:dovecot-mysql /usr/lib/dovecot/modules/libdriver_pgsql.so:dovecot-pgsql
       /usr/lib/dovecot/modules/libdriver_sqlite.so:dovecot-sqlite /usr/lib/dovecot/modules/auth/libauthdb_lua.so:dovecot-auth-lua
       /usr/sbin/sshd:openssh-server)
have() {
  case $1 in
    /*) [ -e "$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ;;
  esac
}
missing=()
for need in "${needs[@]}"; do
  have "${need%%:*}" || missing+=("${need#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || { problems+=("apt-get install ${missing[*]} failed"); failed=$((failed + 1)); finish; }
  elif [ "${CI:-}" = "true" ]; then
    problems+=("${missing[*]} missing and this is not root: the tests need them (and root, to mount test filesystems)")
    failed=$((failed + 1))
    finish
  else
    echo "test.sh: ${missing[*]} missing (run as root, or apt-get install them); the tests that need them will fail" >&2
  fi
fi

# The Dovecot 2.4.1 oracle: Debian trixie's packages in a chroot cached outside the repository, built once. Tests
# that need it fail with its message when it is missing; that it cannot be built is a failure here, never a skip.
if [ "$(id -u)" -eq 0 ]; then
  if ! tests/testbeds/dovecot24.sh build; then
    problems+=("tests/testbeds/dovecot24.sh build failed: the Dovecot 2.4 oracle is missing")
    failed=$((failed + 1))
  fi
elif [ "${CI:-}" = "true" ]; then
  problems+=("the Dovecot 2.4 oracle needs root to be built (tests/testbeds/dovecot24.sh build)")
  failed=$((failed + 1))
else
  echo "test.sh: not root, so the Dovecot 2.4 oracle is not built; the tests that need it will fail" >&2
fi

if ! ./build.sh; then
  problems+=("build.sh failed")
  failed=$((failed + 1))
  finish
fi

# Repairs quarantine to /var/lib/mailstorage by default: a test must give its own root or clean up what it made there.
quarantine_default=/var/lib/mailstorage
quarantine_was_there=$([ -e "$quarantine_default" ] && echo yes || echo no)

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

# xunit: every test project (those referencing Microsoft.NET.Test.Sdk; helpers such as tests/LockTorture are not), counted from its TRX file.
while IFS= read -r project; do
  name=$(basename "$project" .csproj)
  echo "test.sh: dotnet test $project" >&2
  dotnet test "$project" -c Release --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results/$name"
  trx="$results/$name/$name.trx"
  counters=$(grep -o '<Counters [^>]*>' "$trx" 2>/dev/null | head -n 1)
  if [ -z "$counters" ]; then
    problems+=("$name could not run (no test results)")
    failed=$((failed + 1))
    continue
  fi
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  e=$(sed -E 's/.* error="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p))
  failed=$((failed + f + e))
  echo "test.sh: $name: $p passed, $((f + e)) failed" >&2
  # Name each failed test again at the end, with the first lines of its message, where a reader of only the last
  # lines of the log looks (CI keeps only the tail).
  while IFS= read -r test; do
    problems+=("$name failed: $test")
  done < <(python3 - "$trx" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for result in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if result.get("outcome") in ("Failed", "Error"):
        message = " / ".join(line.strip() for line in result.findtext("t:Output/t:ErrorInfo/t:Message", "", ns).splitlines()[:6])
        print(result.get("testName") + (": " + message[:600] if message else ""))
PY
)
done < <(find tests -name '*.csproj' -not -path '*/obj/*' -not -path '*/bin/*' -exec grep -l 'Microsoft.NET.Test.Sdk' {} + | sort)

# Pester, against the module build.sh made.
dotnet tool run pwsh -NoProfile -NonInteractive -File tests/Pester/Invoke-MailStorageTests.ps1 -ResultDirectory "$results" | tee "$results/pester.log"
pester=$(grep -E '^PESTER passed=[0-9]+ failed=[0-9]+' "$results/pester.log" | tail -n 1)
if [ -z "$pester" ]; then
  problems+=("Pester could not run")
  failed=$((failed + 1))
else
  p=$(sed -E 's/.*passed=([0-9]+).*/\1/' <<<"$pester")
  f=$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$pester")
  passed=$((passed + p))
  failed=$((failed + f))
  echo "test.sh: Pester: $p passed, $f failed" >&2
fi

if [ "$quarantine_was_there" = no ] && [ -e "$quarantine_default" ]; then
  problems+=("the tests left $quarantine_default behind: $(find "$quarantine_default" -mindepth 2 -maxdepth 2 | head -n 3 | tr '\n' ' ')")
  failed=$((failed + 1))
fi

finish
