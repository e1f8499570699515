#!/usr/bin/env bash
# Benchmark: what Test-MailStorageConfig does in-process (ConfigReader.Read + ConfigLinter.Lint, every rule),
# warm, against the doveconf -n process on the same tree. Prints both medians and the ratio for
#   the bundled example (examples/dovecot.conf) against its profile (examples/mailstorage.yaml), and
#   Debian's /etc/dovecot/dovecot.conf against a local ext4 profile;
# or for the given pairs:  bench/lint.sh CONFIG PROFILE [CONFIG PROFILE]...
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/ConfigBench -c Release -v quiet -nologo >/dev/null
dotnet artifacts/bin/ConfigBench/release/ConfigBench.dll --lint "$@"
