#!/usr/bin/env bash
# Benchmark: parse and evaluate a Dovecot tree (default: Debian's /etc/dovecot) in-process, warm,
# against the doveconf -n process. Prints both medians and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/ConfigBench -c Release -v quiet -nologo >/dev/null
dotnet artifacts/bin/ConfigBench/release/ConfigBench.dll "$@"
