#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Noise budget of the default rules (issue 10): sakerd --driver ebpf runs
# rules/saker_rules.yaml alone while this script performs what a careful
# administrator and a CI job do on an ordinary host, and every alert the
# workload causes fails the test and is printed.
#
# The workload: make dist, then configure + make -j2 of the tarball and a few
# of its unit tests (what CI does), apt-get install and purge of a small
# package, start/restart/stop of daemons (start-stop-daemon, pg_ctl),
# log rotation (logrotate on a scratch config, forced; savelog), useradd,
# ssh-keygen and userdel of a scratch user, run-parts over a scratch cron
# directory, sed -i / cp / install on configuration files below /etc (a
# scratch file), sudo and visudo. The admin steps run in an emulated login
# session (loginuid 0, as pam_loginuid sets it at login, and for cron jobs);
# the CI step runs without one, as a CI runner started as a service does.
#
# The host is shared: other processes may fire rules meanwhile. Each rule's
# output is extended (override: output: append, in a file beside the
# default rules) with the workload's marker environment variable and session,
# so that only the workload's alerts count; the others are printed as
# comments. The host is restored exactly: package purged, user removed,
# account files (and their "-" backups) byte-identical, scratch files gone.
#
# Set SAKER_NOISE_KEEP_ALERTS=FILE to keep the raw alerts.
. "$(dirname "$0")/lib.sh"
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

# --- the workload steps (run as: noise.sh --step NAME) ----------------------
# Exit 0 done, 77 skipped (reason on the last line of stdout), else failed.
# They run with a minimal environment: SAKER_NOISE, NZ_* and PATH only.

step_ci() {
	cd "$NZ_DIR" || return 1
	# make dist names the tarball after distdir, in the build directory.
	make -s -C "$abs_top_builddir" dist-gzip distdir="saker-nz-$$" >/dev/null || return 1
	mv "$abs_top_builddir/saker-nz-$$.tar.gz" . || return 1
	tar xzf "saker-nz-$$.tar.gz" && cd "saker-nz-$$" || return 1
	mkdir build && cd build || return 1
	../configure -q >configure.log 2>&1 || { tail -20 configure.log; return 1; }
	make -s -j2 >make.log 2>&1 || { tail -20 make.log; return 1; }
	# A few unit tests, through the harness as CI runs them (test_state
	# listens on a socket from the build tree).
	make -s -j2 check-TESTS TESTS="tests/unit/test_event tests/unit/test_capture \
		tests/unit/test_rules tests/unit/test_state" >check.log 2>&1 ||
		{ tail -20 check.log; return 1; }
	./src/saker version >/dev/null
}

step_apt() {
	local pkg=hello
	command -v apt-get >/dev/null || { echo "no apt-get"; return 77; }
	if dpkg -s "$pkg" >/dev/null 2>&1; then
		echo "$pkg is already installed (it could not be restored)"
		return 77
	fi
	mkdir -p "$NZ_DIR/apt/partial"
	# Download first, into scratch: no mirror means skip, not fail.
	# Other jobs may hold the dpkg lock for a while: wait for it.
	if ! timeout 600 apt-get -q -o Dir::Cache::archives="$NZ_DIR/apt" -o DPkg::Lock::Timeout=300 \
		install -y --download-only --no-install-recommends "$pkg" >"$NZ_DIR/apt.log" 2>&1; then
		tail -3 "$NZ_DIR/apt.log"
		echo "apt cannot download $pkg (no reachable mirror?)"
		return 77
	fi
	: >"$NZ_DIR/apt-installed"
	DEBIAN_FRONTEND=noninteractive apt-get -q -o Dir::Cache::archives="$NZ_DIR/apt" \
		-o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$pkg" >>"$NZ_DIR/apt.log" 2>&1 || return 1
	hello >/dev/null || return 1
	DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 purge -y "$pkg" >>"$NZ_DIR/apt.log" 2>&1 || return 1
	rm -f "$NZ_DIR/apt-installed"
}

step_services() {
	local pid=$NZ_DIR/run/web.pid port
	for t in start-stop-daemon busybox curl; do
		command -v $t >/dev/null || { echo "no $t (apt-get install busybox curl)"; return 77; }
	done
	mkdir -p "$NZ_DIR/run" "$NZ_DIR/www" && echo hi >"$NZ_DIR/www/index.html"
	port=$((20000 + $$ % 20000))
	for verb in start restart; do
		if [ $verb = restart ]; then
			start-stop-daemon --stop --quiet --retry TERM/5 --pidfile "$pid" || return 1
		fi
		start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$pid" \
			--chdir "$NZ_DIR/www" --exec "$(command -v busybox)" -- \
			httpd -f -p "127.0.0.1:$port" -h "$NZ_DIR/www" || return 1
		for _ in $(seq 50); do
			curl -sf "http://127.0.0.1:$port/" >/dev/null && break
			sleep 0.1
		done
		curl -sf "http://127.0.0.1:$port/" >/dev/null || return 1
	done
	start-stop-daemon --stop --quiet --retry TERM/5 --pidfile "$pid" || return 1
	step_postgres
}

# A scratch PostgreSQL cluster, started, restarted and stopped with pg_ctl as
# its owner, when the server is installed.
step_postgres() {
	local bin pg=$NZ_DIR/pg
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)
	[ -n "$bin" ] && id postgres >/dev/null 2>&1 || return 0
	mkdir -p "$pg" && chown postgres "$pg" || return 1
	runuser -u postgres -- "$bin/initdb" -A trust -D "$pg/data" >"$NZ_DIR/pg.log" 2>&1 || return 1
	for verb in start restart stop; do
		runuser -u postgres -- "$bin/pg_ctl" -w -D "$pg/data" -l "$pg/log" \
			-o "-k $pg -c listen_addresses='' -p $((30000 + $$ % 20000))" $verb \
			>>"$NZ_DIR/pg.log" 2>&1 || { tail "$NZ_DIR/pg.log"; return 1; }
	done
}

step_logrotate() {
	local lr=logrotate dir=$NZ_LOGDIR
	# Applications append to their logs (a shell's ">" would be a truncation).
	mkdir -p "$dir" && for f in app.log error.log copy.txt; do seq 1000 >>"$dir/$f"; done
	if ! command -v logrotate >/dev/null; then
		# Not installed here: apt-get download fetches the .deb without
		# installing anything, and it runs from scratch.
		(cd "$NZ_DIR" && timeout 120 apt-get -q download logrotate >/dev/null 2>&1) &&
			dpkg-deb -x "$NZ_DIR"/logrotate_*.deb "$NZ_DIR/lr" &&
			lr=$NZ_DIR/lr/usr/sbin/logrotate
	fi
	cat >"$NZ_DIR/logrotate.conf" <<EOF
$dir/*.log {
	rotate 3
	compress
	missingok
	create 0640 root adm
	sharedscripts
	postrotate
		true
	endscript
}
$dir/copy.txt {
	rotate 2
	copytruncate
}
EOF
	if [ -x "$lr" ] || command -v "$lr" >/dev/null; then
		"$lr" -f -s "$NZ_DIR/logrotate.state" "$NZ_DIR/logrotate.conf" || return 1
		[ -e "$dir/app.log.1.gz" ] || return 1
	else
		echo "no logrotate (not installed, apt cannot download it): savelog only"
	fi
	savelog -q -c 3 "$dir/error.log" || return 1
}

step_accounts() {
	local u=$NZ_USER home
	useradd -m -s /bin/bash -c "saker noise test" "$u" || return 1
	home=$(getent passwd "$u" | cut -d: -f6)
	groupadd "$u-g" && usermod -aG "$u-g" "$u" && gpasswd -d "$u" "$u-g" >/dev/null || return 1
	echo "$u:$(od -An -N12 -tx1 /dev/urandom | tr -d ' ')" | chpasswd || return 1
	passwd -l "$u" >/dev/null && chage -l "$u" >/dev/null || return 1
	if command -v ssh-keygen >/dev/null; then
		runuser -u "$u" -- ssh-keygen -q -t ed25519 -N '' -f "$home/.ssh/id_ed25519" || return 1
		ssh-keygen -l -f "$home/.ssh/id_ed25519.pub" >/dev/null || return 1
	fi
	runuser -u "$u" -- id >/dev/null || return 1
	if command -v sudo >/dev/null; then
		sudo -u "$u" true && visudo -c >/dev/null || return 1
	fi
	userdel -r "$u" 2>/dev/null
	groupdel "$u-g" || return 1
	! id "$u" >/dev/null 2>&1
}

step_cron() {
	local d=$NZ_DIR/cron.daily
	mkdir -p "$d"
	cat >"$d/10-cleanup" <<EOF
#!/bin/sh
find "$NZ_DIR" -name '*.tmp' -mmin +60 -delete
df -h / >/dev/null
EOF
	cat >"$d/20-backup" <<EOF
#!/bin/sh
dpkg --get-selections >"$NZ_DIR/selections"
tar czf "$NZ_DIR/etc-backup.tgz" -C / etc/hostname etc/hosts etc/os-release 2>/dev/null
EOF
	cat >"$d/30-report" <<EOF
#!/bin/bash
uptime >/dev/null; free -m >/dev/null; ps aux >/dev/null; ls /var/log >/dev/null
EOF
	chmod 755 "$d"/*
	run-parts --report "$d"
}

step_config() {
	local f=$NZ_ETC
	printf 'listen = 127.0.0.1\nworkers = 4\n' >"$NZ_DIR/app.conf"
	install -m 0644 "$NZ_DIR/app.conf" "$f" || return 1
	sed -i 's/^workers = .*/workers = 8/' "$f" || return 1
	cp "$f" "$f.bak" && cp "$NZ_DIR/app.conf" "$f" || return 1
	grep -q 'workers = 4' "$f" || return 1
	rm -f "$f" "$f.bak"
	sed -i 's/4/2/' "$NZ_DIR/app.conf"
}

if [ "$1" = --step ]; then
	cd "$NZ_DIR" || exit 1
	"step_$2"
	exit
fi

# --- the test -------------------------------------------------------------

SAKERD=${SAKERD:-$abs_top_builddir/src/sakerd}
# SAKER_NOISE_RULES: another rules file to put through the same workload.
RULES=${SAKER_NOISE_RULES:-$abs_top_srcdir/rules/saker_rules.yaml}
[ "$(id -u)" = 0 ] || skip_all "needs root (eBPF, useradd, apt)"
[ -x "$SAKERD" ] || skip_all "sakerd not built"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "no BTF at /sys/kernel/btf/vmlinux"
"$SAKERD" --help 2>&1 | grep -q ebpf || skip_all "sakerd built without the eBPF driver"
[ -r /proc/self/loginuid ] || skip_all "no audit loginuid (needed to emulate a login session)"

mark=saker-noise-$$
NZ_DIR=$TMP/work
NZ_USER=sakernz$$
NZ_ETC=/etc/saker-noise-$$.conf
NZ_LOGDIR=/var/log/saker-noise-$$
mkdir -p "$NZ_DIR"
# The scratch PostgreSQL cluster's owner must reach its directory.
chmod 711 "$TMP"
chmod 755 "$NZ_DIR"
export NZ_DIR NZ_USER NZ_ETC NZ_LOGDIR

# Exact restoration: these files are compared before and after, and put back
# from a copy when the account tools changed them (their "-" backups do
# change on useradd + userdel).
acct_files="/etc/passwd /etc/passwd- /etc/group /etc/group- /etc/shadow /etc/shadow-
	/etc/gshadow /etc/gshadow- /etc/subuid /etc/subuid- /etc/subgid /etc/subgid-"
mkdir -p "$TMP/acct"
for f in $acct_files; do [ -e "$f" ] && cp -a "$f" "$TMP/acct/"; done
host_state() {
	for f in $acct_files; do [ -e "$f" ] && sha256sum "$f"; done
	ls -d "$NZ_ETC" "$NZ_LOGDIR" 2>/dev/null
	dpkg-query -W -f '${Package} ${Status}\n' hello 2>/dev/null
	getent passwd "$NZ_USER"
	getent group "$NZ_USER-g"
}
host_state >"$TMP/host.before"

daemon=
restore_host() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	pkill_pidfile "$NZ_DIR/run/web.pid"
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)
	[ -e "$NZ_DIR/pg/data/postmaster.pid" ] &&
		runuser -u postgres -- "$bin/pg_ctl" -D "$NZ_DIR/pg/data" -m immediate stop >/dev/null 2>&1
	id "$NZ_USER" >/dev/null 2>&1 && userdel -r "$NZ_USER" 2>/dev/null
	getent group "$NZ_USER-g" >/dev/null && groupdel "$NZ_USER-g"
	[ -e "$NZ_DIR/apt-installed" ] &&
		DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 purge -y hello >/dev/null 2>&1
	for f in $acct_files; do
		b=$TMP/acct/$(basename "$f")
		if [ -e "$b" ]; then
			cmp -s "$b" "$f" || cp -a "$b" "$f"
		else
			rm -f "$f"
		fi
	done
	rm -rf "$NZ_ETC" "$NZ_ETC.bak" "$NZ_LOGDIR"
}
pkill_pidfile() {
	[ -s "$1" ] && kill "$(cat "$1")" 2>/dev/null
}
trap 'restore_host; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

# Every rule's output also names the workload's marker and session.
"$SAKERD" -r "$RULES" -L 2>/dev/null | awk -F '  +' 'NF { print $1 }' >"$TMP/rules.list"
is "the default rules list" "$(wc -l <"$TMP/rules.list" | tr -d ' ') rules" \
	"$(grep -c '^- rule:' "$RULES") rules"
while read -r name; do
	printf -- '- rule: %s\n  output: " noise_mark=%%proc.env[SAKER_NOISE] noise_sid=%%proc.sid noise_pid=%%proc.pid"\n  override:\n    output: append\n' "$name"
done <"$TMP/rules.list" >"$TMP/mark.yaml"

"$SAKERD" --driver ebpf -r "$RULES" -r "$TMP/mark.yaml" -o json_output=true \
	-o stdout_output.enabled=true -o journal_output.enabled=false \
	-o rule_matching=all --ready-file "$TMP/ready" >"$TMP/alerts.json" 2>"$TMP/sakerd.err" &
daemon=$!
if ! wait_ready "$TMP/ready" $daemon; then
	cat "$TMP/sakerd.err" >&2
	skip_all "sakerd --driver ebpf did not become ready"
fi

# run_step NAME LOGIN: one workload step in a fresh session, with a minimal
# environment carrying the marker; LOGIN=1 emulates a login session.
sids=
run_step() {
	local name=$1 login=$2 t0 rc out
	t0=$(date +%s)
	out=$(setsid bash -c '
		[ "$1" = 1 ] && echo 0 >/proc/self/loginuid
		echo "sid $$" >&3
		exec env -i SAKER_NOISE="$2" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 NZ_DIR="$NZ_DIR" NZ_USER="$NZ_USER" \
			NZ_ETC="$NZ_ETC" NZ_LOGDIR="$NZ_LOGDIR" abs_top_builddir="$abs_top_builddir" \
			bash "$3" --step "$4"' step "$login" "$mark" "$self" "$name" \
		3>>"$TMP/sids" 2>&1)
	rc=$?
	echo "# step $name: $(($(date +%s) - t0)) s"
	case $rc in
	0) ok "workload: $name" true ;;
	77) echo "ok $((tap_n += 1)) # SKIP workload: $name: $(echo "$out" | tail -1)" ;;
	*)
		echo "$out" | tail -20 | sed 's/^/# /'
		ok "workload: $name" false
		;;
	esac
}

t0=$(date +%s)
run_step ci 0
run_step apt 1
run_step services 1
run_step logrotate 1
run_step accounts 1
run_step cron 1
run_step config 1
echo "# workload: $(($(date +%s) - t0)) s"
sleep 1
kill -TERM $daemon
wait $daemon
is "sakerd exits 0 on SIGTERM" "$?" 0
daemon=

[ -n "$SAKER_NOISE_KEEP_ALERTS" ] && cp "$TMP/alerts.json" "$SAKER_NOISE_KEEP_ALERTS"
python3 - "$TMP/alerts.json" "$mark" "$TMP/sids" >"$TMP/verdict" <<'PY'
import json, sys
mark = sys.argv[2]
sids = {int(l.split()[1]) for l in open(sys.argv[3]) if l.startswith("sid ")}
ours, others = [], {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    a = json.loads(line)
    f = a.get("output_fields", {})
    if f.get("proc.env[SAKER_NOISE]") == mark or f.get("proc.sid") in sids:
        ours.append(a)
    else:
        others[a["rule"]] = others.get(a["rule"], 0) + 1
for a in ours:
    print(f"ALERT\t{a['rule']}: {a['output']}")
for r, n in sorted(others.items()):
    print(f"OTHER\t{r}: {n} alert(s) from processes outside the workload")
PY
grep '^OTHER' "$TMP/verdict" | sed 's/^OTHER\t/# not ours: /'
n=$(grep -c '^ALERT' "$TMP/verdict")
grep '^ALERT' "$TMP/verdict" | sed 's/^ALERT\t/# /'
is "the workload raised no alert" "$n" 0
ok "sakerd reported no errors" sh -c "! grep -i 'error' '$TMP/sakerd.err'"

restore_host
host_state >"$TMP/host.after"
ok "host restored (accounts, package, scratch files)" diff "$TMP/host.before" "$TMP/host.after"
done_testing
