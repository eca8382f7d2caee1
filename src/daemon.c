// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event loop. Per record: decode, update state, run the rules indexed
 * for its type, queue alerts, commit deferred state removals. Between
 * records (and on timeouts): watchdog pings, signals, stats, drop checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "daemon_int.h"
#include "dns.h"
#include "fields.h"
#include "fields_container.h"
#include "fields_state.h"
#include "out.h"
#include "sdnotify.h"
#include "src_ptrace.h"
#include "util.h"
#include "webserver.h"

volatile sig_atomic_t daemon_sig_stop, daemon_sig_hup, daemon_sig_usr1, daemon_sig_usr2;

static void on_signal(int sig)
{
	switch (sig) {
	case SIGHUP:
		daemon_sig_hup = 1;
		break;
	case SIGUSR1:
		daemon_sig_usr1 = 1;
		break;
	case SIGUSR2:
		daemon_sig_usr2 = 1;
		break;
	default:
		daemon_sig_stop = 1;
	}
}

static void install_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int load_config(const struct daemon_opts *o, struct config **ret)
{
	const char *path = o->config_path ? o->config_path : CONFIG_DEFAULT_PATH;
	char err[1024];
	int k;

	/* The default file is optional; a file named with -c is not. */
	if (!o->config_explicit && access(path, F_OK) < 0)
		path = NULL;
	k = config_load(path, o->overrides, o->n_overrides, ret, err, sizeof(err));
	if (k < 0)
		fprintf(stderr, "sakerd: %s\n", err);
	return k;
}

static int open_outputs(struct daemon *d, struct outq **ret)
{
	struct outq_opts qo = { .capacity = d->cfg->outputs_queue_capacity ?: OUTQ_DEFAULT_CAPACITY,
				.rate = d->cfg->outputs_rate,
				.max_burst = d->cfg->outputs_max_burst,
				.health_interval_ns = OUTQ_DEFAULT_HEALTH_INTERVAL_NS,
				.hostname = d->hostname };
	struct outq *q = outq_new(&qo);
	char err[512];
	int k;

	if (!q)
		return -errno;
	k = out_open_all(d->cfg, q, err, sizeof(err));
	if (k < 0) {
		fprintf(stderr, "sakerd: outputs: %s\n", err);
		outq_free(q);
		return k;
	}
	if (k == 0)
		fprintf(stderr, "sakerd: warning: no output is enabled; alerts are only counted\n");
	k = outq_start(q);
	if (k < 0) {
		outq_free(q);
		return k;
	}
	*ret = q;
	return 0;
}

static int set_rules(struct daemon *d, struct ruleset *rs)
{
	struct rules_runner *runner = rules_runner_new(rs);
	struct src_interest want;
	uint64_t *hits = calloc(rules_count(rs) + 1, sizeof(*hits));

	if (!runner || !hits) {
		rules_runner_free(runner);
		free(hits);
		return -ENOMEM;
	}
	rules_runner_set_hostname(runner, d->hostname);
	if (d->o->profile_rules)
		rules_runner_time_every(runner, 1);
	if (rules_runner_set_dns(runner, d->dns) < 0) {
		rules_runner_free(runner);
		free(hits);
		return -ENOMEM;
	}
	daemon_interest(rs, &want);
	if (d->src)
		src_set_interest(d->src, &want);
	rules_runner_free(d->runner);
	rules_free(d->rs);
	free(d->rule_hits);
	d->rs = rs;
	d->runner = runner;
	d->std_names = rules_read_std_names(rs);
	d->rule_hits = hits;
	d->nrule_hits = rules_count(rs);
	return 0;
}

/* SIGHUP: new configuration, rules and outputs, or none of them. */
static void reload(struct daemon *d)
{
	struct config *cfg = NULL;
	struct ruleset *rs = NULL;
	struct outq *q = NULL, *old;

	sdn_reloading();
	fprintf(stderr, "sakerd: reloading configuration and rules\n");
	if (load_config(d->o, &cfg) < 0 || daemon_load_rules(d->o, cfg, &rs) < 0) {
		fprintf(stderr,
			"sakerd: reload failed; the running configuration and rules stay\n");
		config_free(cfg);
		sdn_ready("reload failed; running the previous rules");
		return;
	}
	old = d->q;
	if (strcmp(cfg->webserver_listen ? cfg->webserver_listen : "",
		   d->cfg->webserver_listen ? d->cfg->webserver_listen : ""))
		fprintf(stderr, "sakerd: reload: webserver.listen changes at the next start; "
				"the webserver stays as it was\n");
	config_free(d->cfg);
	d->cfg = cfg;
	if (open_outputs(d, &q) < 0) {
		fprintf(stderr, "sakerd: reload: outputs failed to open; keeping the old ones\n");
		q = NULL;
	}
	if (set_rules(d, rs) < 0) {
		fprintf(stderr, "sakerd: reload: out of memory; the running rules stay\n");
		rules_free(rs);
	}
	if (q) {
		outq_stop(old, 5000);
		outq_free(old);
		d->q = q;
	}
	fprintf(stderr, "sakerd: reloaded: %zu rules\n", rules_count(d->rs));
	sdn_ready("reloaded");
	daemon_update_status(d);
}

static void handle_record(struct daemon *d, const void *rec)
{
	const struct rules_rule *m[DAEMON_MAX_MATCHES];
	struct fields_state_data fsd;
	struct state_evctx ev;
	unsigned flags = d->cfg->rule_matching == CONFIG_MATCH_ALL ? RULES_EVAL_ALL : 0;
	struct evt e;
	int n;

	if (evt_decode(&e, rec, SAKER_REC_MAX, &d->ds, NULL) < 0)
		return;
	/* sakerd's own activity (outputs writing files, the journal) is not watched. */
	if (e.hdr.pid == (uint32_t)d->self)
		return;
	e.ts = e.hdr.ts + d->src->boot_offset_ns;
	e.num = ++d->events;
	state_apply(d->st, &e, &ev);
	if (e.hdr.type != SAKER_EV_PROC_SNAPSHOT && e.hdr.type != SAKER_EV_FD_SNAPSHOT) {
		fsd = (struct fields_state_data){ .st = d->st,
						  .ev = &ev,
						  .containers = d->containers };
		n = rules_eval(d->runner, &e, &fsd, flags, m, ARRAY_SIZE(m));
		for (int i = 0; i < n; i++)
			if (daemon_admit(d, m[i]))
				daemon_raise(d, m[i], &e);
	}
	state_commit(d->st);
}

/*
 * The driver's question at a call's entry (ptrace): could a rule match
 * this call once it returns? The path of handle_record() up to the rules,
 * applying nothing, with the fields the result decides unknown.
 */
static bool entry_verdict(void *ud, const void *rec, size_t len)
{
	struct daemon *d = ud;
	struct fields_state_data fsd;
	struct state_evctx ev;
	struct evt e;

	if (!d->runner || evt_decode(&e, rec, len, NULL, NULL) < 0)
		return true;
	if (e.hdr.pid == (uint32_t)d->self)
		return false;
	e.ts = e.hdr.ts + d->src->boot_offset_ns;
	e.num = d->events + 1;
	if (state_preview(d->st, &e, &ev) < 0)
		return true;
	/* With fd 0, 1 or 2 closed the new fd may be a standard stream some rule names. */
	if (d->std_names && (e.info->flags & SAKER_EF_CREATES_FD)) {
		for (int fd = 0; fd <= 2; fd++)
			if (!state_fd_get(ev.thread->proc, fd))
				return true;
	}
	fsd = (struct fields_state_data){ .st = d->st, .ev = &ev, .containers = d->containers };
	return rules_may_match(d->runner, &e, &fsd);
}

static void periodic(struct daemon *d)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	if (d->wedge_at && now >= d->wedge_at) {
		/* Fault hook for the watchdog test: the loop stops, pings stop. */
		fprintf(stderr, "sakerd: fault hook: event loop wedged on purpose\n");
		for (;;)
			sleep(3600);
	}
	if (d->containers)
		container_meta_poll(d->containers, now);
	if (d->watchdog_period && now >= d->next_watchdog) {
		sdn_watchdog();
		d->next_watchdog = now + d->watchdog_period;
	}
	if (now >= d->next_drop_check) {
		daemon_check_drops(d, now);
		d->next_drop_check = now + 1000000000ull;
	}
	if (d->cfg->metrics_enabled && now >= d->next_stats) {
		daemon_log_stats(d, "periodic");
		daemon_update_status(d);
		d->next_stats = now + d->cfg->metrics_interval_ms * 1000000ull;
	}
	daemon_metrics_tick(d, now);
	if (daemon_sig_usr2) {
		daemon_sig_usr2 = 0;
		daemon_log_stats(d, "requested");
	}
	if (daemon_sig_usr1) {
		daemon_sig_usr1 = 0;
		outq_reopen(d->q);
	}
	if (daemon_sig_hup) {
		daemon_sig_hup = 0;
		reload(d);
	}
}

/*
 * After SIGTERM: what the driver already captured is still processed (so
 * the alerts it raises are flushed too), bounded in time and count.
 */
static void drain(struct daemon *d)
{
	uint64_t until = clock_ns(CLOCK_MONOTONIC) + 2000000000ull;

	for (unsigned n = 0; n < 4000000 && clock_ns(CLOCK_MONOTONIC) < until; n++) {
		const void *rec;

		if (src_next(d->src, 0, &rec) != SRC_RECORD)
			return;
		handle_record(d, rec);
	}
}

static int loop(struct daemon *d)
{
	uint64_t next_tick = 0;

	while (!daemon_sig_stop) {
		const void *rec;
		int k = src_next(d->src, 100, &rec);
		uint64_t now;

		if (k == SRC_RECORD) {
			handle_record(d, rec);
		} else if (k == SRC_EOF) {
			return 0;
		} else if (k < 0 && k != -EINTR) {
			fprintf(stderr, "sakerd: driver %s: %s\n", d->src->driver,
				d->src->error[0] ? d->src->error : strerror(-k));
			return k;
		}
		/* The coarse clock is a vDSO read: cheap enough for every record. */
		now = clock_ns(CLOCK_MONOTONIC_COARSE);
		if (now >= next_tick || k != SRC_RECORD || daemon_sig_hup || daemon_sig_usr1 ||
		    daemon_sig_usr2) {
			periodic(d);
			daemon_k8s_poll(d);
			next_tick = now + 20000000ull;
		}
	}
	drain(d);
	return 0;
}

static int open_source(struct daemon *d)
{
	struct src_config sc = { .driver = config_driver_name(d->cfg->driver),
				 .input = d->o->capture_file ?: d->cfg->capture_file,
				 .argv = d->o->command,
				 .pids = d->o->pids,
				 .npids = d->o->npids,
				 .ebpf_buffer = d->cfg->ebpf_buffer,
				 .ebpf_hook = d->cfg->ebpf_hook,
				 .ebpf_no_defer_close = !d->cfg->ebpf_defer_close,
				 /* Falco's presets: 1 = 1 MiB ... 4 = 8 MiB ... 10 = 512 MiB. */
				 .buffer_bytes =
					 d->cfg->syscall_buf_size_preset ?
						 (size_t)1
							 << (19 + d->cfg->syscall_buf_size_preset) :
						 0 };
	char err[1024] = "";
	int k;

	if ((d->o->command || d->o->npids) && d->cfg->driver == CONFIG_DRIVER_AUTO)
		sc.driver = "ptrace";
	k = src_open(&sc, &d->src, err, sizeof(err));
	if (k < 0) {
		fprintf(stderr, "sakerd: %s\n", err);
		return k;
	}
	if (err[0])
		fprintf(stderr, "sakerd: %s\n", err);
	if (d->cfg->ptrace_entry_verdict)
		src_set_gate(d->src, entry_verdict, d);
	if (d->src->hostname && d->src->hostname[0])
		snprintf(d->hostname, sizeof(d->hostname), "%s", d->src->hostname);
	return 0;
}

static void list_rules(const struct ruleset *rs)
{
	for (size_t i = 0; i < rules_count(rs); i++) {
		const struct rules_rule *r = rules_at(rs, i);

		printf("%-60s %-13s %s", r->name, rules_priority_name(r->priority),
		       r->enabled ? "enabled " : "disabled");
		for (unsigned t = 0; t < r->ntags; t++)
			printf("%s%s", t ? "," : " ", r->tags[t]);
		putchar('\n');
	}
}

int daemon_validate(const struct daemon_opts *o)
{
	struct config *cfg = NULL;
	struct ruleset *rs = NULL;
	int k;

	if (load_config(o, &cfg) < 0)
		return SAKERD_EXIT_CONFIG;
	k = daemon_load_rules(o, cfg, &rs);
	config_free(cfg);
	if (k < 0)
		return k == -ENOENT ? SAKERD_EXIT_NOINPUT : SAKERD_EXIT_CONFIG;
	printf("%zu rules loaded\n", rules_count(rs));
	rules_free(rs);
	return 0;
}

static void touch_ready(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
}

/*
 * At exit the compiled ruleset (for Falco's stable rules some 100,000
 * allocations: 5-6 ms of free(), which a launched command's caller waits
 * for) and the state go with the process. Sanitizer builds free them, so
 * leak checkers still see every allocation accounted for.
 */
#if defined(__SANITIZE_ADDRESS__)
#define FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FREE_AT_EXIT 1
#endif
#endif
#ifndef FREE_AT_EXIT
#define FREE_AT_EXIT 0
#endif

static void teardown(struct daemon *d)
{
	webserver_stop(d->web);
	daemon_k8s_close(d);
	src_close(d->src);
	if (d->q) {
		int left = outq_stop(d->q, 10000);

		if (left > 0)
			fprintf(stderr, "sakerd: %d alerts could not be delivered before exit\n",
				left);
		outq_free(d->q);
	}
	if (FREE_AT_EXIT) {
		rules_runner_free(d->runner);
		rules_free(d->rs);
		state_free(d->st);
	}
	container_meta_free(d->containers);
	dns_free_exiting(d->dns); /* the process ends next */
	config_free(d->cfg);
	free(d->rule_hits);
}

static int setup(struct daemon *d, struct ruleset **rs)
{
	struct state_limits lim = { 0 };
	const char *wedge = getenv("SAKERD_FAULT_WEDGE_AFTER_MS");
	int k;

	if (load_config(d->o, &d->cfg) < 0)
		return SAKERD_EXIT_CONFIG;
	k = daemon_load_rules(d->o, d->cfg, rs);
	if (k < 0)
		return k == -ENOENT ? SAKERD_EXIT_NOINPUT : SAKERD_EXIT_CONFIG;
	if (d->o->list_rules) {
		list_rules(*rs);
		return -1;
	}
	if (open_source(d) < 0)
		return SAKERD_EXIT_UNAVAILABLE;
	/* A capture describes another moment (or host): never read our /proc for it. */
	lim.no_lookups = strcmp(d->src->driver, "replay") == 0;
	d->st = state_new(&lim);
	if (!d->st)
		return SAKERD_EXIT_OSERR;
	if (!lim.no_lookups && daemon_containers_open(d) < 0)
		return SAKERD_EXIT_OSERR;
	if (strcmp(d->src->driver, "replay") != 0 && strcmp(d->src->driver, "ptrace") != 0)
		state_seed(d->st);
	if (daemon_dns_open(d) < 0 || set_rules(d, *rs) < 0)
		return SAKERD_EXIT_OSERR;
	*rs = NULL;
	daemon_dns_wait(d);
	if (open_outputs(d, &d->q) < 0)
		return SAKERD_EXIT_CONFIG;
	if (daemon_k8s_open(d) < 0)
		return SAKERD_EXIT_CONFIG;
	d->started = clock_ns(CLOCK_MONOTONIC);
	if (daemon_metrics_open(d) < 0)
		return SAKERD_EXIT_CONFIG;
	d->watchdog_period = d->cfg->watchdog_enabled ? sdn_watchdog_usec() * 500 : 0;
	d->next_stats = d->started + d->cfg->metrics_interval_ms * 1000000ull;
	d->next_drop_check = d->started + 1000000000ull;
	out_bucket_init(&d->drop_bucket, d->cfg->drops.rate, d->cfg->drops.max_burst, d->started);
	if (wedge)
		d->wedge_at = d->started + strtoull(wedge, NULL, 10) * 1000000ull;
	return 0;
}

int daemon_run(const struct daemon_opts *o)
{
	struct daemon d = { .o = o, .self = getpid() };
	struct ruleset *rs = NULL;
	char status[256], filter[1024];
	int k, ret;

	install_signals();
	if (gethostname(d.hostname, sizeof(d.hostname) - 1) < 0)
		strcpy(d.hostname, "localhost");
	field_init_builtin();
	if (fields_state_register() < 0 || fields_container_register() < 0) {
		fprintf(stderr, "sakerd: internal error: state fields do not match the registry\n");
		return SAKERD_EXIT_SOFTWARE;
	}
	ret = setup(&d, &rs);
	if (ret != 0) {
		rules_free(rs);
		teardown(&d);
		return ret < 0 ? SAKERD_EXIT_OK : ret;
	}
	snprintf(status, sizeof(status), "driver %s, %zu rules", d.src->driver, rules_count(d.rs));
	sdn_ready(status);
	if (o->verbose && src_ptrace_describe_filter(d.src, filter, sizeof(filter)) == 0)
		fprintf(stderr, "sakerd: ptrace: the seccomp filter stops %s\n", filter);
	if (!o->quiet)
		fprintf(stderr, "sakerd: ready: %s\n", status);
	if (o->ready_file)
		touch_ready(o->ready_file);

	k = loop(&d);
	daemon_k8s_drain(&d);
	if (o->profile_rules)
		daemon_rule_profile(&d, stderr);
	sdn_stopping();
	if (!o->quiet)
		daemon_log_stats(&d, "exit");
	ret = k < 0 ? (k == -EBADMSG || k == -EPROTONOSUPPORT ? SAKERD_EXIT_DATAERR :
								SAKERD_EXIT_SOFTWARE) :
		      SAKERD_EXIT_OK;
	/* Launch mode: sakerd exits with the traced command's status, like strace. */
	if (ret == SAKERD_EXIT_OK && d.src && strcmp(d.src->driver, "ptrace") == 0 && o->command) {
		int ws;

		if (src_ptrace_exit_status(d.src, &ws) >= 0)
			ret = src_ptrace_exit_code(ws);
	}
	teardown(&d);
	return ret;
}
