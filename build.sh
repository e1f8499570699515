#!/usr/bin/env bash
# Builds MailStorage: the importable module in artifacts/module (MailStorage.psd1 at the repository root
# points at it), the analyzer package in artifacts/packages, and restores the tools the tests use.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet tool restore >/dev/null
# Pester 5.7.1 and YamlDotNet 11.2.1 (for the isolation test) come from NuGet into the package cache.
dotnet restore tools/restore-tools --verbosity quiet
dotnet restore MailStorage.sln --verbosity quiet

# The module layout is made by MailStorage.PowerShell's LayOutModule target; start it from nothing so no
# stale assembly is shipped.
rm -rf artifacts/module
dotnet build MailStorage.sln -c Release --no-restore --nologo --verbosity quiet

# ReadyToRun: the module's assemblies with code precompiled for linux-x64 (they keep their IL, so elsewhere they are
# compiled at run time as before). A session's first command then waits for much less JIT (bench/import-cost.sh).
dotnet publish src/MailStorage.PowerShell -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o artifacts/r2r --nologo --verbosity quiet
cp artifacts/r2r/MailStorage.PowerShell.dll artifacts/module/
for f in artifacts/module/dependencies/*.dll; do
  if [ -f "artifacts/r2r/${f##*/}" ]; then cp "artifacts/r2r/${f##*/}" "$f"; fi
done

for f in artifacts/module/MailStorage.PowerShell.dll artifacts/module/MailStorage.Format.ps1xml \
         artifacts/module/en-US/MailStorage.PowerShell.dll-Help.xml \
         artifacts/module/dependencies/MailStorage.ConfigAnalyzer.dll artifacts/module/dependencies/YamlDotNet.dll; do
  [ -f "$f" ] || { echo "build.sh: $f is missing from the module layout" >&2; exit 1; }
done
if ls artifacts/module/dependencies | grep -qi -e '^System\.Management\.Automation' -e '^Microsoft\.PowerShell'; then
  echo "build.sh: PowerShell's own assemblies must not ship in artifacts/module/dependencies" >&2
  exit 1
fi

# The version lives in Directory.Build.props only; the manifest gets it from there.
version=$(sed -n 's:.*<Version>\([^<]*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
[ -n "$version" ] || { echo "build.sh: no <Version> in Directory.Build.props" >&2; exit 1; }
sed -i -E "s/^([[:space:]]*ModuleVersion[[:space:]]*=[[:space:]]*)'[^']*'/\1'$version'/" MailStorage.psd1

dotnet pack src/ConfigAnalyzer -c Release --no-build --nologo --verbosity quiet -o artifacts/packages
# The module as a PSResourceGet package (Install-PSResource MailStorage). PSResourceGet keeps its repositories under
# XDG_DATA_HOME: a folder of its own keeps the temporary one out of the user's settings.
pack_data=$(mktemp -d)
XDG_DATA_HOME=$pack_data dotnet tool run pwsh -NoProfile -NonInteractive -File tools/pack-module.ps1 >/dev/null \
  || { rm -rf "$pack_data"; echo "build.sh: packing the module failed" >&2; exit 1; }
rm -rf "$pack_data"
echo "build.sh: module $version in artifacts/module, packages in artifacts/packages"
