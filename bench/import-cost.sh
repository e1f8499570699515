#!/usr/bin/env bash
# Benchmark: what MailStorage adds to a PowerShell session's start. Medians over N runs of a fresh pwsh (the pinned
# dotnet tool, -NoProfile): the anchor `exit`; a first built-in command (Get-Date), which pays PowerShell's own
# first-command start (about 100 ms here) that any session's first command pays; Import-Module of the built module;
# and Import-Module plus a first Get-MailStorageConfig of the bundled example (the cost an admin shell or a runbook
# pays before its first answer). Prints the medians and what each adds over the anchors (issue 16's goal: about
# 100 ms for MailStorage's own share).
#   bench/import-cost.sh [runs]     (default 15; run ./build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
pwsh_dll=$(dotnet tool run pwsh -NoProfile -c '[System.Reflection.Assembly]::GetEntryAssembly().Location' | tail -n 1)

median_ms() {
  local script=$1 times=() i t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    dotnet "$pwsh_dll" -NoProfile -NonInteractive -Command "$script" >/dev/null
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

dotnet "$pwsh_dll" -NoProfile -NonInteractive -Command "Import-Module ./MailStorage.psd1; Get-MailStorageConfig examples/dovecot.conf | Out-Null" # warm the disk cache
anchor=$(median_ms 'exit')
builtin=$(median_ms 'Get-Date | Out-Null')
import=$(median_ms 'Import-Module ./MailStorage.psd1')
first=$(median_ms 'Import-Module ./MailStorage.psd1; Get-MailStorageConfig examples/dovecot.conf -NonDefault | Out-Null')
echo "pwsh -NoProfile, median of $runs runs:"
echo "  exit                                        ${anchor} ms  (anchor)"
echo "  a first built-in command (Get-Date)         ${builtin} ms  (+$((builtin - anchor)) ms: PowerShell's own first-command start)"
echo "  Import-Module                               ${import} ms  (+$((import - anchor)) ms)"
echo "  Import-Module + first Get-MailStorageConfig ${first} ms  (+$((first - anchor)) ms over exit, +$((first - builtin)) ms over a first built-in command)"
