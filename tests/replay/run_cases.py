# SPDX-License-Identifier: GPL-2.0-only
"""Replay corpus runner: every case of tests/replay/cases/*.txt becomes a
capture (tests/helpers/capgen), is replayed through its rules with
`saker replay --json`, and each expectation is one TAP line. Then the
coverage checks: every implemented syscall field, every default rule and
every upstream stable rule is exercised (or listed as not synthesisable).
The format is in tests/replay/README.md."""
import glob
import json
import os
import re
import shlex
import subprocess
import sys

SRC = os.environ["abs_top_srcdir"]
BUILD = os.environ["abs_top_builddir"]
SAKER = os.environ.get("SAKER", BUILD + "/src/saker")
CAPGEN = BUILD + "/tests/helpers/capgen"
TMP = os.environ["TMP"]
HERE = SRC + "/tests/replay"
FALCO = os.path.normpath(SRC + "/../shared/anchors/falco-rules")
ENV = dict(os.environ, TZ="UTC", LC_ALL="C")

n = 0
failed = 0


def tap(good, what, diag=None, skip=None):
    global n, failed
    n += 1
    if skip:
        print("ok %d - %s # SKIP %s" % (n, what, skip))
        return
    print("%s %d - %s" % ("ok" if good else "not ok", n, what))
    if not good:
        failed += 1
        for line in (diag or "").splitlines()[:30]:
            print("# " + line[:400])


def rules_path(spec):
    kind, _, name = spec.partition(":")
    base = {"local": HERE + "/rules", "saker": SRC + "/rules", "falco": FALCO}.get(kind)
    if base is None or not name:
        raise ValueError("rules '%s': expected local:, saker: or falco:NAME" % spec)
    return base + "/" + name


class Case:
    def __init__(self, path, index, name, line, rules):
        self.path, self.index, self.name, self.line = path, index, name, line
        self.rules = rules
        self.expect = []  # (kind, line, rule, {field: value})
        self.covers = set()
        self.capgen_error = None
        self.hosts = []  # "ADDR NAME..." lines of a private /etc/hosts

    def where(self):
        return "%s:%d %s" % (os.path.relpath(self.path, HERE), self.line, self.name)


def parse(path):
    """Cases of one file; the directives' errors are fatal (file:line)."""
    cases, rules, unsynth = [], [], []
    cur = None
    for ln, text in enumerate(open(path, encoding="utf-8"), 1):
        if not text.startswith("%"):
            continue
        head, _, rest = text[1:].strip().partition(" ")
        if head == "case":
            cur = Case(path, len(cases) + 1, rest.strip(), ln, list(rules))
            cases.append(cur)
            continue
        if head == "unsynthesisable":
            m = re.match(r'"([^"]+)"\s+(\S.*)$', rest.strip())
            if not m:
                sys.exit('%s:%d: %%unsynthesisable "RULE" REASON' % (path, ln))
            unsynth.append((m.group(1), m.group(2)))
            continue
        try:
            words = shlex.split(text[1:], comments=False)
        except ValueError as e:
            sys.exit("%s:%d: %s" % (path, ln, e))
        if not words:
            sys.exit("%s:%d: empty directive" % (path, ln))
        d, args = words[0], words[1:]
        if d == "rules":
            for a in args:
                try:
                    rules_path(a)
                except ValueError as e:
                    sys.exit("%s:%d: %s" % (path, ln, e))
            if cur:
                cur.rules = args
            else:
                rules = args
        elif d in ("fires", "silent"):
            if not cur or not args:
                sys.exit("%s:%d: %%%s RULE [FIELD=VALUE...] inside a %%case" % (path, ln, d))
            fields = {}
            for a in args[1:]:
                k, eq, v = a.partition("=")
                if not eq or d == "silent":
                    sys.exit("%s:%d: '%s': expected FIELD=VALUE (only with %%fires)" % (path, ln, a))
                fields[k] = v
            cur.expect.append((d, ln, args[0], fields))
        elif d == "covers":
            if not cur:
                sys.exit("%s:%d: %%covers inside a %%case" % (path, ln))
            cur.covers.update(args)
        elif d == "hosts":
            if not cur or len(args) < 2:
                sys.exit("%s:%d: %%hosts ADDR NAME... inside a %%case" % (path, ln))
            cur.hosts.append(" ".join(args))
        elif d == "capgen-error":
            if not cur or len(args) != 1:
                sys.exit("%s:%d: %%capgen-error TEXT inside a %%case" % (path, ln))
            cur.capgen_error = args[0]
        else:
            sys.exit("%s:%d: unknown directive %%%s" % (path, ln, d))
    return cases, unsynth


def show(v):
    if v is None:
        return "<NA>"
    if v is True or v is False:
        return "true" if v else "false"
    return str(v)


def can_unshare():
    """Why cases with %hosts cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (a private /etc/hosts in a mount namespace)"
    p = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    return None if p.returncode == 0 else "cannot create a mount namespace: " + p.stderr.strip()


NO_UNSHARE = can_unshare()


def with_hosts(c, cmd):
    """cmd run with the case's /etc/hosts (bind-mounted in a private mount
    namespace), so that the names the rules compare fd.*ip.name with resolve
    as the case says, through getaddrinfo like any other lookup."""
    if not c.hosts:
        return cmd
    hosts = "%s/hosts" % TMP
    with open(hosts, "w") as f:
        f.write("127.0.0.1 localhost\n" + "".join(h + "\n" for h in c.hosts))
    return ["unshare", "-m", "sh", "-c",
            'mount --make-rprivate / && mount --bind "$0" /etc/hosts && exec "$@"',
            hosts] + cmd


def run_case(c):
    """Alerts of the case, or (None, reason to skip), or (None, failure)."""
    missing = [r for r in c.rules if not os.path.exists(rules_path(r))]
    if missing:
        return None, "skip", "rules not found: " + ", ".join(missing)
    if c.hosts and NO_UNSHARE:
        return None, "skip", NO_UNSHARE
    cap = "%s/case.cap" % TMP
    if os.path.exists(cap):
        os.unlink(cap)
    g = subprocess.run([CAPGEN, "-c", str(c.index), c.path, cap], capture_output=True, text=True)
    if c.capgen_error is not None:
        ok = g.returncode != 0 and c.capgen_error in g.stderr and not os.path.exists(cap)
        tap(ok, "%s: capgen refuses it with '%s'" % (c.where(), c.capgen_error), g.stderr)
        return None, "done", None
    if g.returncode != 0:
        return None, "fail", "capgen: " + g.stderr
    cmd = [SAKER, "replay", cap, "--json"]
    for r in c.rules:
        cmd += ["-r", rules_path(r)]
    p = subprocess.run(with_hosts(c, cmd), capture_output=True, text=True, env=ENV)
    if p.returncode != 0:
        return None, "fail", "saker replay exit %d: %s" % (p.returncode, p.stderr)
    alerts = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    return alerts, "ok", None


def check(c, kind, ln, rule, fields, alerts):
    what = "%s: %s '%s'%s" % (c.where(), "fires" if kind == "fires" else "silent", rule,
                              "".join(" %s=%s" % kv for kv in fields.items()))
    if kind == "silent":
        bad = [a for a in alerts if rule == "*" or a["rule"] == rule]
        tap(not bad, what, "\n".join(a["output"] for a in bad))
        return
    mine = [a for a in alerts if a["rule"] == rule]
    for a in mine:
        f = a["output_fields"]
        # "hostname" is the alert's own key; the rest are output fields.
        got = {k: show(a.get("hostname") if k == "hostname" else f.get(k, "<not in output>"))
               for k in fields}
        if got == fields:
            tap(True, what)
            return
    diag = "alerts of that rule:\n" if mine else "no alert of that rule; rules that fired: %s\n" % (
        sorted({a["rule"] for a in alerts}))
    for a in mine:
        diag += json.dumps({k: a["output_fields"].get(k, "<not in output>") for k in fields}) + "\n"
    tap(False, what, diag)


def rule_names(path):
    return [m.group(1).strip().strip("'\"") for m in
            re.finditer(r"^- rule:\s*(.+?)\s*$", open(path, encoding="utf-8").read(), re.M)]


def main():
    files = sorted(glob.glob(HERE + "/cases/*.txt"))
    all_cases, unsynth = [], []
    for f in files:
        cs, us = parse(f)
        all_cases += cs
        unsynth += us
    fired = {}  # (rules file kind, rule) -> positive/negative case counts
    covered = set()
    skipped = {}  # field -> why the cases asserting it were skipped
    for c in all_cases:
        alerts, status, why = run_case(c)
        if status == "done":
            continue
        for kind, ln, rule, fields in c.expect:
            if status == "skip":
                tap(True, "%s: %s '%s'" % (c.where(), kind, rule), skip=why)
                for k in list(fields) + list(c.covers):
                    skipped.setdefault(k, why)
                for r in c.rules:
                    fired.setdefault((r, rule), set()).add("skip:" + why)
                continue
            if status == "fail":
                tap(False, "%s: %s '%s'" % (c.where(), kind, rule), why)
                continue
            check(c, kind, ln, rule, fields, alerts)
            if kind == "fires":
                covered.update(k for k in fields if k != "hostname")
            for r in c.rules:
                fired.setdefault((r, rule), set()).add(kind)
        if status == "ok":
            covered.update(c.covers)

    # make distcheck only ships the case files tests/local.mk names.
    mk = open(SRC + "/tests/local.mk", encoding="utf-8").read()
    unlisted = [os.path.relpath(f, SRC) for f in files if os.path.relpath(f, SRC) not in mk]
    tap(not unlisted, "every case file is in EXTRA_DIST", "not listed: " + " ".join(unlisted))

    # Every field saker implements for syscalls is asserted by some case.
    lf = json.loads(subprocess.run([SAKER, "list-fields", "--json"], capture_output=True,
                                   text=True, check=True).stdout)
    impl = [f for f in lf if f["source"] == "syscall" and f["implemented"]]
    tap({"proc.name", "fd.name"} <= {f["name"] for f in impl},
        "saker list-fields says the state fields are implemented")
    for f in impl:
        name = f["name"]
        # proc.aname[2] covers proc.aname; evt.arg.flags covers evt.arg.
        hit = any(k == name or k.startswith(name + "[") or
                  ("key" in f["arg"] and k.startswith(name + ".")) for k in covered)
        if not hit and name in skipped:
            tap(True, "field %s is asserted by a case" % name, skip=skipped[name])
            continue
        tap(hit, "field %s is asserted by a case" % name)

    # Every default rule has a positive case and a benign twin, or a reason
    # why its trigger cannot be synthesised (a new rule without either fails).
    reasons = dict(unsynth)
    for rule in rule_names(SRC + "/rules/saker_rules.yaml"):
        got = fired.get(("saker:saker_rules.yaml", rule), set())
        if rule in reasons and not got:
            tap(True, "default rule '%s'" % rule, skip="not synthesisable: " + reasons[rule])
            continue
        tap("fires" in got, "default rule '%s' has a case that fires it" % rule)
        tap("silent" in got, "default rule '%s' has a benign twin that does not" % rule)

    # Every upstream stable rule: fired and silenced, or said why not.
    stable = FALCO + "/falco_rules.yaml"
    if not os.path.exists(stable):
        tap(True, "upstream stable rules", skip="not found at " + stable)
    else:
        for rule in rule_names(stable):
            got = fired.get(("falco:falco_rules.yaml", rule), set())
            if rule in reasons and not got:
                tap(True, "stable rule '%s'" % rule, skip="not synthesisable: " + reasons[rule])
                continue
            why = [k[5:] for k in got if k.startswith("skip:")]
            if why and not ({"fires", "silent"} & got):
                tap(True, "stable rule '%s'" % rule, skip=why[0])
                continue
            tap("fires" in got, "stable rule '%s' has a case that fires it" % rule)
            tap("silent" in got, "stable rule '%s' has a benign twin that does not" % rule)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
