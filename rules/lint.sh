#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The default rules' form (issue 10): saker validate reports nothing; they
# load after and before the upstream Falco files (stable, incubating,
# sandbox) without a name in common; every rule has a description, a
# priority, MITRE ATT&CK tactic and technique ids, and an output with the
# context an investigator needs.
. "$(dirname "$0")/../tests/integration/lib.sh"
RULES=$abs_top_srcdir/rules/saker_rules.yaml
UP=$abs_top_srcdir/../shared/anchors/falco-rules
[ -x "$SAKER" ] || skip_all "saker not built"
python3 -c 'import yaml' 2>/dev/null || skip_all "python3 has no yaml module (apt-get install python3-yaml)"

out=$("$SAKER" validate "$RULES" 2>&1)
ok "saker validate: no errors, no warnings ($out)" sh -c "echo '$out' | grep -q ' 0 errors, 0 warnings'"

if [ -d "$UP" ]; then
	up="$UP/falco_rules.yaml $UP/falco-incubating_rules.yaml $UP/falco-sandbox_rules.yaml"
	# shellcheck disable=SC2086
	out=$("$SAKER" validate $up "$RULES" 2>&1)
	ok "after the upstream files: no errors, no warnings" sh -c "echo '$out' | grep -q ' 0 errors, 0 warnings'"
	# shellcheck disable=SC2086
	out=$("$SAKER" validate "$RULES" $up 2>&1)
	ok "before the upstream files: no errors, no warnings" sh -c "echo '$out' | grep -q ' 0 errors, 0 warnings'"
	# shellcheck disable=SC2086
	ok "no rule, macro or list name in common with upstream" python3 - "$RULES" $up <<'PY'
import sys, yaml
ours = {(k, i[k]) for i in yaml.safe_load(open(sys.argv[1])) for k in ("rule", "macro", "list") if k in i}
theirs = {(k, i[k]) for f in sys.argv[2:] for i in yaml.safe_load(open(f)) or []
          for k in ("rule", "macro", "list") if isinstance(i, dict) and k in i}
clash = sorted(ours & theirs)
print(clash)
sys.exit(1 if clash else 0)
PY
else
	echo "ok $((tap_n += 1)) # SKIP no upstream rules at $UP"
fi

python3 - "$RULES" >"$TMP/verdicts" <<'PY'
import re, sys, yaml
context = ["%proc.name", "%proc.cmdline", "%proc.pname", "%proc.aname[2]", "%user.name",
           "%user.loginname", "%container.id", "%container.name"]
rules = [i for i in yaml.safe_load(open(sys.argv[1])) if "rule" in i]
print(f"{'PASS' if len(rules) >= 42 else 'FAIL'}\tat least 42 default rules\t{len(rules)}")
for r in rules:
    why = []
    if len(r.get("desc", "").split()) < 5:
        why.append("no description")
    if r.get("priority", "").upper() not in ("EMERGENCY", "ALERT", "CRITICAL", "ERROR",
                                                "WARNING", "NOTICE", "INFORMATIONAL", "DEBUG"):
        why.append("no priority")
    tags = [str(t) for t in r.get("tags", [])]
    if not any(re.fullmatch(r"TA\d{4}", t) for t in tags):
        why.append("no MITRE tactic id")
    if not any(re.fullmatch(r"T\d{4}(\.\d{3})?", t) for t in tags):
        why.append("no MITRE technique id")
    if not any(t.startswith("mitre_") for t in tags):
        why.append("no mitre_ tactic tag")
    why += [f"output lacks {c}" for c in context if c not in r.get("output", "")]
    print(f"{'FAIL' if why else 'PASS'}\t{r['rule']}: desc, priority, MITRE ids, context\t{'; '.join(why)}")
PY
verdicts "$TMP/verdicts"
done_testing
