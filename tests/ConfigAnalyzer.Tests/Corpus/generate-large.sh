#!/bin/sh
# Regenerates the large/binary malformed corpus files deterministically.
# Usage: sh generate-large.sh   (run from anywhere; writes next to this script)
set -eu
cd "$(dirname "$0")/malformed"

# binary-garbage: 4096 pseudo-random bytes from a fixed seed (no external tools besides python3).
mkdir -p binary-garbage
python3 - <<'PY'
import random
r = random.Random(20240601)
data = bytes(r.getrandbits(8) for _ in range(4096))
open("binary-garbage/dovecot.conf", "wb").write(data)
PY

# one-megabyte-line: a single setting whose value is 1 MiB of 'a', followed by an unknown setting
# so that doveconf has a defect to report AFTER successfully reading the huge line.
mkdir -p one-megabyte-line
python3 - <<'PY'
with open("one-megabyte-line/dovecot.conf", "w") as f:
    f.write("# Defect: a 1 MiB value line (accepted) followed by an unknown setting (line 3).\n")
    f.write("login_greeting = " + "a" * (1024 * 1024) + "\n")
    f.write("no_such_setting_after_huge_line = yes\n")
PY

# thousand-deep-nesting: 1000 nested sections (namespace > mailbox > mailbox ...).
mkdir -p thousand-deep-nesting
python3 - <<'PY'
depth = 1000
lines = ["# Defect: 1000 nested sections: namespace { mailbox { mailbox { ... } } }"]
lines.append("namespace inbox {")
for i in range(1, depth):
    lines.append("mailbox m%d {" % i)
for i in range(depth - 1, -1, -1):
    lines.append("}")
open("thousand-deep-nesting/dovecot.conf", "w").write("\n".join(lines) + "\n")
PY

# valid/thousand-deep-local-filters: 1000 nested local {} filters with the same network are ACCEPTED
# (a nested local net only has to be inside its parent); doveconf -n flattens them into one filter.
cd ../valid
mkdir -p thousand-deep-local-filters
python3 - <<'PY'
depth = 1000
lines = ["# Feature: 1000 nested local 10.0.0.0/8 {} filters are accepted and flattened by doveconf -n."]
for i in range(depth):
    lines.append("local 10.0.0.0/8 {")
lines.append("mail_max_userip_connections = 42")
for i in range(depth - 1, -1, -1):
    lines.append("}")
open("thousand-deep-local-filters/dovecot.conf", "w").write("\n".join(lines) + "\n")
PY
