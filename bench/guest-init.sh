#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# PID 1 of the benchmark guest that bench/guest boots: times each workload
# untraced, under sakerd --driver kmod (saker.ko), and under sysdig reading
# Falco's scap.ko, the contenders interleaved within every round. Prints
# "RESULT round contender workload microseconds" lines on the console; the
# host computes medians. Settings come from /bench.conf.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
ln -s /proc/self/fd /dev/fd
exec </dev/console >/dev/console 2>&1
. /bench.conf
echo hello >/tmp/file

finish() {
	echo "BENCH-GUEST-DONE: $1"
	echo o >/proc/sysrq-trigger
	sleep 10
}

# wait_for TEST...: up to 60 s for the test to hold.
wait_for() {
	for _ in $(seq 600); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

attached() { [ "$(cat "/sys/module/$1/refcnt" 2>/dev/null || echo 0)" -gt 0 ]; }

# start_CONTENDER / stop_CONTENDER: attach a reader, then detach it.
start_baseline() { :; }
stop_baseline() { :; }

start_saker() {
	rm -f /tmp/ready
	/opt/saker/sakerd --driver kmod "${SAKER_RULES[@]}" -o journal_output.enabled=false \
		-o stdout_output.enabled=true --ready-file /tmp/ready >/dev/null 2>/tmp/sakerd.err &
	reader=$!
	wait_for test -e /tmp/ready || { cat /tmp/sakerd.err; finish "sakerd did not start"; }
}
stop_saker() {
	kill -TERM $reader
	wait $reader
	sed -n 's/^sakerd: stats (exit): /# saker stats: /p' /tmp/sakerd.err | cut -c1-200
}

start_sysdig_w() {
	sysdig -w /dev/null >/dev/null 2>/tmp/sysdig.err &
	reader=$!
	wait_for attached scap || { cat /tmp/sysdig.err; finish "sysdig did not attach"; }
	sleep 1
}
stop_sysdig_w() {
	kill -INT $reader
	wait $reader
}

start_sysdig_filter() {
	sysdig -p '%evt.num %proc.name %evt.type' "$SYSDIG_FILTER" >/dev/null 2>/tmp/sysdig.err &
	reader=$!
	wait_for attached scap || { cat /tmp/sysdig.err; finish "sysdig did not attach"; }
	sleep 1
}
stop_sysdig_filter() { stop_sysdig_w; }

insmod /saker.ko || finish "saker.ko does not load"
insmod /scap.ko || finish "scap.ko does not load"
echo "# guest up after $(cut -d' ' -f1 /proc/uptime) s; $(nproc) CPUs"
for round in $(seq "$ROUNDS"); do
	for c in $CONTENDERS; do
		"start_$c"
		for w in $WORKLOADS; do
			t0=$EPOCHREALTIME
			eval "/opt/saker/workload ${WL[$w]}" || echo "# $c $w failed"
			t1=$EPOCHREALTIME
			echo "RESULT $round $c $w $(((${t1/./} - ${t0/./})))"
		done
		"stop_$c"
	done
done
rmmod saker
rmmod scap
dmesg | grep -E 'WARNING|BUG|Oops|Call Trace' | head -20 | sed 's/^/# kernel: /'
finish ok
