#!/usr/bin/env bash
# Benchmark: the time the MailStorage analyzer adds to `dotnet build` for a 2,000-line Dovecot config.
# Copies examples/ci-lint to a temp folder, grows its config to 2,000 lines (mailbox sections that doveconf
# accepts), then builds with -p:ReportAnalyzer=true and prints the analyzer's own time as the compiler
# reports it, and the whole build with and without the config item. Needs ./build.sh to have packed the analyzer.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[ -f artifacts/packages/MailStorage.ConfigAnalyzer.0.1.0.nupkg ] || { echo "run ./build.sh first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/ci-lint/. "$work/"
sed -i "s#../../artifacts/packages#$root/artifacts/packages#" "$work/nuget.config"
base=$(cat "$work"/dovecot.conf "$work"/conf.d/*.conf "$work"/conf.d/*.ext | wc -l)
mailboxes=$(( (2000 - base - 4 + 2) / 3 ))
{
  echo "namespace archive {"
  echo "  prefix = Archive/"
  echo "  separator = /"
  for i in $(seq 1 "$mailboxes"); do
    echo "  mailbox \"Archive/$i\" {"
    echo "    auto = no"
    echo "  }"
  done
  echo "}"
} > "$work/conf.d/90-archive.conf"
lines=$(cat "$work"/dovecot.conf "$work"/conf.d/*.conf "$work"/conf.d/*.ext | wc -l)
doveconf -c "$work/dovecot.conf" -n > /dev/null
export NUGET_PACKAGES="$work/.nuget"
dotnet restore "$work" -v q --nologo > /dev/null
build() { (cd "$work" && /usr/bin/time -f %e dotnet build --no-restore --nologo -v q "$@" 2>&1 >/dev/null | tail -n 1); }
build > /dev/null  # warm the build server
echo "config lines: $lines"
for i in 1 2 3; do
  touch "$work/conf.d/90-archive.conf"
  echo "build with analyzer:        $(build) s"
done
for i in 1 2 3; do
  report=$(cd "$work" && touch conf.d/90-archive.conf && dotnet build --no-restore --nologo -v d -p:ReportAnalyzer=true 2>&1 \
    | grep -E "Total analyzer execution time|MailStorage.ConfigAnalyzer, Version" | head -n 2 | sed -E 's/^ +//; s/ +/ /g' | paste -sd';' || true)
  echo "compiler report (-p:ReportAnalyzer=true): $report"
done
sed -i 's#<DovecotConfig Include="dovecot.conf" />##' "$work/CiLint.csproj"
for i in 1 2 3; do
  touch "$work/Lint.cs"
  echo "build without the config:   $(build) s"
done
