#!/usr/bin/env python3
"""Generate the Dovecot 2.4.1 settings schema (YAML) for ConfigAnalyzer.

Usage (as root, with the 2.4 oracle built: tests/testbeds/dovecot24.sh build):
    mkdir -p /work/dovecot-src-2.4.1
    git -C <dovecot/core clone> archive 2.4.1 src | tar -x -C /work/dovecot-src-2.4.1
    mkdir -p /work/pigeonhole-src-2.4.1
    git -C <dovecot/pigeonhole clone> archive 2.4.1 src | tar -x -C /work/pigeonhole-src-2.4.1
    DOVECOT_SRC=/work/dovecot-src-2.4.1 python3 tools/settings-schema/generate24.py \\
        > src/ConfigAnalyzer/Settings/dovecot-2.4.1.settings.yaml

Inputs, as for 2.3 (generate.py, whose C parsing, doveconf runner and YAML writers this reuses):
  * Dovecot 2.4.1's source (DOVECOT_SRC): every `struct setting_define` array, its defaults struct and its
    `default_settings` key/value array, in every src/**/*.c (2.4 defines driver settings in the drivers' own
    files), and src/lib-settings/settings-history-core.txt; the same from Pigeonhole 2.4.1 (PIGEONHOLE_SRC).
  * doveconf 2.4.1 from the chroot (DOVECONF, default "tests/testbeds/dovecot24.sh doveconf"): `doveconf -a` of a
    config holding only the two required version settings gives every visible default as doveconf prints it;
    `doveconf <name>` the hidden ones; invalid values type what only the binary knows (Pigeonhole's settings).

2.4 has one flat namespace of settings: a filter (`namespace inbox { }`, `protocol imap { }`, `layout_index { }`)
only scopes the same keys, so the schema has `filters:` where 2.3's had `sections:`.
Only the Python standard library is used. Diagnostics go to stderr.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as g  # noqa: E402

DOVECOT_VERSION = "2.4.1"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
g.SRC = os.environ.get("DOVECOT_SRC", "/work/dovecot-src-2.4.1")
# Pigeonhole's source, for its filters (sieve_script NAME { }) and types, which doveconf -a cannot show.
PIGEONHOLE_SRC = os.environ.get("PIGEONHOLE_SRC", "/work/pigeonhole-src-2.4.1")
g.DOVECONF = os.environ.get("DOVECONF", os.path.join(REPO, "tests", "testbeds", "dovecot24.sh") + " doveconf")
# dovecot_config_version must be the first setting; the newest version gives today's defaults (none of the
# settings history applies). Both are required: without them doveconf refuses any config.
g.CONF_HEADER = "dovecot_config_version = %s\ndovecot_storage_version = %s\n" % (DOVECOT_VERSION, DOVECOT_VERSION)

# 2.4's SET_* types as the schema names them. 2.4's SET_STR expands %{variables} and SET_STR_NOVARS does not:
# the same two concepts 2.3 called string_vars and string, so they keep those names.
TYPE_NAMES = {
    "BOOL": "bool", "UINTMAX": "uintmax", "UINT": "uint", "UINT_OCT": "octal", "TIME": "time",
    "TIME_MSECS": "time_msecs", "SIZE": "size", "IN_PORT": "port", "STR": "string_vars",
    "STR_NOVARS": "string", "ENUM": "enum", "FILE": "file", "STRLIST": "strlist", "BOOLLIST": "boollist",
}
# Settings doveconf parses itself before any settings struct (src/config/config-parser.c).
CONFIG_PARSER_KEYS = ("dovecot_config_version",)


def keyvalue_arrays(src_root):
    """Every `struct setting_keyvalue NAME[] = { {"key", "value"}, ... }` in the source: NAME -> [(key, value)]."""
    arrays = {}
    rx = re.compile(r"struct\s+setting_keyvalue\s+(\w+)\s*\[\s*\]\s*=\s*\{")
    for root, _, names in os.walk(os.path.join(src_root, "src")):
        for n in sorted(names):
            if not n.endswith(".c") or n.startswith("test-"):
                continue
            text = g.strip_comments(open(os.path.join(root, n), encoding="utf-8", errors="replace").read())
            for m in rx.finditer(text):
                end = g.match_brace(text, m.end() - 1)
                pairs = []
                for entry in g.split_top(g.drop_preprocessor(text[m.end():end])):
                    parts = g.split_top(entry.strip()[1:-1])
                    if len(parts) != 2 or parts[0] == "NULL":
                        continue
                    k, v = g.c_string(parts[0]), g.c_string(parts[1])
                    if k is None or v is None:
                        g.warn("%s: cannot read default %s = %s" % (m.group(1), parts[0], parts[1]))
                        continue
                    pairs.append((k, v))
                arrays[m.group(1)] = pairs
    return arrays


def history(src_root):
    """settings-history-core.txt: the defaults and names older dovecot_config_versions keep."""
    defaults, renames = [], []
    with open(os.path.join(src_root, "src", "lib-settings", "settings-history-core.txt"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "default" and len(cols) >= 4 and cols[3]:
                defaults.append({"key": cols[1], "old_default": cols[2], "version": cols[3]})
            elif cols[0] == "rename" and len(cols) >= 4 and cols[3]:
                renames.append({"key": cols[1], "new_key": cols[2], "version": cols[3]})
    return defaults, renames


def from_source(src, settings, filters):
    """Adds the settings and filters src defines: Setting objects with C defaults, and filter descriptions."""
    for name in sorted(src.infos):
        for info in src.infos[name]:
            if info.defines is None:
                continue
            defaults = src.info_defaults(info)
            last = None
            for d in src.info_defines(info):
                t = d.type[4:] if d.type.startswith("SET_") else d.type
                if t in ("FILTER_NAME", "FILTER_ARRAY"):
                    f = {"kind": "name" if t == "FILTER_NAME" else "array"}
                    field = d.extra.get("filter_array_field_name")
                    if field:
                        f["name"] = g.c_string(field)
                    req = d.extra.get("required_setting")
                    if req:
                        f["requires"] = g.c_string(req)
                    prev = filters.get(d.key)
                    if prev is not None and prev != f:
                        g.warn("filter %s described differently by %s: %s vs %s" % (d.key, info.name, prev, f))
                    filters.setdefault(d.key, f)
                    continue
                if t == "ALIAS":
                    if last is not None and d.key not in settings:
                        settings[d.key] = g.Setting("alias", of=last)
                    continue
                if t not in TYPE_NAMES:
                    g.warn("%s: unknown setting type %s" % (d.key, d.type))
                    continue
                s = g.Setting(TYPE_NAMES[t], hidden=d.hidden)
                s.c_raw = defaults.get(d.field)
                if s.type == "enum":
                    cs = g.c_string(s.c_raw) if s.c_raw else None
                    s.values = cs.split(":") if cs is not None else []
                    if cs is None:
                        g.warn("%s: cannot read enum values from %r" % (d.key, s.c_raw))
                last = d.key
                prev = settings.get(d.key)
                if prev is not None:
                    if prev.type != s.type:
                        g.warn("%s: type %s in %s, %s elsewhere; keeping %s" % (d.key, s.type, info.name, prev.type, prev.type))
                    continue
                settings[d.key] = s
    return settings, filters


def filter_defaults(src, arrays, unknown_filters):
    """Defaults the source sets inside a filter ("layout_index/mailbox_list_storage_escape_char": "^"), but not in
    filters this doveconf does not know (fts_solr: Debian does not build it)."""
    out = {}
    for name in sorted(src.infos):
        for info in src.infos[name]:
            for k, v in arrays.get(info.default_settings or "", []):
                if "/" in k and k.split("/", 1)[0] not in unknown_filters:
                    out[k] = v
    return out


def probe_type(key, default):
    """generate.py's probe, and 2.4's lists: a boollist takes `KEY { NAME = yes|no }` only, a strlist any value.
    doveconf prints a list back as a block; a string setting also takes the block but keeps only its last value."""
    t = g.probe_type(key, default)
    if t != "string":
        return t
    rc, out, err = g.run_doveconf(["-n"], "%s {\n  zzprobe = zzinvalid\n}\n" % key)
    if rc == 0 and "\n%s {\n  zzprobe = zzinvalid\n" % key in out:
        return "strlist"
    # A boollist refuses the value as a boolean while reading it (a later check may refuse the name: sieve_plugins).
    if "zzprobe: Invalid boolean value" in err:
        return "boollist"
    return t


def known_filters(filters):
    """The filters this doveconf accepts: the source also describes drivers Debian does not build (cassandra, solr)."""
    out = {}
    for name, f in sorted(filters.items()):
        conf = "%s {\n}\n" % name if f["kind"] == "name" else "%s zzprobe {\n}\n" % name
        rc, _, err = g.run_doveconf(["-n"], conf)
        # A filter Dovecot knows may still refuse to be empty (its required setting, a listener path): only
        # "Unknown section name" says this doveconf does not know it.
        if rc == 0 or "Unknown section name" not in err:
            out[name] = f
        else:
            g.warn("filter %s not accepted by doveconf; dropped (%s)" % (name, err.strip().split("\n")[-1]))
    return out


def build():
    srcs = [(g.SRC, g.Src(every_c_file=True))]
    settings, filters = {}, {}
    from_source(srcs[0][1], settings, filters)
    dovecot_src = g.SRC
    if os.path.isdir(os.path.join(PIGEONHOLE_SRC, "src")):
        g.SRC = PIGEONHOLE_SRC
        srcs.append((PIGEONHOLE_SRC, g.Src(every_c_file=True)))
        from_source(srcs[1][1], settings, filters)
        g.SRC = dovecot_src
    else:
        g.warn("Pigeonhole source not found at %s (PIGEONHOLE_SRC): its settings are typed by probes only" % PIGEONHOLE_SRC)
    rc, out, err = g.run_doveconf(["-a"], "")
    if rc != 0 or not out.strip():
        sys.exit("generate24.py: `doveconf -a` failed: " + err)
    dump = g.parse_dump(out)
    if dump.blocks:
        g.warn("doveconf -a of an empty config prints filters: %s" % [b.stype for b in dump.blocks])
    for key, val in dump.settings.items():
        s = settings.get(key)
        if s is None:
            t = probe_type(key, val)
            s = settings[key] = g.Setting(t, values=[val] if t == "enum" else None)
            g.warn("%s known to doveconf but not in source; probed type %s" % (key, t))
        s.default = val
        if s.hidden:
            g.warn("%s is SET_FLAG_HIDDEN but printed by doveconf -a" % key)
    missing = [k for k, s in settings.items() if s.type != "alias" and s.default is None]
    if missing:
        got = g.parse_dump(g.run_doveconf(missing, "")[1]).settings
        for key in missing:
            s = settings[key]
            if key in got:
                s.default = got[key]
                if not s.hidden:
                    g.warn("%s not printed by doveconf -a but not hidden in source" % key)
                continue
            rc, out, err = g.run_doveconf(["-n"], "%s = zzprobe\n" % key)
            if key in CONFIG_PARSER_KEYS or (rc == 0 and "zzprobe" in out):
                s.default = ""
                s.c_raw = "NULL"
                g.warn("%s: not printed by doveconf (-a or by name); default \"\"" % key)
            else:
                g.warn("%s defined in source but unknown to doveconf; dropped (%s)" % (key, err.strip().split("\n")[-1]))
                del settings[key]
    for key, s in settings.items():
        if s.type == "enum" and s.values and s.values[0] != s.default:
            g.warn("%s: doveconf default %r is not the first C enum value %s" % (key, s.default, s.values))
    for key, s in list(settings.items()):
        if s.type == "alias" and s.of not in settings:
            del settings[key]
        elif s.type == "alias":
            # 2.4.1's config parser never expects an alias (config-parser.c: i_unreached()): setting one panics.
            rc, out, err = g.run_doveconf(["-n"], "%s = %s\n" % (key, settings[s.of].default or "0"))
            s.panics = "Panic:" in err
    known = known_filters(filters)
    return srcs, settings, known, set(filters) - set(known)


def setting_flow(s):
    flow = g.setting_flow(s)
    if getattr(s, "panics", False):
        flow = flow[:-2] + ", doveconf_panics: true }"
    # A NULL string default is printed as "" by 2.4's doveconf -a like any empty string: nothing to tell apart.
    return flow.replace(", null_default: true", "")


def main():
    srcs, settings, filters, unknown_filters = build()
    fdefaults = {}
    for root, src in srcs:
        fdefaults.update(filter_defaults(src, keyvalue_arrays(root), unknown_filters))
    hdefaults, hrenames = history(g.SRC)
    lines = [
        "# Dovecot %s settings schema. Generated by tools/settings-schema/generate24.py from doveconf %s (Debian trixie,"
        " every module) and Dovecot's setting definitions; do not edit by hand." % (DOVECOT_VERSION, DOVECOT_VERSION),
        "# Same shape as the 2.3 schema where the concepts are the same. What 2.4 adds:",
        "#   settings: one flat namespace: every key valid in dovecot.conf, at the root or inside any filter.",
        "#     Types besides 2.3's: uintmax; file (a path, or inline: content); boollist (`mail_plugins { quota = yes }`",
        "#     or a space-separated list); strlist (key = value pairs in a block). string_vars is 2.4's SET_STR (with",
        "#     %%{variables}), string its SET_STR_NOVARS. Defaults are those of dovecot_config_version = %s." % DOVECOT_VERSION,
        "#   filters: the names usable as `NAME { }` (kind: name, SET_FILTER_NAME) and `NAME VALUE { }` (kind: array,",
        "#     SET_FILTER_ARRAY; `name` is the setting the VALUE sets, e.g. namespace_name), with `requires`: the",
        "#     setting that names the driver (SET_FILTER_NAME's required_setting). protocol, local, remote and",
        "#     local_name are doveconf's own filters (src/config/config-parser.c), as in 2.3.",
        "#   filter_defaults: defaults the source sets inside a filter, keyed FILTER/.../KEY as Dovecot writes them.",
        "#   doveconf_panics: true on an alias doveconf 2.4.1 cannot set (its parser panics: 'unreached').",
        "#   history: settings-history-core.txt, in its order. defaults: with dovecot_config_version older than",
        "#     `version`, the key (a FILTER/.../KEY path) has `old_default`. renames: a key's old name, its `new_key`.",
        "dovecot: %s" % DOVECOT_VERSION,
        "settings:                    # every setting, at the root or inside any filter",
    ]
    for key in sorted(settings):
        lines.append("  %s: %s" % (g.yk(key), setting_flow(settings[key])))
    lines.append("filters:")
    for name in ("local", "local_name", "protocol", "remote"):
        filters.setdefault(name, {"kind": "config"})
    for name in sorted(filters):
        f = filters[name]
        parts = ["kind: %s" % f["kind"]]
        if "name" in f:
            parts.append("name: %s" % g.yk(f["name"]))
        if "requires" in f:
            parts.append("requires: %s" % g.yk(f["requires"]))
        lines.append("  %s: { %s }" % (g.yk(name), ", ".join(parts)))
    lines.append("filter_defaults:")
    for k in sorted(fdefaults):
        lines.append("  %s: %s" % (g.yq(k), g.yq(fdefaults[k])))
    lines.append("history:")
    for what, entries, field in (("defaults", hdefaults, "old_default"), ("renames", hrenames, "new_key")):
        if len({h["key"] for h in entries}) != len(entries):
            # A key changed twice would need a list per key: the schema's shape (and its readers) must change first.
            sys.exit("generate24.py: a key appears twice in the settings history's %s" % what)
        lines.append("  %s:%s" % (what, "" if entries else " {}"))
        for h in entries:
            lines.append("    %s: { %s: %s, version: %s }" % (g.yq(h["key"]), field, g.yq(h[field]), g.yq(h["version"])))
    sys.stdout.write("\n".join(lines) + "\n")
    print("generate24.py: %d settings, %d filters, %d filter defaults, %d warnings"
          % (len(settings), len(filters), len(fdefaults), len(g.warnings)), file=sys.stderr)


if __name__ == "__main__":
    main()
