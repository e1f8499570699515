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

# Dovecot's doveconf is the oracle the tests compare against.
if [ ! -x /usr/bin/doveconf ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing dovecot-core (doveconf)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-core >/dev/null \
      || { problems+=("apt-get install dovecot-core failed"); failed=$((failed + 1)); finish; }
  elif [ "${CI:-}" = "true" ]; then
    problems+=("/usr/bin/doveconf is missing and this is not root: install dovecot-core")
    failed=$((failed + 1))
    finish
  else
    echo "test.sh: /usr/bin/doveconf is missing (run as root, or apt-get install dovecot-core); tests against it will fail" >&2
  fi
fi

# python3 runs the settings schema checker (tools/settings-schema/check.py) from the xunit suite.
if ! command -v python3 >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing python3" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null \
      || { problems+=("apt-get install python3 failed"); failed=$((failed + 1)); finish; }
  elif [ "${CI:-}" = "true" ]; then
    problems+=("python3 is missing and this is not root: install python3")
    failed=$((failed + 1))
    finish
  fi
fi

if ! ./build.sh; then
  problems+=("build.sh failed")
  failed=$((failed + 1))
  finish
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

# xunit: every test project, counted from its TRX file.
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
done < <(find tests -name '*.csproj' -not -path '*/obj/*' -not -path '*/bin/*' | sort)

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

finish
