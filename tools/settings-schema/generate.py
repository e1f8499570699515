#!/usr/bin/env python3
"""Generate the Dovecot 2.3.19.1 settings schema (YAML) for ConfigAnalyzer.

Usage:
    python3 tools/settings-schema/generate.py > src/ConfigAnalyzer/Settings/dovecot-2.3.19.settings.yaml

Inputs:
  * Dovecot's source tree (env DOVECOT_SRC, default /work/dovecot-src): the
    `struct setting_define` arrays, `*_default_settings` structs and
    `struct setting_parser_info` definitions in every src/**/*settings.c
    (the same files settings-get.pl bundles into all-settings.c). These give
    the setting types, SET_FLAG_HIDDEN, aliases, section kinds, the
    section-name key (type_offset) and enum value lists.
  * The installed doveconf (env DOVECONF, default "doveconf"): `doveconf -a`
    against an empty config gives the defaults exactly as doveconf prints
    them plus the built-in service instances; `doveconf <name>` gives hidden
    settings' defaults; small probe configs give section defaults. Settings
    that doveconf knows but the source does not define (e.g. from a settings
    plugin such as pigeonhole's) are typed by feeding doveconf invalid values
    and classifying the error.

Only the Python standard library is used. Diagnostics go to stderr.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

DOVECOT_VERSION = "2.3.19.1"
SRC = os.environ.get("DOVECOT_SRC", "/work/dovecot-src")
DOVECONF = os.environ.get("DOVECONF", "doveconf")  # a command line: "tests/testbeds/dovecot24.sh doveconf" runs 2.4's
# Prepended to every probe config: 2.4 refuses a config without dovecot_config_version and dovecot_storage_version.
CONF_HEADER = ""

TYPE_NAMES = {
    "BOOL": "bool", "UINT": "uint", "UINT_OCT": "octal", "TIME": "time",
    "TIME_MSECS": "time_msecs", "SIZE": "size", "IN_PORT": "port",
    "STR": "string", "STR_VARS": "string_vars", "ENUM": "enum",
}
LIST_KINDS = {"SET_DEFLIST": "list", "SET_DEFLIST_UNIQUE": "unique",
              "SET_STRLIST": "strlist"}

warnings = []


def warn(msg):
    warnings.append(msg)
    print("generate.py: " + msg, file=sys.stderr)


# ---------------------------------------------------------------- C parsing

def strip_comments(text):
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_top(body, sep=","):
    """Split at top-level separators (outside (), {}, [] and strings)."""
    parts, depth, cur, i = [], 0, [], 0
    while i < len(body):
        c = body[i]
        if c == '"':
            j = i + 1
            while j < len(body) and body[j] != '"':
                j += 2 if body[j] == "\\" else 1
            cur.append(body[i:j + 1])
            i = j + 1
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def drop_preprocessor(body):
    """Keep the first branch of #if/#else blocks inside initialisers."""
    out, stack = [], []
    for line in body.split("\n"):
        s = line.strip()
        if s.startswith("#if"):
            stack.append(True)
            continue
        if s.startswith("#else") or s.startswith("#elif"):
            if stack:
                stack[-1] = False
            continue
        if s.startswith("#endif"):
            if stack:
                stack.pop()
            continue
        if s.startswith("#"):
            continue
        if all(stack):
            out.append(line)
    return "\n".join(out)


def match_brace(text, start):
    """text[start] == '{'; return index of the matching '}'."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced braces")


STRING_MACROS = {}


def load_string_macros():
    """#define NAME "literal" from all headers/sources (for enum defaults)."""
    rx = re.compile(r'^#\s*define\s+([A-Z_][A-Z0-9_]*)\s+((?:"(?:[^"\\]|\\.)*"\s*)+)$', re.M)
    for root, _, names in os.walk(os.path.join(SRC, "src")):
        for n in names:
            if n.endswith((".h", ".c")):
                try:
                    text = open(os.path.join(root, n), encoding="utf-8", errors="replace").read()
                except OSError:
                    continue
                for m in rx.finditer(text):
                    STRING_MACROS.setdefault(m.group(1), m.group(2).strip())


def c_string(expr):
    """Concatenate C string literals in expr; None if it is not only literals."""
    for _ in range(5):
        new = re.sub(r"\b([A-Z_][A-Z0-9_]*)\b",
                     lambda m: STRING_MACROS.get(m.group(1), m.group(1)), expr)
        if new == expr:
            break
        expr = new
    lits = re.findall(r'"((?:[^"\\]|\\.)*)"', expr)
    rest = re.sub(r'"((?:[^"\\]|\\.)*)"', "", expr).strip()
    if not lits or rest:
        return None
    s = "".join(lits)
    return bytes(s, "utf-8").decode("unicode_escape")


class Define:
    def __init__(self, type_, key, field=None, hidden=False, list_info=None, extra=None):
        self.type = type_        # BOOL..ENUM, or SET_DEFLIST/_UNIQUE/STRLIST/ALIAS
        self.key = key
        self.field = field
        self.hidden = hidden
        self.list_info = list_info
        self.extra = extra or {}  # every .field = value of a { } entry (2.4: filter_array_field_name, required_setting)


class Info:
    def __init__(self, name, fname):
        self.name = name
        self.file = fname
        self.module_name = None
        self.defines = None
        self.defaults = None
        self.type_field = None
        self.set_name = None          # 2.4: .name
        self.default_settings = None  # 2.4: .default_settings, a setting_keyvalue array


def parse_define_entry(entry, macros):
    m = re.match(r"(DEF\w*)\s*\((.*)\)\s*$", entry, re.S)
    if m and m.group(1) in macros:
        mac = macros[m.group(1)]
        args = [a.strip() for a in split_top(m.group(2))]
        if mac["kind"] == "expand":
            return parse_define_entry(expand_macro(mac, args), macros)
        if mac["kind"] == "def":
            t, name = args
            hidden = t.endswith("_HIDDEN")
            if hidden:
                t = t[:-len("_HIDDEN")]
            return Define(t, mac["prefix"] + name, field=name, hidden=hidden)
        field, key, info = args
        return Define(mac["settype"], c_string(key), field=field,
                      list_info=info.lstrip("&").strip())
    m = re.match(r"SETTING_DEFINE_STRUCT_(\w+)\s*\((.*)\)\s*$", entry, re.S)
    if m:
        t = m.group(1)
        args = split_top(m.group(2))
        hidden = t.endswith("_HIDDEN")
        if hidden:
            t = t[:-len("_HIDDEN")]
        return Define(t, c_string(args[0]), field=args[1], hidden=hidden)
    if entry.startswith("{"):
        inner = entry.strip()[1:-1]
        d = {}
        for part in split_top(inner):
            mm = re.match(r"\.(\w+)\s*=\s*(.*)$", part, re.S)
            if mm:
                d[mm.group(1)] = mm.group(2).strip()
        if not d:
            return None  # SETTING_DEFINE_LIST_END literal
        t = d.get("type", "")
        t = re.sub(r"\s*\+.*", "", t, flags=re.S).strip()
        field = None
        if "offset" in d:
            mm = re.search(r"offsetof\s*\([^,]+,\s*(\w+)\s*\)", d["offset"])
            field = mm.group(1) if mm else None
        hidden = "SET_FLAG_HIDDEN" in d.get("flags", "")
        info = d.get("list_info")
        if t.startswith("SET_") and t[4:] in TYPE_NAMES:
            t = t[4:]
        return Define(t, c_string(d["key"]), field=field, hidden=hidden,
                      list_info=info.lstrip("&").strip() if info else None, extra=d)
    if entry == "SETTING_DEFINE_LIST_END":
        return None
    raise ValueError("unparsed setting_define entry: %r" % entry)


def expand_macro(mac, args):
    """A function-like #define applied to args, with # (stringify) and ## (paste) as the preprocessor does them."""
    body = mac["body"]
    for p, a in zip(mac["params"], args):
        body = re.sub(r"(?<!#)#\s*%s\b" % re.escape(p), lambda _: '"%s"' % a, body)
        body = re.sub(r"\s*##\s*%s\b" % re.escape(p), lambda _: a, body)
        body = re.sub(r"\b%s\s*##\s*" % re.escape(p), lambda _: a, body)
        body = re.sub(r"\b%s\b" % re.escape(p), lambda _: a, body)
    return body.strip()


def parse_file(path):
    text = strip_comments(open(path, encoding="utf-8", errors="replace").read())
    rel = os.path.relpath(path, SRC)
    events = []
    # DEF-style macros (their prefix / kind change as the file redefines them)
    for m in re.finditer(r"^#define\s+(DEF\w*)\s*\(([^)]*)\)((?:[^\n]*\\\n)*[^\n]*)",
                         text, re.M):
        events.append((m.start(), "macro", m))
    for m in re.finditer(r"struct\s+setting_define\s+(\w+)\s*\[\s*\]\s*=\s*\{", text):
        events.append((m.start(), "defines", m))
    for m in re.finditer(r"struct\s+setting_parser_info\s+(\w+)\s*=\s*\{", text):
        events.append((m.start(), "info", m))
    for m in re.finditer(r"^(?:static\s+)?(?:const\s+)?struct\s+(\w+_settings)\s+(\w+)\s*=\s*\{",
                         text, re.M):
        events.append((m.start(), "struct", m))
    events.sort(key=lambda e: e[0])
    macros, defines, infos, structs = {}, {}, {}, {}
    for _, kind, m in events:
        if kind == "macro":
            name, body = m.group(1), m.group(3).replace("\\\n", " ")
            mm = re.search(r"SETTING_DEFINE_STRUCT_##type\s*\(\s*(\"[^\"]*\")?\s*#name", body)
            if mm and re.sub(r"\s", "", m.group(2)) == "type,name":
                macros[name] = {"kind": "def",
                                "prefix": c_string(mm.group(1)) if mm.group(1) else ""}
                continue
            mm = re.search(r"\.type\s*=\s*(SET_\w+)", body)
            if mm:
                macros[name] = {"kind": "list", "settype": mm.group(1)}
            elif "SETTING_DEFINE_STRUCT_" in body:
                # 2.4's other shapes: DEF(type, field) with #field, DEFN(type, field, name), DEF_SECS(name), prefixes
                # from macros (FTS_FILTER"_"#name): expanded as written.
                macros[name] = {"kind": "expand", "params": [x.strip() for x in m.group(2).split(",")], "body": body}
            continue
        start = m.end() - 1
        end = match_brace(text, start)
        body = drop_preprocessor(text[start + 1:end])
        if kind == "defines":
            lst = []
            for entry in split_top(body):
                d = parse_define_entry(entry, macros)
                if d is not None:
                    lst.append(d)
            defines[m.group(1)] = lst
        elif kind == "info":
            info = Info(m.group(1), rel)
            for part in split_top(body):
                mm = re.match(r"\.(\w+)\s*=\s*(.*)$", part, re.S)
                if not mm:
                    continue
                k, v = mm.group(1), mm.group(2).strip()
                if k == "module_name":
                    info.module_name = c_string(v)
                elif k == "defines":
                    info.defines = v
                elif k == "defaults":
                    info.defaults = v.lstrip("&").strip()
                elif k == "name":
                    info.set_name = c_string(v)
                elif k == "default_settings":
                    info.default_settings = v.lstrip("&").strip()
                elif k == "type_offset":
                    mo = re.search(r"offsetof\s*\([^,]+,\s*(\w+)\s*\)", v)
                    info.type_field = mo.group(1) if mo else None
            infos[info.name] = info
        elif kind == "struct":
            vals = {}
            for part in split_top(body):
                mm = re.match(r"\.(\w+)\s*=\s*(.*)$", part, re.S)
                if mm and mm.group(1) not in vals:
                    vals[mm.group(1)] = mm.group(2).strip()
            structs[m.group(2)] = vals
    return defines, infos, structs


def load_source(every_c_file=False):
    """every_c_file: 2.4 defines settings in drivers' own files too (auth/passdb-pam.c, lib-dict/dict-file.c, ...),
    not only in *settings.c; its tests are left out."""
    # Pigeonhole's tree (2.4) has no lib-settings of its own.
    if not os.path.isdir(os.path.join(SRC, "src", "lib-settings" if not every_c_file else "")):
        sys.exit("generate.py: Dovecot source not found at %s (set DOVECOT_SRC to an "
                 "unpacked dovecot %s source tree)" % (SRC, DOVECOT_VERSION))
    files = []
    for root, _, names in os.walk(os.path.join(SRC, "src")):
        for n in names:
            if n.endswith("settings.c") and n != "all-settings.c":
                files.append(os.path.join(root, n))
            elif every_c_file and n.endswith(".c") and not n.startswith("test-"):
                files.append(os.path.join(root, n))
    files.sort()
    load_string_macros()
    all_defines, all_infos, all_structs = {}, {}, {}
    for f in files:
        d, i, s = parse_file(f)
        rel = os.path.relpath(f, SRC)
        for k, v in d.items():
            all_defines[(rel, k)] = v
        for k, v in i.items():
            all_infos.setdefault(k, []).append(v)
        for k, v in s.items():
            all_structs[(rel, k)] = v
    return all_defines, all_infos, all_structs


class Src:
    def __init__(self, every_c_file=False):
        self.defines, self.infos, self.structs = load_source(every_c_file)

    def info(self, name, near_file=None):
        cands = self.infos.get(name, [])
        for c in cands:
            if c.file == near_file:
                return c
        if len(cands) > 1:
            warn("ambiguous setting_parser_info %s" % name)
        return cands[0] if cands else None

    def _lookup(self, table, fname, name):
        if (fname, name) in table:
            return table[(fname, name)]
        for (f, n), v in table.items():
            if n == name:
                return v
        return None

    def info_defines(self, info):
        return self._lookup(self.defines, info.file, info.defines) or []

    def info_defaults(self, info):
        return self._lookup(self.structs, info.file, info.defaults) or {}

    def roots(self):
        out = []
        for name in sorted(self.infos):
            for info in self.infos[name]:
                if info.module_name:
                    out.append(info)
        return out


# ---------------------------------------------------------------- doveconf

def run_doveconf(args, conf_text=""):
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write(CONF_HEADER + conf_text)
        path = f.name
    try:
        p = subprocess.run(shlex.split(DOVECONF) + ["-c", path] + args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
    except FileNotFoundError:
        sys.exit("generate.py: doveconf not found (set DOVECONF)")
    finally:
        os.unlink(path)
    return p.returncode, p.stdout, p.stderr


def unquote_value(v):
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        out, i, s = [], 0, v[1:-1]
        while i < len(s):
            if s[i] == "\\" and i + 1 < len(s):
                out.append(s[i + 1])
                i += 2
            else:
                out.append(s[i])
                i += 1
        return "".join(out)
    return v


class Block:
    def __init__(self, stype=None, name=None):
        self.stype = stype
        self.name = name
        self.settings = {}       # key -> value (unquoted)
        self.blocks = []         # child Blocks in output order


def parse_dump(text):
    """Parse doveconf human output into a Block tree."""
    root = Block()
    stack = [root]
    for line in text.split("\n"):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s == "}":
            stack.pop()
            continue
        if s.endswith("{") and " = " not in s:
            head = s[:-1].strip()
            parts = head.split(" ", 1)
            name = unquote_value(parts[1].strip()) if len(parts) > 1 else None
            b = Block(parts[0], name)
            stack[-1].blocks.append(b)
            stack.append(b)
            continue
        m = re.match(r"^(\S+) = ?(.*)$", s)
        if m:
            stack[-1].settings[m.group(1)] = unquote_value(m.group(2))
        else:
            warn("unparsed doveconf line: %r" % line)
    return root


ERROR_CLASSES = [
    ("bool", "Invalid boolean value"),
    ("time", "Invalid time interval"),
    ("size", "Invalid size"),
    ("port", "Invalid port number"),
    ("uint", "Invalid number"),
    ("enum", "Invalid value"),
]


def classify_error(stderr):
    for cls, text in ERROR_CLASSES:
        if text in stderr:
            return cls
    return None


def probe_type(key, default, wrap=("", "")):
    """Type a setting doveconf knows but the source doesn't define."""
    conf = "%s%s = zzinvalid\n%s" % (wrap[0], key, wrap[1])
    rc, out, err = run_doveconf(["-n"], conf)
    cls = classify_error(err)
    if cls is None:
        return "string"
    if cls == "uint":
        # SET_UINT_OCT rejects 0999 ("Invalid number: 0999"); SET_UINT reads 999.
        rc, out, err = run_doveconf(["-n"], "%s%s = 0999\n%s" % (wrap[0], key, wrap[1]))
        return "octal" if "Invalid number" in err else "uint"
    if cls == "time":
        # SET_TIME rejects "1500 ms" (Milliseconds not supported); SET_TIME_MSECS takes it.
        rc, out, err = run_doveconf(["-n"], "%s%s = 1500 ms\n%s" % (wrap[0], key, wrap[1]))
        return "time" if "Milliseconds not supported" in err else "time_msecs"
    return cls


# ---------------------------------------------------------------- schema build

class Setting:
    def __init__(self, type_, default=None, hidden=False, values=None, of=None):
        self.type = type_
        self.default = default
        self.hidden = hidden
        self.values = values
        self.of = of
        self.c_default = None
        self.c_raw = None


class Section:
    def __init__(self, kind):
        self.kind = kind
        self.name_key = None
        self.settings = {}
        self.sections = {}
        self.instances = {}     # name -> (settings dict, {stype: {name: settings}})
        self.defines_order = []


def render_c_default(t, raw):
    """Render a C default the way doveconf prints it (best effort, for notes)."""
    if raw is None:
        return None
    raw = raw.strip()
    if t in ("string", "string_vars"):
        if raw == "NULL":
            return None
        return c_string(raw)
    if t == "enum":
        s = c_string(raw)
        return s.split(":")[0] if s is not None else None
    if t == "bool":
        return {"TRUE": "yes", "FALSE": "no"}.get(raw)
    expr = raw.replace("UOFF_T_MAX", str(2**64 - 1)).replace("UINT_MAX", str(2**32 - 1))
    expr = re.sub(r"(\d+)U?L*\b", r"\1", expr)
    if not re.fullmatch(r"[0-9*+\-/() ]+", expr):
        return None
    if t == "octal":
        v = int(raw, 8) if re.fullmatch(r"0[0-7]*", raw) else eval(expr)
        return "0%o" % v
    v = eval(expr)
    if t == "size":
        if v == 0:
            return "0"
        sfx = "B"
        for s in "kMGT":
            if v % 1024:
                break
            v //= 1024
            sfx = s
        return "%d %s" % (v, sfx)
    if t in ("time", "time_msecs"):
        if t == "time_msecs":
            if v % 1000:
                return "%d ms" % v
            v //= 1000
        if v == 0:
            return "0"
        sfx = "secs"
        if v % 60 == 0:
            v, sfx = v // 60, "mins"
            if v % 60 == 0:
                v, sfx = v // 60, "hours"
                if v % 24 == 0:
                    v, sfx = v // 24, "days"
                    if v % 7 == 0:
                        v, sfx = v // 7, "weeks"
        return "%d %s" % (v, sfx)
    return str(v)


def settings_from_info(src, info, target, notes_ctx):
    """Add info's plain settings to target dict; return list of list defines."""
    lists = []
    defaults = src.info_defaults(info)
    last = None
    for d in src.info_defines(info):
        if d.type in LIST_KINDS:
            lists.append(d)
            continue
        if d.type == "SET_ALIAS":
            if last is None:
                warn("alias %s without preceding setting" % d.key)
                continue
            s = Setting("alias", of=last)
        else:
            if d.type not in TYPE_NAMES:
                warn("unknown setting type %s for %s" % (d.type, d.key))
                continue
            t = TYPE_NAMES[d.type]
            s = Setting(t, hidden=d.hidden)
            raw = defaults.get(d.field)
            s.c_default = render_c_default(t, raw)
            s.c_raw = raw
            if t == "enum":
                cs = c_string(raw) if raw else None
                if cs is None:
                    warn("%s: cannot read enum values from %r" % (d.key, raw))
                    s.values = []
                else:
                    s.values = cs.split(":")
            last = d.key
        prev = target.get(d.key)
        if prev is not None:
            if prev.type != s.type:
                warn("%s: type conflict between roots (%s vs %s in %s); keeping %s"
                     % (d.key, prev.type, s.type, info.name, prev.type))
            elif prev.type == "enum" and prev.values != s.values:
                warn("%s: enum values differ between roots (%s vs %s)"
                     % (d.key, prev.values, s.values))
            elif prev.hidden != s.hidden:
                warn("%s: hidden flag differs between roots" % d.key)
            continue
        target[d.key] = s
    return lists


def build_section(src, d, owner_info):
    sec = Section(LIST_KINDS[d.type])
    if sec.kind == "strlist":
        return sec
    info = src.info(d.list_info, owner_info.file)
    if info is None:
        warn("section %s: parser info %s not found" % (d.key, d.list_info))
        return sec
    sub_lists = settings_from_info(src, info, sec.settings, d.key)
    if info.type_field:
        for dd in src.info_defines(info):
            if dd.field == info.type_field and dd.type not in LIST_KINDS:
                sec.name_key = dd.key
    for sd in sub_lists:
        sec.sections[sd.key] = build_section(src, sd, info)
    return sec


def block_probe_conf(path, sections):
    """Config text creating one instance of the nested section path."""
    lines, indent = [], ""
    for i, stype in enumerate(path):
        sec = sections[stype] if i == 0 else sec.sections[stype]
        if sec.kind == "list":
            lines.append("%s%s {" % (indent, stype))
        else:
            lines.append("%s%s zzprobe%d {" % (indent, stype, i))
        indent += "  "
    for i in range(len(path)):
        indent = indent[:-2]
        lines.append(indent + "}")
    return "\n".join(lines) + "\n"


def find_probe_block(tree, path):
    b = tree
    for i, stype in enumerate(path):
        nxt = None
        for c in b.blocks:
            if c.stype == stype and (c.name in (None, "zzprobe%d" % i)):
                nxt = c
        if nxt is None:
            return None
        b = nxt
    return b


def fill_section_defaults(sec, path, root_sections, generic_dump_keys):
    if sec.kind == "strlist":
        return
    rc, out, err = run_doveconf(["-a"], block_probe_conf(path, root_sections))
    blk = find_probe_block(parse_dump(out), path)
    if blk is None:
        warn("could not probe section %s: %s" % ("/".join(path), err.strip()))
        return
    for key, s in sec.settings.items():
        if s.type == "alias":
            continue
        if key in blk.settings:
            s.default = blk.settings[key]
        elif key == sec.name_key:
            s.default = ""   # filled by the section name; not printed
            s.name_only = True
        else:
            s.default = s.c_default if s.c_default is not None else ""
            s.not_dumped = True
            warn("%s: %s not printed by doveconf -a (C default %s); using %r"
                 % ("/".join(path), key, s.c_raw, s.default))
    for key, val in blk.settings.items():
        if key not in sec.settings:
            t = probe_type(key, val, probe_wrap(path, root_sections))
            sec.settings[key] = Setting(t, default=val, values=[val] if t == "enum" else None)
            warn("%s: %s known to doveconf but not in source; probed type %s"
                 % ("/".join(path), key, t))
    for stype, sub in sec.sections.items():
        fill_section_defaults(sub, path + [stype], root_sections, generic_dump_keys)


def probe_wrap(path, root_sections):
    conf = block_probe_conf(path, root_sections)
    lines = conf.rstrip("\n").split("\n")
    half = len(lines) // 2
    return ("\n".join(lines[:half]) + "\n", "\n".join(lines[half:]) + "\n")


def instances_from_dump(sec, blocks):
    """Built-in instances printed by doveconf -a for an empty config."""
    out = {}
    for b in blocks:
        vals = {}
        for k, v in b.settings.items():
            s = sec.settings.get(k)
            if s is None or s.default != v:
                vals[k] = v
        subs = {}
        for c in b.blocks:
            subsec = sec.sections.get(c.stype)
            if subsec is None:
                warn("unknown subsection %s in built-in %s" % (c.stype, b.name))
                continue
            cvals = {}
            for k, v in c.settings.items():
                s = subsec.settings.get(k)
                if s is None or s.default != v:
                    cvals[k] = v
            subs.setdefault(c.stype, {})[c.name if c.name is not None else ""] = cvals
        out[b.name if b.name is not None else ""] = (vals, subs)
    return out


def build():
    src = Src()
    roots = src.roots()
    settings, sections, sec_owner = {}, {}, {}
    for info in roots:
        for d in settings_from_info(src, info, settings, None):
            if d.key in sections:
                continue
            sections[d.key] = build_section(src, d, info)

    rc, out, err = run_doveconf(["-a"], "")
    if not out.strip():
        sys.exit("generate.py: `doveconf -a` failed: " + err)
    dump = parse_dump(out)

    # Root settings: doveconf -a defaults, or `doveconf <name>` for hidden ones.
    missing = []
    for key, s in settings.items():
        if s.type == "alias":
            continue
        if key in dump.settings:
            s.default = dump.settings[key]
            if s.hidden:
                warn("%s is SET_FLAG_HIDDEN but printed by doveconf -a" % key)
        else:
            missing.append(key)
    if missing:
        rc, out2, err2 = run_doveconf(missing, "")
        got = parse_dump(out2).settings
        for key in missing:
            s = settings[key]
            if key in got:
                s.default = got[key]
                if not s.hidden:
                    warn("%s not printed by doveconf -a but not hidden in source" % key)
            elif s.c_raw == "NULL":
                # NULL string defaults are never printed; check doveconf accepts it.
                rc3, out3, _ = run_doveconf(["-n"], "%s = zzprobe\n" % key)
                if rc3 == 0 and "zzprobe" in out3:
                    s.default = ""
                    warn("%s: C default NULL, not printed by doveconf (-a or by name); "
                         "emitted with default \"\"" % key)
                else:
                    warn("%s defined in source but rejected by doveconf; dropped" % key)
                    del settings[key]
            else:
                warn("%s defined in source but unknown to doveconf; dropped" % key)
                del settings[key]
    for key, val in dump.settings.items():
        if key not in settings:
            t = probe_type(key, val)
            settings[key] = Setting(t, default=val, values=[val] if t == "enum" else None)
            warn("%s known to doveconf but not in source; probed type %s%s"
                 % (key, t, " (enum values unknown beyond the default)" if t == "enum" else ""))
    for key, s in settings.items():
        if s.type == "alias":
            continue
        if s.type == "enum" and s.values and s.values[0] != s.default:
            warn("%s: doveconf default %r is not the first C enum value %s"
                 % (key, s.default, s.values))
        if s.type != "enum" and s.c_default is not None and s.c_default != s.default:
            warn("note: %s doveconf default %r differs from C default %s"
                 % (key, s.default, s.c_raw))

    # Section defaults via probes, built-in instances from doveconf -a.
    for stype, sec in sections.items():
        fill_section_defaults(sec, [stype], sections, None)
        blocks = [b for b in dump.blocks if b.stype == stype]
        if blocks and sec.kind != "strlist":
            sec.instances = instances_from_dump(sec, blocks)
    for b in dump.blocks:
        if b.stype not in sections:
            warn("doveconf -a prints unknown section type %s" % b.stype)
    return settings, sections


# ---------------------------------------------------------------- YAML output

PLAIN_RE = re.compile(r"^[A-Za-z_/$][A-Za-z0-9_./$-]*$")
YAML_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def yq(s):
    """Always-quoted YAML scalar."""
    out = ['"']
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def yk(s):
    """Key or value, quoted only when needed."""
    if PLAIN_RE.match(s) and s.lower() not in YAML_RESERVED:
        return s
    return yq(s)


def setting_flow(s):
    if s.type == "alias":
        return "{ type: alias, of: %s }" % yk(s.of)
    parts = ["type: %s" % s.type, "default: %s" % yq(s.default if s.default is not None else "")]
    if s.type == "enum":
        parts.append("values: [%s]" % ", ".join(yk(v) for v in s.values))
    if s.hidden:
        parts.append("hidden: true")
    if getattr(s, "always_printed", False):
        parts.append("always_printed: true")
    if getattr(s, "auth", False):
        parts.append("auth: true")
    if s.c_raw == "NULL":
        # C's NULL, not "": doveconf never prints it unchanged, even where it prints empty strings.
        parts.append("null_default: true")
    return "{ %s }" % ", ".join(parts)


def flow_map(d):
    if not d:
        return "{}"
    return "{ %s }" % ", ".join("%s: %s" % (yk(k), yq(v)) for k, v in sorted(d.items()))


def emit_settings(lines, settings, indent):
    if not settings:
        lines.append(indent + "settings: {}")
        return
    lines.append(indent + "settings:")
    for key in sorted(settings):
        lines.append("%s  %s: %s" % (indent, yk(key), setting_flow(settings[key])))


def emit_sections(lines, sections, indent):
    for stype in sorted(sections):
        sec = sections[stype]
        if sec.kind == "strlist":
            lines.append("%s%s: { kind: strlist }" % (indent, yk(stype)))
            continue
        lines.append("%s%s:" % (indent, yk(stype)))
        ind = indent + "  "
        lines.append("%skind: %s" % (ind, sec.kind))
        if sec.name_key:
            lines.append("%sname: %s" % (ind, yk(sec.name_key)))
        emit_settings(lines, sec.settings, ind)
        if sec.sections:
            lines.append(ind + "sections:")
            emit_sections(lines, sec.sections, ind + "  ")
        if sec.instances:
            lines.append(ind + "instances:")
            for iname in sorted(sec.instances):
                vals, subs = sec.instances[iname]
                lines.append("%s  %s:" % (ind, yk(iname)))
                lines.append("%s    settings: %s" % (ind, flow_map(vals)))
                if subs:
                    lines.append("%s    sections:" % ind)
                    for st in sorted(subs):
                        lines.append("%s      %s:" % (ind, yk(st)))
                        for n in sorted(subs[st]):
                            lines.append("%s        %s: %s" % (ind, yk(n), flow_map(subs[st][n])))


def conf_quote(value):
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


def probe_root_behaviour(settings):
    """Two facts only doveconf itself can tell. A key defined by several roots with different defaults
    (submission_max_mail_size: 0 for submission-login, 40 M for submission) is printed by -n whenever it is
    assigned, even to the default doveconf -a shows. A key of the auth root is refused inside local/remote."""
    keys = [k for k, s in sorted(settings.items()) if s.type != "alias"]
    conf = "".join("%s = %s\n" % (k, conf_quote(settings[k].default or "")) for k in keys)
    rc, out, err = run_doveconf(["-n"], conf)
    if rc != 0:
        sys.exit("generate.py: probing defaults failed: " + err)
    for line in out.splitlines():
        key = line.split(" = ", 1)[0]
        if key in settings and not line.startswith(" "):
            settings[key].always_printed = True
    for k in keys:
        rc, out, err = run_doveconf(["-n"], "remote 127.0.0.1 {\n  %s = %s\n}\n" % (k, conf_quote(settings[k].default or "")))
        if "Auth settings not supported inside local/remote blocks" in err:
            settings[k].auth = True


# Settings whose value doveconf computes by running an installed binary (Pigeonhole's managesieve asks the sieve
# library for its extensions): doveconf prints the computed value in -a, and in -n even when nothing sets it. Their
# real default is empty; the schema keeps that, so a tree reads the same with or without Pigeonhole installed, and
# the oracle tests leave doveconf's computed lines out (tests/ConfigAnalyzer.Tests/Oracle/Doveconf.cs).
COMPUTED_BY_BINARY = ("managesieve_sieve_capability", "managesieve_notify_capability")


def unset_computed(settings):
    for key in COMPUTED_BY_BINARY:
        if key in settings:
            settings[key].default = ""
            settings[key].always_printed = False


def main():
    settings, sections = build()
    probe_root_behaviour(settings)
    unset_computed(settings)
    lines = [
        "# Dovecot %s settings schema. Generated by tools/settings-schema/generate.py "
        "from doveconf and Dovecot's setting definitions; do not edit by hand." % DOVECOT_VERSION,
        "dovecot: %s" % DOVECOT_VERSION,
        "settings:                    # settings valid at the root of dovecot.conf "
        "(and inside protocol/local/remote/local_name filters)",
    ]
    for key in sorted(settings):
        lines.append("  %s: %s" % (yk(key), setting_flow(settings[key])))
    lines.append("sections:                    # section types valid at the root")
    emit_sections(lines, sections, "  ")
    sys.stdout.write("\n".join(lines) + "\n")
    print("generate.py: %d root settings, %d root section types, %d warnings"
          % (len(settings), len(sections), len(warnings)), file=sys.stderr)


if __name__ == "__main__":
    main()
