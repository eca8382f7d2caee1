# SPDX-License-Identifier: GPL-2.0-only
"""Helpers of tests/integration/k8saudit.sh (the shell does the driving).

  check.py compact CASES EVENTS RUN OUT    one compact line per event of RUN (audit log format)
  check.py list CASES EVENTS RUN STAMP OUT an EventList of RUN's events, re-stamped to STAMP+i s
  check.py verdicts CASES EVENTS RUN ALERTS  PASS/FAIL lines: fire cases fired, benign did not
  check.py pairs ALERTS OUT                sorted "time rule" lines of the k8s_audit alerts
  check.py routing ALERTS RULES_FILE       PASS/FAIL: each alert's source matches its rule's
"""
import datetime
import json
import os
import sys


def cases(path, run):
    for line in open(path):
        if line.startswith('#') or not line.strip():
            continue
        f, rule, kind, r = line.rstrip('\n').split('\t')
        if r == run:
            yield f, rule, kind


def load(events, f):
    with open(os.path.join(events, f)) as fh:
        return json.load(fh)


def alerts(path):
    out = []
    for line in open(path):
        line = line.strip()
        if line.startswith('{'):
            out.append(json.loads(line))
    return out


def second(ts):
    return ts[:19]


def main(argv):
    cmd = argv[1]
    if cmd == 'compact':
        with open(argv[5], 'w') as o:
            for f, _, _ in cases(argv[2], argv[4]):
                o.write(json.dumps(load(argv[3], f), separators=(',', ':')) + '\n')
    elif cmd == 'list':
        base = datetime.datetime.strptime(argv[5], '%Y-%m-%dT%H:%M:%S')
        items = []
        for i, (f, _, _) in enumerate(cases(argv[2], argv[4])):
            e = load(argv[3], f)
            e['stageTimestamp'] = (base + datetime.timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%S.%fZ')
            items.append(e)
        with open(argv[6], 'w') as o:
            json.dump({'kind': 'EventList', 'apiVersion': 'audit.k8s.io/v1', 'metadata': {}, 'items': items}, o)
    elif cmd == 'verdicts':
        got = {(second(a['time']), a['rule']) for a in alerts(argv[5]) if a.get('source') == 'k8s_audit'}
        for f, rule, kind in cases(argv[2], argv[4]):
            t = second(load(argv[3], f)['stageTimestamp'])
            fired = (t, rule) in got
            if kind == 'fire':
                print('%s\t%s fires "%s"' % ('PASS' if fired else 'FAIL', f, rule))
            else:
                print('%s\t%s (benign twin) does not fire "%s"' % ('FAIL' if fired else 'PASS', f, rule))
    elif cmd == 'pairs':
        with open(argv[3], 'w') as o:
            for p in sorted({'%s %s' % (second(a['time']), a['rule']) for a in alerts(argv[2])
                             if a.get('source') == 'k8s_audit'}):
                o.write(p + '\n')
    elif cmd == 'routing':
        k8s = {l[len('- rule: '):].strip() for l in open(argv[3]) if l.startswith('- rule: ')}
        a = alerts(argv[2])
        bad = [x['rule'] for x in a if (x['rule'] in k8s) != (x.get('source') == 'k8s_audit')]
        print('%s\tevery alert comes from its rule\'s source (k8s_audit rules on audit events only)%s'
              % ('FAIL' if bad else 'PASS', '\t' + ','.join(bad[:5]) if bad else ''))
        n = sum(1 for x in a if x.get('source') == 'syscall')
        print('%s\tthe syscall driver raised alerts beside the audit source (%d)' % ('PASS' if n else 'FAIL', n))


if __name__ == '__main__':
    main(sys.argv)
