// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every operator and transformer against Falco's semantics, table-driven.
 * Field values come from a test provider registered through
 * field_register_extractor(), the same interface the state module uses.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cond.h"
#include "tap.h"

/* The values the provider returns; NULL / absent means "not available". */
static int provide(const struct field_req *req, const struct field_ctx *ctx, struct field_out *out)
{
	const char *n = req->def->name;
	static const uint8_t ip[4] = { 10, 1, 2, 3 }, sip[4] = { 192, 168, 1, 5 };

	if (ctx->data != (void *)provide)
		return 0;
	if (!strcmp(n, "proc.name"))
		return field_out_cstr(out, "Bash-Shell");
	if (!strcmp(n, "proc.cmdline"))
		return field_out_cstr(out, "bash -c \"ls /tmp\"");
	if (!strcmp(n, "proc.pcmdline")) {
		/* Longer than glob()'s stack copy: 6,000 'a's, then "TAIL". */
		static char lng[6005];

		if (!lng[0]) {
			memset(lng, 'a', 6000);
			memcpy(lng + 6000, "TAIL", 5);
		}
		return field_out_cstr(out, lng);
	}
	if (!strcmp(n, "proc.args"))
		return field_out_cstr(out, "12abc");
	if (!strcmp(n, "proc.exepath"))
		return field_out_cstr(out, "/usr/bin/bash");
	if (!strcmp(n, "proc.env"))
		return field_out_cstr(out, "aGVsbG8="); /* base64 of "hello" */
	if (!strcmp(n, "fd.name"))
		return field_out_cstr(out, "/etc/ssh/sshd_config");
	if (!strcmp(n, "user.name"))
		return field_out_cstr(out, "");
	if (!strcmp(n, "proc.pid"))
		return field_out_s64(out, 1234);
	if (!strcmp(n, "user.loginuid"))
		return field_out_s64(out, -1);
	if (!strcmp(n, "proc.tty"))
		return field_out_u64(out, 0);
	if (!strcmp(n, "fd.sport"))
		return field_out_u64(out, 30500);
	if (!strcmp(n, "container.privileged"))
		return field_out_bool(out, true);
	if (!strcmp(n, "proc.aname")) {
		const char *an[] = { "sshd", "systemd" };

		if (req->index > 0)
			return req->index <= 2 ? field_out_cstr(out, an[req->index - 1]) : 0;
		return field_out_cstr(out, an[0]) + field_out_cstr(out, an[1]);
	}
	if (!strcmp(n, "fd.ip") || !strcmp(n, "fd.snet")) {
		struct field_val *v = &out->vals[out->n++];

		v->ip.fam = 4;
		v->ip.bits = 32;
		memcpy(v->ip.a, n[3] == 'i' ? ip : sip, 4);
		return 1;
	}
	if (!strcmp(n, "evt.buffer"))
		return field_out_str(out,
				     "\x7f"
				     "ELF\x02\x01",
				     6);
	return 0; /* fd.directory and the rest: not available */
}

struct tcase {
	const char *cond;
	bool want;
};

static const struct tcase cases[] = {
	/* = == != on strings, case sensitive */
	{ "proc.name = Bash-Shell", true },
	{ "proc.name == Bash-Shell", true },
	{ "proc.name = bash-shell", false },
	{ "proc.name != bash-shell", true },
	{ "proc.name=Bash-Shell", true },
	{ "user.name = \"\"", true },
	{ "user.name != ''", false },
	/* quoted strings and escapes */
	{ "proc.cmdline = 'bash -c \"ls /tmp\"'", true },
	{ "proc.cmdline = \"bash -c \\\"ls /tmp\\\"\"", true },
	{ "proc.cmdline contains '\"ls'", true },
	/* contains icontains startswith endswith */
	{ "proc.name contains Shell", true },
	{ "fd.name contains /etc/", true },
	{ "fd.name contains _config", true },
	{ "fd.name contains /", true },
	{ "fd.name contains //", false },
	{ "fd.name contains ./", false },
	{ "fd.name contains sshd_configX", false },
	{ "fd.name contains /ssh/ss", true },
	{ "fd.name contains '/etc/ssh/sshd_config'", true },
	{ "fd.name contains '/etc/ssh/sshd_config/'", false },
	{ "proc.name contains shell", false },
	{ "proc.name icontains sHELL", true },
	{ "proc.name icontains zsh", false },
	{ "fd.name startswith /etc/ssh", true },
	{ "fd.name startswith /etc/ssl", false },
	{ "fd.name endswith _config", true },
	{ "fd.name endswith .conf", false },
	/* bytes: hex constants */
	{ "evt.buffer bcontains 454c46", true },
	{ "evt.buffer bcontains 454c47", false },
	{ "evt.buffer bstartswith 7f454c46", true },
	{ "evt.buffer bstartswith 454c46", false },
	{ "evt.buffer contains ELF", true },
	/* glob: fnmatch without FNM_PATHNAME, so * crosses / */
	{ "fd.name glob /etc/*", true },
	{ "fd.name glob '/etc/*/sshd_config'", true },
	{ "fd.name glob /etc/ssh/sshd_confi?", true },
	{ "fd.name glob /etc/[a-s]sh/*", true },
	{ "fd.name glob /ETC/*", false },
	{ "fd.name iglob /ETC/*", true },
	/* the literal text before the first wildcard is checked first */
	{ "fd.name glob /etc/ssh/sshd_config", true },
	{ "fd.name glob /etc/ssh/sshd_config*", true },
	{ "fd.name glob /etc/ssh/sshd", false },
	/* a value longer than any stack copy is matched whole */
	{ "proc.pcmdline glob *TAIL", true },
	{ "proc.pcmdline glob *aTAIL", true },
	{ "proc.pcmdline glob aaaa*", true },
	{ "proc.pcmdline glob *TAILX", false },
	{ "proc.pcmdline iglob *tail", true },
	{ "fd.name glob /etc/ssl/*", false },
	{ "fd.name glob /etc/ssh/sshd_config/*", false },
	{ "fd.name glob *sshd_config", true },
	{ "fd.name iglob /ETC/SSH/SSHD_*", true },
	/* pmatch: whole path components */
	{ "fd.name pmatch (/etc/ssh)", true },
	{ "fd.name pmatch (/etc/ss)", false },
	{ "fd.name pmatch (/etc/ssh/)", true },
	{ "fd.name pmatch (/etc/ssh/sshd_config)", true },
	{ "fd.name pmatch (/var, /etc)", true },
	{ "fd.name pmatch (/)", true },
	{ "fd.name pmatch ()", false },
	/* in, intersects: value lists; empty list; items with spaces */
	{ "proc.name in (zsh, Bash-Shell)", true },
	{ "proc.name in (zsh, bash)", false },
	{ "proc.name in ()", false },
	{ "not proc.name in ()", true },
	{ "proc.cmdline in ('bash -c \"ls /tmp\"', x)", true },
	{ "proc.name intersects (Bash-Shell, x)", true },
	/* regex: PCRE2, the whole value */
	{ "proc.name regex 'Bash-.*'", true },
	{ "proc.name regex 'Bash'", false },
	{ "proc.name regex '[A-Z][a-z]+-[A-Z][a-z]+'", true },
	/* numbers */
	{ "proc.pid = 1234", true },
	{ "proc.pid != 1234", false },
	{ "proc.pid > 1000", true },
	{ "proc.pid >= 1234", true },
	{ "proc.pid < 1234", false },
	{ "proc.pid <= 1234", true },
	{ "proc.pid = 0x4d2", true },
	{ "proc.pid in (1, 1234)", true },
	{ "proc.pid in (1, 2)", false },
	{ "user.loginuid = -1", true },
	{ "user.loginuid < 0", true },
	{ "proc.tty = 0", true },
	{ "fd.sport >= 30000 and fd.sport <= 32767", true },
	/* strings compared with < > are compared as text, not numbers */
	{ "proc.args > 5", false },
	{ "proc.args < 5", true },
	{ "proc.args > 100", true },
	/* booleans */
	{ "container.privileged = true", true },
	{ "container.privileged = false", false },
	{ "container.privileged != false", true },
	/* addresses and networks */
	{ "fd.ip = 10.1.2.3", true },
	{ "fd.ip = \"10.1.2.4\"", false },
	{ "fd.ip in (127.0.0.1, 10.1.2.3)", true },
	{ "fd.snet = 192.168.0.0/16", true },
	{ "fd.snet = 10.0.0.0/8", false },
	{ "fd.snet in (10.0.0.0/8, 172.16.0.0/12, \"192.168.0.0/16\")", true },
	/* exists, and fields that are not available */
	{ "proc.name exists", true },
	{ "fd.directory exists", false },
	{ "not fd.directory exists", true },
	{ "fd.directory = x", false },
	{ "fd.directory != x", false },
	{ "not fd.directory = x", true },
	{ "fd.directory in (x)", false },
	/* list fields: proc.aname without index matches any ancestor */
	{ "proc.aname = systemd", true },
	{ "proc.aname = sshd", true },
	{ "proc.aname = init", false },
	{ "proc.aname in (init, systemd)", true },
	{ "proc.aname[1] = sshd", true },
	{ "proc.aname[2] = sshd", false },
	{ "proc.aname[2] = systemd", true },
	{ "proc.aname[3] exists", false },
	/* transformers */
	{ "tolower(proc.name) = bash-shell", true },
	{ "toupper(proc.name) = BASH-SHELL", true },
	{ "tolower(toupper(proc.name)) = bash-shell", true },
	{ "basename(proc.exepath) = bash", true },
	{ "basename(fd.name) in (sshd_config)", true },
	{ "len(proc.name) = 10", true },
	{ "len(user.name) = 0", true },
	{ "len(proc.name) > 20", false },
	{ "b64(proc.env) = hello", true },
	{ "tolower(proc.name) = val(proc.name)", false },
	{ "proc.name = val(proc.name)", true },
	{ "tolower(proc.name) = tolower(proc.name)", true },
	/* boolean structure and precedence: not > and > or */
	{ "proc.name = x or proc.pid = 1234 and proc.tty = 0", true },
	{ "(proc.name = x or proc.pid = 1234) and proc.tty = 1", false },
	{ "not proc.name = x and proc.pid = 1234", true },
	{ "not (proc.name = Bash-Shell and proc.pid = 1)", true },
	{ "not not proc.name = Bash-Shell", true },
	{ "not(proc.name = x)", true },
	{ "proc.name=x or(proc.pid=1234)", true },
};

/* Conditions that must not compile, and a piece of the message. */
static const struct tcase_err {
	const char *cond;
	const char *msg;
	unsigned col;
} errors[] = {
	{ "proc.nam = x", "unknown field 'proc.nam'", 1 },
	{ "proc.pid = abc", "expected an integer", 12 },
	{ "proc.pid contains 1", "operator 'contains' does not apply", 1 },
	{ "container.privileged = maybe", "expected true or false", 24 },
	{ "fd.ip = 300.1.1.1", "expected an IP address", 9 },
	{ "proc.name regex '('", "bad regex", 17 },
	{ "evt.buffer bcontains xyz", "even number of hex digits", 22 },
	{ "proc.name = x and", "expected a check", 18 },
	{ "proc.name = x)", "unexpected ')'", 14 },
	{ "(proc.name = x", "unclosed '('", 1 },
	{ "proc.name in (a, b", "unclosed '(' of a value list", 14 },
	{ "proc.name in a b", "unexpected 'b'", 16 },
	{ "proc.name", "expected an operator", 10 },
	{ "proc.name = 'abc", "unterminated quoted string", 13 },
	{ "proc.aname[x] = y", "expects a numeric index", 1 },
	{ "proc.name[1] = y", "does not take an argument", 1 },
	{ "len(proc.pid) = 1", "does not apply", 1 },
	{ "ka.verb = get", "belongs to the k8s_audit source", 1 },
	{ "evt.arg.nosuchparam = 1", "no event has an argument named", 1 },
	{ "", "empty condition", 1 },
	{ "proc.name = val(proc.pid)", "cannot compare", 13 },
	{ "val(proc.name) = x", "only allowed on the right", 1 },
};

static char errmsg[512];
static struct cond_pos errpos;

static void diag(void *ud, struct cond_pos pos, const char *fmt, ...)
{
	va_list ap;

	if (errmsg[0])
		return; /* keep the first */
	errpos = pos;
	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
}

static const struct cond_node *no_macro(void *ud, const char *name, struct cond_pos pos)
{
	diag(ud, pos, "undefined macro '%s'", name);
	return NULL;
}

static const struct cond_value *no_list(void *ud, const char *name, unsigned *n)
{
	return NULL;
}

static struct cond_expr *build(const char *text, struct cond_env *env, enum field_source src)
{
	struct cond_resolver res = { no_macro, no_list, NULL };
	struct cond_node *ast = NULL, *x;
	struct cond_expr *e;
	struct cond_err err;

	errmsg[0] = 0;
	if (cond_parse(text, strlen(text), NULL, &ast, &err) < 0) {
		snprintf(errmsg, sizeof(errmsg), "%s", err.msg);
		errpos = err.pos;
		return NULL;
	}
	x = cond_expand(ast, &res, diag, NULL);
	cond_node_free(ast);
	if (!x)
		return NULL;
	e = cond_compile(x, env, src, diag, NULL);
	cond_node_free(x);
	return e;
}

static void test_operators(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cond_env *env = cond_env_new();
		struct cond_expr *e = build(cases[i].cond, env, FSRC_SYSCALL);
		struct field_ctx ctx = { .data = (void *)provide };
		struct cond_run *run;

		if (!e) {
			tap_ok(false, "%s  (does not compile: %s)", cases[i].cond, errmsg);
			cond_env_free(env);
			continue;
		}
		run = cond_run_new(env);
		cond_run_begin(run, &ctx);
		tap_ok(cond_eval(e, run) == cases[i].want, "%s  => %s", cases[i].cond,
		       cases[i].want ? "true" : "false");
		/* With every field known, three-valued evaluation says the same. */
		{
			uint8_t none[64] = { 0 };
			enum cond_tri v = cond_eval_partial(e, run, none);

			if (v != (cases[i].want ? COND_TRUE : COND_FALSE))
				tap_ok(false, "%s  => %d when every field is known", cases[i].cond,
				       (int)v);
		}
		cond_run_free(run);
		cond_expr_free(e);
		cond_env_free(env);
	}
}

/* Kleene's logic when some fields are not known yet (fd.sport, user.loginuid here). */
static void test_partial(void)
{
	static const struct {
		const char *cond;
		enum cond_tri want;
	} pc[] = {
		{ "fd.sport = 30500", COND_UNKNOWN },
		{ "fd.sport exists", COND_UNKNOWN },
		{ "fd.sport = 30500 and proc.name = nobody", COND_FALSE },
		{ "proc.name = nobody and fd.sport = 30500", COND_FALSE },
		{ "fd.sport = 1 or proc.name = Bash-Shell", COND_TRUE },
		{ "fd.sport = 1 or proc.name = nobody", COND_UNKNOWN },
		{ "not fd.sport = 1", COND_UNKNOWN },
		{ "not (fd.sport = 1 and proc.name = nobody)", COND_TRUE },
		{ "not (fd.sport = 1 or proc.name = Bash-Shell)", COND_FALSE },
		{ "proc.name = Bash-Shell and not fd.sport in (1, 2)", COND_UNKNOWN },
		{ "proc.name = Bash-Shell and fd.name startswith /etc", COND_TRUE },
		{ "proc.pid != val(user.loginuid)", COND_UNKNOWN },
		{ "proc.name = Bash-Shell and (fd.sport > 1 or fd.name = /etc/passwd)",
		  COND_UNKNOWN },
		{ "proc.name = Bash-Shell and (fd.sport > 1 and fd.name = /etc/passwd)",
		  COND_FALSE },
		{ "evt.type = openat and fd.sport = 1", COND_FALSE },
	};
	struct saker_rec_hdr h = { .type = SAKER_EV_CLOSE };
	struct evt ev = { .hdr = h, .info = &evt_table[SAKER_EV_CLOSE] };
	struct field_ctx ctx = { .evt = &ev, .data = (void *)provide };

	for (size_t i = 0; i < sizeof(pc) / sizeof(pc[0]); i++) {
		struct cond_env *env = cond_env_new();
		struct cond_expr *e = build(pc[i].cond, env, FSRC_SYSCALL);
		uint8_t unknown[64] = { 0 };
		struct cond_run *run;

		if (!e) {
			tap_ok(false, "partial: %s  (does not compile: %s)", pc[i].cond, errmsg);
			cond_env_free(env);
			continue;
		}
		for (unsigned k = 0; k < cond_env_nslots(env) && k < 512; k++) {
			const char *n = cond_env_slot_req(env, k)->def->name;

			if (!strcmp(n, "fd.sport") || !strcmp(n, "user.loginuid"))
				unknown[k / 8] |= (uint8_t)(1u << (k % 8));
		}
		run = cond_run_new(env);
		cond_run_begin(run, &ctx);
		{
			enum cond_tri v = cond_eval_partial(e, run, unknown);

			tap_ok(v == pc[i].want, "partial: %s  => %d (want %d)", pc[i].cond, (int)v,
			       (int)pc[i].want);
		}
		cond_run_free(run);
		cond_expr_free(e);
		cond_env_free(env);
	}
}

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct cond_env *env = cond_env_new();
		struct cond_expr *e = build(errors[i].cond, env, FSRC_SYSCALL);

		tap_ok(!e && strstr(errmsg, errors[i].msg) && errpos.col == errors[i].col,
		       "'%s' is refused at col %u: %s", errors[i].cond, errors[i].col,
		       errors[i].msg);
		if (e || !strstr(errmsg, errors[i].msg) || errpos.col != errors[i].col)
			tap_diag("got col %u: %s", errpos.col, errmsg);
		cond_expr_free(e);
		cond_env_free(env);
	}
}

/* Each field is extracted once per event, however often it is used. */
static unsigned calls;
static int counting(const struct field_req *req, const struct field_ctx *ctx, struct field_out *out)
{
	calls++;
	return field_out_cstr(out, "x");
}

static void test_cache(void)
{
	struct cond_env *env = cond_env_new();
	struct cond_expr *e;
	struct cond_run *run;
	struct field_ctx ctx = { 0 };

	field_register_extractor("proc.sname", counting);
	e = build("proc.sname = a or proc.sname = b or proc.sname startswith x", env, FSRC_SYSCALL);
	run = cond_run_new(env);
	cond_run_begin(run, &ctx);
	tap_ok(e && cond_eval(e, run), "three checks of one field evaluate");
	tap_is_int(calls, 1, "  ... with one extraction");
	cond_run_begin(run, &ctx);
	cond_eval(e, run);
	tap_is_int(calls, 2, "  ... and one more for the next event");
	tap_is_int(cond_env_nslots(env), 1, "  ... sharing one slot");
	cond_run_free(run);
	cond_expr_free(e);
	cond_env_free(env);
}

/*
 * Shared subexpressions: every pair of table cases compiled into one env as
 * "(A) and (B)", "(A) or not (B)" shares A and B across conditions; each
 * verdict with memoisation equals the verdict without, and the memo is
 * per event (a second event with no values changes the verdicts).
 */
static void test_memo(void)
{
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	static struct cond_expr *e[N][2];
	struct cond_env *env = cond_env_new();
	struct field_ctx on = { .data = (void *)provide }, off = { 0 };
	struct cond_run *memo, *plain;
	char text[1024];
	unsigned bad = 0, tried = 0, changed = 0;
	static bool first[N][2];

	for (size_t i = 0; i < N; i++) {
		size_t j = (i * 7 + 3) % N;

		snprintf(text, sizeof(text), "(%s) and (%s)", cases[i].cond, cases[j].cond);
		e[i][0] = build(text, env, FSRC_SYSCALL);
		snprintf(text, sizeof(text), "(%s) or not (%s)", cases[j].cond, cases[i].cond);
		e[i][1] = build(text, env, FSRC_SYSCALL);
	}
	memo = cond_run_new(env);
	plain = cond_run_new(env);
	cond_run_nomemo(plain);
	tap_ok(cond_env_nshared(env) > N, "table cases compiled twice share %u subexpressions",
	       cond_env_nshared(env));
	for (int ev = 0; ev < 2; ev++) {
		cond_run_begin(memo, ev ? &off : &on);
		cond_run_begin(plain, ev ? &off : &on);
		for (size_t i = 0; i < N; i++)
			for (int k = 0; k < 2; k++) {
				bool a, b;

				if (!e[i][k])
					continue;
				a = cond_eval(e[i][k], memo);
				b = cond_eval(e[i][k], plain);
				tried++;
				bad += a != b;
				/* A verdict that moves between the events: the memo was reset. */
				if (ev == 0)
					first[i][k] = a;
				else if (a != first[i][k])
					changed++;
			}
	}
	tap_ok(tried >= 4 * N - 8 && !bad, "memoised verdicts equal plain ones (%u of %u differ)",
	       bad, tried);
	tap_ok(changed > 0, "  ... and the memo is per event");
	for (size_t i = 0; i < N; i++) {
		cond_expr_free(e[i][0]);
		cond_expr_free(e[i][1]);
	}
	cond_run_free(memo);
	cond_run_free(plain);
	cond_env_free(env);
}

static void test_evttypes(void)
{
	static const struct {
		const char *cond;
		bool all;
		int in, out;
	} t[] = {
		{ "evt.type = open", false, SAKER_EV_OPEN, SAKER_EV_OPENAT },
		{ "evt.type in (open, openat) and proc.name = x", false, SAKER_EV_OPENAT,
		  SAKER_EV_EXECVE },
		{ "evt.type != open", false, SAKER_EV_OPENAT, SAKER_EV_OPEN },
		{ "not evt.type = open", false, SAKER_EV_EXECVE, SAKER_EV_OPEN },
		{ "not (evt.type = open and proc.name = x)", true, SAKER_EV_OPEN, -1 },
		{ "evt.type = open or proc.name = x", true, SAKER_EV_EXECVE, -1 },
		{ "evt.type = open or evt.type = execve", false, SAKER_EV_EXECVE, SAKER_EV_CLOSE },
		{ "proc.name = x", true, SAKER_EV_CLOSE, -1 },
		{ "evt.type = nosuchevent", false, -1, SAKER_EV_OPEN },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct cond_env *env = cond_env_new();
		struct cond_expr *e = build(t[i].cond, env, FSRC_SYSCALL);
		struct src_interest s;
		bool all = e && cond_evttypes(e, &s);

		tap_ok(e && all == t[i].all && (t[i].in < 0 || src_interest_has(&s, t[i].in)) &&
			       (t[i].out < 0 || !src_interest_has(&s, t[i].out)),
		       "event types of '%s'", t[i].cond);
		cond_expr_free(e);
		cond_env_free(env);
	}
}

int main(void)
{
	field_init_builtin();
	if (field_register_extractor("proc.*", provide) <= 0 ||
	    field_register_extractor("fd.*", provide) <= 0 ||
	    field_register_extractor("user.*", provide) <= 0 ||
	    field_register_extractor("container.*", provide) <= 0 ||
	    field_register_extractor("evt.buffer", provide) != 1)
		tap_ok(false, "provider registration");
	tap_is_int(field_register_extractor("nosuch.*", provide), -ENOENT,
		   "registering an unknown class fails");
	test_operators();
	test_partial();
	test_errors();
	test_cache();
	test_memo();
	test_evttypes();
	return tap_done();
}
