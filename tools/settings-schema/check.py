#!/usr/bin/env python3
"""Verify the generated Dovecot settings schema against the live doveconf.

Usage:
    python3 tools/settings-schema/check.py src/ConfigAnalyzer/Settings/dovecot-2.3.19.settings.yaml
    python3 tools/settings-schema/check.py src/ConfigAnalyzer/Settings/dovecot-2.4.1.settings.yaml

A 2.4 schema is checked against doveconf 2.4.1 from the chroot (tests/testbeds/dovecot24.sh; DOVECONF as in
generate24.py): its settings as below (2.4 has no sections: filters only scope the same keys), every filter is
accepted in its form, and the settings history matches the changes doveconf counts for an older
dovecot_config_version.

Checks (all against `doveconf -c <tmp config>`, so /etc/dovecot is not used):
  * every setting printed by `doveconf -a` (root, built-in service instances
    and their listeners, and one probe instance of every section type) is in
    the schema with exactly the printed default;
  * every schema setting not printed by -a is either hidden and answers
    `doveconf <name>` with its default, or (C default NULL) accepts a value;
  * every non-string setting rejects `zzinvalid` with its type's error class,
    string settings don't fail with a type error, every enum value is
    accepted, every alias is stored under its target, strlist sections take
    arbitrary keys;
  * built-in instances in the schema match `doveconf -a` exactly.
Prints a summary; exits 1 on any mismatch. Only the Python stdlib is used.
"""
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

DOVECONF = os.environ.get("DOVECONF", "doveconf")

# ------------------------------------------------------------ YAML subset parser
# Handles what generate.py emits: block maps by indentation, flow maps { },
# flow lists [ ], double-quoted scalars, plain scalars, # comments.


def _scan_scalar(s, i, stops):
    if s[i] == '"':
        out, i = [], i + 1
        while s[i] != '"':
            if s[i] == "\\":
                c = s[i + 1]
                if c == "x":
                    out.append(chr(int(s[i + 2:i + 4], 16)))
                    i += 4
                    continue
                out.append({"n": "\n", "t": "\t", "\\": "\\", '"': '"'}.get(c, c))
                i += 2
            else:
                out.append(s[i])
                i += 1
        return "".join(out), i + 1
    j = i
    while j < len(s) and s[j] not in stops:
        j += 1
    return s[i:j].strip(), j


def _skip_ws(s, i):
    while i < len(s) and s[i] == " ":
        i += 1
    return i


def _parse_flow(s, i):
    i = _skip_ws(s, i)
    if s[i] == "{":
        d, i = {}, _skip_ws(s, i + 1)
        while s[i] != "}":
            k, i = _scan_scalar(s, i, ":")
            i = _skip_ws(s, i + 1)
            v, i = _parse_flow(s, i)
            d[k] = v
            i = _skip_ws(s, i)
            if s[i] == ",":
                i = _skip_ws(s, i + 1)
        return d, i + 1
    if s[i] == "[":
        lst, i = [], _skip_ws(s, i + 1)
        while s[i] != "]":
            v, i = _parse_flow(s, i)
            lst.append(v)
            i = _skip_ws(s, i)
            if s[i] == ",":
                i = _skip_ws(s, i + 1)
        return lst, i + 1
    return _scan_scalar(s, i, ",}]")


def _strip_comment(line):
    in_q, i = False, 0
    while i < len(line):
        c = line[i]
        if c == '"':
            in_q = not in_q
        elif c == "\\" and in_q:
            i += 1
        elif c == "#" and not in_q and (i == 0 or line[i - 1] == " "):
            return line[:i].rstrip()
        i += 1
    return line.rstrip()


def parse_yaml(text):
    root = {}
    stack = [(-1, root)]
    pending = None  # (indent, parent dict, key) waiting for a nested block
    for raw in text.split("\n"):
        line = _strip_comment(raw)
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if pending is not None:
            pind, pdict, pkey = pending
            if indent > pind:
                pdict[pkey] = {}
                stack.append((pind, pdict[pkey]))
            else:
                pdict[pkey] = None
            pending = None
        while stack[-1][0] >= indent:
            stack.pop()
        cur = stack[-1][1]
        key, j = _scan_scalar(body, 0, ":")
        rest = body[j + 1:].strip()
        if rest == "":
            pending = (indent, cur, key)
        elif rest[0] in "{[":
            cur[key] = _parse_flow(rest, 0)[0]
        else:
            cur[key] = _scan_scalar(rest, 0, "")[0]
    if pending is not None:
        pending[1][pending[2]] = None
    return root


# ------------------------------------------------------------ doveconf helpers

# The same doveconf runner and unquoting as the generator, so the two read doveconf alike.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402
from generate import run_doveconf as doveconf, unquote_value as unquote  # noqa: E402


class Block:
    def __init__(self, stype=None, name=None):
        self.stype, self.name, self.settings, self.blocks = stype, name, {}, []


def parse_dump(text):
    root = Block()
    stack = [root]
    for line in text.split("\n"):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s == "}":
            stack.pop()
        elif s.endswith("{") and " = " not in s:
            parts = s[:-1].strip().split(" ", 1)
            b = Block(parts[0], unquote(parts[1].strip()) if len(parts) > 1 else "")
            stack[-1].blocks.append(b)
            stack.append(b)
        else:
            m = re.match(r"^(\S+) = ?(.*)$", s)
            if m:
                stack[-1].settings[m.group(1)] = unquote(m.group(2))
    return root


ERROR_CLASS = {
    "bool": "Invalid boolean value",
    "uint": "Invalid number",
    "octal": "Invalid number",
    "time": "Invalid time interval",
    "time_msecs": "Invalid time interval",
    "size": "Invalid size",
    "port": "Invalid port number",
    "enum": "Invalid value",
}
# 2.4's own types.
ERROR_CLASS_24 = {"uintmax": "Invalid number", "strlist": "Setting is a string list"}
# Valid values that doveconf prints back unchanged.
SAMPLE = {"bool": "yes", "uint": "7", "octal": "0700", "time": "7 secs",
          "time_msecs": "7 ms", "size": "7 k", "port": "1234", "string": "zzalias",
          "string_vars": "zzalias"}
SAMPLE2 = {"bool": "no", "uint": "8", "octal": "0750", "time": "8 secs",
           "time_msecs": "8 ms", "size": "8 k", "port": "1235", "string": "zzalias2",
           "string_vars": "zzalias2"}


def sample(t, default):
    v = SAMPLE.get(t, "zzalias")
    return SAMPLE2.get(t, "zzalias2") if v == default else v


TYPE_ERRORS = list(set(ERROR_CLASS.values()))

failures = []
counts = {}


def fail(msg):
    failures.append(msg)


def count(what, n=1):
    counts[what] = counts.get(what, 0) + n


# ------------------------------------------------------------ config builders

def wrap_path(schema_sections, path):
    """(prefix, suffix) config text placing lines inside nested sections."""
    pre, suf, ind = [], [], ""
    secs = schema_sections
    for i, st in enumerate(path):
        sec = secs[st]
        pre.append("%s%s%s {" % (ind, st, "" if sec["kind"] == "list" else " zzprobe%d" % i))
        suf.insert(0, ind + "}")
        ind += "  "
        secs = sec.get("sections") or {}
    return "\n".join(pre) + ("\n" if pre else ""), "\n".join(suf) + "\n", ind


def all_sections(sections, path=()):
    for st, sec in sorted((sections or {}).items()):
        yield list(path) + [st], sec
        yield from all_sections(sec.get("sections"), list(path) + [st])


def find_block(tree, path):
    b = tree
    for i, st in enumerate(path):
        nxt = [c for c in b.blocks if c.stype == st and c.name in ("", "zzprobe%d" % i)]
        if not nxt:
            return None
        b = nxt[-1]
    return b


# ------------------------------------------------------------ checks

def check_hidden(settings, dump, hidden_printed_is_error):
    """Hidden settings answer their default by name (doveconf <name>); returns the settings -a does not print and
    that are not hidden (NULL defaults), for the caller to probe. 2.3's -a never prints a hidden setting; 2.4's
    does for some, which is only counted."""
    hidden, unprinted = [], []
    for k, s in settings.items():
        if s["type"] == "alias" or k in dump.settings:
            if s.get("hidden") == "true" and k in dump.settings:
                if hidden_printed_is_error:
                    fail("%s marked hidden but printed by doveconf -a" % k)
                else:
                    count("hidden settings that -a prints anyway")
            continue
        (hidden if s.get("hidden") == "true" else unprinted).append(k)
    if hidden:
        got = parse_dump(doveconf(hidden, "")[1]).settings
        for k in hidden:
            count("hidden settings checked via doveconf <name>")
            if got.get(k) != settings[k]["default"]:
                fail("hidden %s: doveconf %s prints %r, schema default %r" % (k, k, got.get(k), settings[k]["default"]))
    return unprinted


# As in generate.py: settings whose printed value an installed binary computes (Pigeonhole's managesieve).
COMPUTED_BY_BINARY = ("managesieve_sieve_capability", "managesieve_notify_capability")


def check_defaults(schema):
    settings = schema["settings"]
    sections = schema["sections"]
    rc, out, err = doveconf(["-a"], "")
    dump = parse_dump(out)
    for k, v in dump.settings.items():
        count("root settings printed by -a")
        s = settings.get(k)
        if s is None:
            fail("root %s (= %r) missing from schema" % (k, v))
        elif k in COMPUTED_BY_BINARY:
            # doveconf prints what the installed binary computes; the schema keeps the real (empty) default.
            count("computed settings (default empty)")
            if s.get("default") != "":
                fail("root %s: computed by an installed binary, schema default must be empty, not %r" % (k, s.get("default")))
        elif s.get("default") != v:
            fail("root %s default %r, doveconf prints %r" % (k, s.get("default"), v))
    unprinted = check_hidden(settings, dump, hidden_printed_is_error=True)
    for k in unprinted:
        count("unprinted (NULL default) settings accepted")
        rc, out, err = doveconf(["-n"], "%s = zzprobe\n" % k)
        if "%s = zzprobe" % k not in out:
            fail("%s neither printed by -a nor hidden, and not accepted: %s" % (k, err.strip()))

    # built-in instances
    for b in dump.blocks:
        sec = sections.get(b.stype)
        if sec is None:
            fail("doveconf -a prints unknown section %s" % b.stype)
            continue
        inst = (sec.get("instances") or {}).get(b.name)
        if inst is None:
            fail("built-in %s %r missing from schema instances" % (b.stype, b.name))
            continue
        count("built-in instances checked")
        compare_block(b, sec, inst.get("settings") or {}, "%s %s" % (b.stype, b.name))
        isubs = inst.get("sections") or {}
        seen = set()
        for c in b.blocks:
            subsec = (sec.get("sections") or {}).get(c.stype)
            ov = (isubs.get(c.stype) or {}).get(c.name)
            if subsec is None or ov is None:
                fail("%s %s: %s %r missing from schema instance" % (b.stype, b.name, c.stype, c.name))
                continue
            seen.add((c.stype, c.name))
            compare_block(c, subsec, ov, "%s %s / %s %s" % (b.stype, b.name, c.stype, c.name))
        for st, items in isubs.items():
            for n in items:
                if (st, n) not in seen:
                    fail("schema instance %s %s has %s %r that doveconf lacks" % (b.stype, b.name, st, n))
    for st, sec in sections.items():
        for n in (sec.get("instances") or {}):
            if not any(b.stype == st and b.name == n for b in dump.blocks):
                fail("schema instance %s %r not built into doveconf" % (st, n))

    # one probe instance of every (nested) section type
    conf = []
    for path, sec in all_sections(sections):
        pre, suf, ind = wrap_path(sections, path)
        if sec["kind"] == "strlist":
            conf.append(pre + ind + "zzkey = zzvalue\n" + suf)
        else:
            conf.append(pre + suf)
    rc, out, err = doveconf(["-a"], "".join(conf))
    tree = parse_dump(out)
    for path, sec in all_sections(sections):
        blk = find_block(tree, path)
        label = "/".join(path)
        if blk is None:
            fail("section %s not printed by doveconf -a probe" % label)
            continue
        count("section types probed")
        if sec["kind"] == "strlist":
            if blk.settings.get("zzkey") != "zzvalue":
                fail("strlist %s did not keep an arbitrary key" % label)
            continue
        compare_block(blk, sec, {}, label, probe=True)


def compare_block(blk, sec, overrides, label, probe=False):
    ss = sec.get("settings") or {}
    for k, v in blk.settings.items():
        count("section settings compared")
        s = ss.get(k)
        if s is None:
            fail("%s: %s missing from schema" % (label, k))
            continue
        want = overrides.get(k, s.get("default"))
        if want != v:
            fail("%s: %s expected %r, doveconf prints %r" % (label, k, want, v))
    for k in overrides:
        if k not in blk.settings:
            fail("%s: override %s not printed by doveconf" % (label, k))
    if probe:
        for k, s in ss.items():
            if s["type"] != "alias" and k not in blk.settings and k != sec.get("name") \
                    and s.get("hidden") != "true":
                count("unprinted (NULL default) section settings")


def type_probes(schema):
    """(label, conf, expect) jobs; expect = error substring, or ('ok', key, value)."""
    jobs = []

    def add(settings, pre, suf, ind, label_prefix, name_key=None):
        for k, s in sorted(settings.items()):
            t = s["type"]
            label = label_prefix + k
            if t == "alias":
                target = settings.get(s["of"], {})
                val = sample(target.get("type"), target.get("default"))
                if target.get("type") == "enum":
                    val = target["values"][-1]
                jobs.append((label + " (alias of %s)" % s["of"], "%s%s%s = %s\n%s" % (pre, ind, k, val, suf),
                             "Panic" if s.get("doveconf_panics") == "true" else ("ok", s["of"], val)))
                continue
            if k == name_key or k == "dovecot_config_version":
                continue
            if t in ("strlist", "boollist"):
                # 2.4's lists, in their block form: a strlist keeps any key and value, a boollist only booleans.
                conf = "%s%s%s {\n%s  zzkey = zzinvalid\n%s}\n%s" % (pre, ind, k, ind, ind, suf)
                jobs.append((label + " (%s block)" % t, conf,
                             ("ok", "zzkey", "zzinvalid") if t == "strlist" else "Invalid boolean value"))
            conf = "%s%s%s = zzinvalid\n%s" % (pre, ind, k, suf)
            if t == "boollist":
                continue
            if t in ERROR_CLASS:
                jobs.append((label + " (%s invalid)" % t, conf, ERROR_CLASS[t]))
            else:
                jobs.append((label + " (%s)" % t, conf, ("ok", k, "zzinvalid")))
            if t in SAMPLE and t != "string":
                val = sample(t, s.get("default"))
                jobs.append((label + " (%s valid)" % t, "%s%s%s = %s\n%s" % (pre, ind, k, val, suf),
                             ("ok", k, val)))
            if t == "enum":
                for v in s.get("values") or []:
                    jobs.append((label + " (enum %s)" % v, "%s%s%s = %s\n%s" % (pre, ind, k, v, suf),
                                 ("accept", k, v)))
    add(schema["settings"], "", "", "", "")
    for path, sec in all_sections(schema.get("sections")):
        if sec["kind"] == "strlist":
            continue
        pre, suf, ind = wrap_path(schema["sections"], path)
        add(sec.get("settings") or {}, pre, suf, ind, "/".join(path) + "/", sec.get("name"))
    return jobs


def run_job(job):
    label, conf, expect = job
    rc, out, err = doveconf(["-n", "-P"], conf)
    ferr = "\n".join(l for l in err.split("\n") if ("Fatal" in l and "line" in l) or "Panic:" in l)
    if expect is None:
        for e in TYPE_ERRORS:
            if e in ferr:
                return "%s: string setting rejected: %s" % (label, ferr)
        return None
    if isinstance(expect, tuple):
        kind, key, val = expect
        if ferr:
            return "%s: rejected: %s" % (label, ferr)
        if kind == "ok":
            tree = parse_dump(out)
            found = [False]

            def walk(b, path):
                # 2.4's doveconf -n prints a key whose prefix names a filter inside it: virtual_max_open_mailboxes = 7
                # as virtual { max_open_mailboxes = 7 }.
                for i in range(len(path) + 1):
                    if b.settings.get(key[len("_".join(path[i:])) + 1:] if path[i:] else key) == val \
                            and (not path[i:] or key.startswith("_".join(path[i:]) + "_")):
                        found[0] = True
                for c in b.blocks:
                    walk(c, path + [c.stype])
            walk(tree, [])
            if not found[0]:
                return "%s: not stored under %s (exit %d; stdout %r; stderr %r)" % (label, key, rc, out[-300:], err[-300:])
        return None
    if expect not in ferr:
        return "%s: expected '%s', got %r" % (label, expect, ferr or "no error")
    return None


def check_defaults24(schema):
    """2.4: every setting doveconf -a prints has its default; the hidden ones answer by name; filters and history."""
    settings = schema["settings"]
    rc, out, err = doveconf(["-a"], "")
    if rc != 0:
        fail("doveconf -a of the minimal 2.4 config failed: %s" % err.strip())
    dump = parse_dump(out)
    for k, v in dump.settings.items():
        count("settings printed by -a")
        s = settings.get(k)
        if s is None:
            fail("%s (= %r) missing from schema" % (k, v))
        elif s.get("default") != v:
            fail("%s default %r, doveconf prints %r" % (k, s.get("default"), v))
    if dump.blocks:
        fail("doveconf -a of the minimal config prints filters: %s" % [b.stype for b in dump.blocks])
    unprinted = check_hidden(settings, dump, hidden_printed_is_error=False)
    for k in unprinted:
        count("unprinted settings checked")
        if k == "dovecot_config_version":
            continue
        rc, out, err = doveconf(["-n"], "%s = zzprobe\n" % k)
        if "%s = zzprobe" % k not in out:
            fail("%s neither printed by -a nor hidden, and not accepted: %s" % (k, err.strip()))

    def unknown(conf):
        return "Unknown section name" in doveconf(["-n"], conf)[2]
    if not unknown("zzfilter {\n}\n"):
        fail("doveconf accepts an unknown filter name: the filter probe below would prove nothing")
    for name, f in sorted(schema["filters"].items()):
        count("filters accepted")
        conf = "%s {\n}\n" % name if f["kind"] in ("name", "config") and name != "protocol" else "%s zzprobe {\n}\n" % name
        if name in ("local", "remote"):
            conf = "%s 127.0.0.1 {\n}\n" % name
        if unknown(conf):
            fail("filter %s refused by doveconf as an unknown section" % name)

    # The history: doveconf counts the default changes an older dovecot_config_version keeps.
    history = (schema.get("history") or {}).get("defaults") or {}
    versions = sorted({h["version"] for h in history.values()})
    header = "dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\n"
    rc, out, err = run_raw(["-n"], header)
    m = re.search(r"^# (\d+) default setting changes? since version 2\.4\.0$", out, re.M)
    want = sum(1 for h in history.values() if [int(x) for x in h["version"].split(".")] > [2, 4, 0])
    count("history versions", len(versions))
    if (int(m.group(1)) if m else 0) != want:
        fail("history: doveconf counts %s default changes since 2.4.0, the schema %d" % (m.group(1) if m else "no", want))


def run_raw(args, conf_text):
    """doveconf on exactly conf_text (without the version header every other probe gets)."""
    saved, generate.CONF_HEADER = generate.CONF_HEADER, ""
    try:
        return doveconf(args, conf_text)
    finally:
        generate.CONF_HEADER = saved


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check.py SCHEMA.yaml")
    schema = parse_yaml(open(sys.argv[1], encoding="utf-8").read())
    v24 = str(schema.get("dovecot", "")).startswith("2.4")
    for key in ("dovecot", "settings", "filters" if v24 else "sections"):
        if key not in schema:
            sys.exit("check.py: schema lacks top-level key %r" % key)
    if v24:
        import generate24  # noqa: F401  (points the shared doveconf runner at 2.4.1, with its version header)
        ERROR_CLASS.update(ERROR_CLASS_24)
        check_defaults24(schema)
    else:
        check_defaults(schema)
    jobs = type_probes(schema)
    with ThreadPoolExecutor(max_workers=8) as ex:
        for (label, _, expect), res in zip(jobs, ex.map(run_job, jobs)):
            count("value probes run")
            if res:
                fail(res)
    types = {}
    for s in schema["settings"].values():
        types[s["type"]] = types.get(s["type"], 0) + 1
    print("schema: dovecot %s, %d root settings (%s), %d root section types, %d filters"
          % (schema["dovecot"], len(schema["settings"]),
             ", ".join("%s %d" % kv for kv in sorted(types.items())), len(schema.get("sections") or {}),
             len(schema.get("filters") or {})))
    for path, sec in all_sections(schema.get("sections")):
        print("  section %-30s kind %-7s %3d settings%s" % (
            "/".join(path), sec["kind"], len(sec.get("settings") or {}),
            ", %d built-in instances" % len(sec["instances"]) if sec.get("instances") else ""))
    for k in sorted(counts):
        print("checked: %-45s %d" % (k, counts[k]))
    if failures:
        print("FAILED: %d mismatches" % len(failures))
        for f in failures:
            print("  " + f)
        sys.exit(1)
    print("OK: schema matches doveconf")


if __name__ == "__main__":
    main()
