// SPDX-License-Identifier: GPL-2.0-only
/*
 * fd.*ip.name: the answers' snapshot (an address belongs to every name it
 * was given for; the name shown is the alphabetically first), the refresh
 * schedule, the names a compiled condition hands to the resolver, the
 * checks' verdicts, and the resolver thread with real getaddrinfo lookups
 * of names that need no network (numeric addresses, /etc/hosts' localhost).
 * tests/integration/dns.sh resolves names from a private /etc/hosts.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cond.h"
#include "dns_int.h"
#include "tap.h"
#include "util.h"

static struct dns_addr A4(const char *s) {
	struct dns_addr a = { .fam = 4 };

	inet_pton(AF_INET, s, a.a);
	return a;
}

static struct dns_addr
A6(const char *s) {
	struct dns_addr a = { .fam = 6 };

	inet_pton(AF_INET6, s, a.a);
	return a;
}

static struct field_val
ipval(const char *s)
{
	struct field_val v = { 0 };

	if (inet_pton(AF_INET, s, v.ip.a) == 1) {
		v.ip.fam = 4;
		v.ip.bits = 32;
	} else if (inet_pton(AF_INET6, s, v.ip.a) == 1) {
		v.ip.fam = 6;
		v.ip.bits = 128;
	}
	return v;
}

static void test_interval(void)
{
	struct dns_opts o = { .refresh_ns = 10, .refresh_max_ns = 320 };
	uint64_t t = dns_next_interval(&o, 0, false);
	unsigned steps = 0;

	tap_is_int(t, 10, "the first refresh comes after the base interval");
	while (t < 320 && steps++ < 10)
		t = dns_next_interval(&o, t, false);
	tap_is_int(steps, 5, "unchanged answers double it: 10 20 40 80 160 320");
	tap_is_int(dns_next_interval(&o, t, false), 320, "and it stays at the ceiling");
	tap_is_int(dns_next_interval(&o, t, true), 10, "a change brings it back to the base");
}

static void test_snapshot(void)
{
	const char *names[] = { "b.example", "a.example", "c.example" };
	struct dns_addr b[] = { A4("10.0.0.1"), A6("2001:db8::1") };
	struct dns_addr a[] = { A4("10.0.0.2"), A4("10.0.0.1") };
	struct dns_addrset sets[] = { { b, 2 }, { a, 2 }, { NULL, 0 } };
	struct dns_snap *s = dns_snap_build(7, names, 3, sets);
	struct dns_addr q;
	size_t i, n;

	tap_ok(s && s->n == 4 && s->gen == 7, "four (address, name) pairs, for gen 7");
	q = A4("10.0.0.1");
	i = dns_snap_find(s, &q, &n);
	tap_ok(n == 2 && s->e[i].id == 1 && s->e[i + 1].id == 0,
	       "10.0.0.1 has both names, a.example first");
	q = A4("10.0.0.3");
	dns_snap_find(s, &q, &n);
	tap_is_int(n, 0, "an address no name has is not found");
	q = (struct dns_addr){ .fam = 6 };
	memcpy(q.a, A4("10.0.0.1").a, 4);
	dns_snap_find(s, &q, &n);
	tap_is_int(n, 0, "the same bytes as IPv6 are another address");
	dns_snap_free(s);
	s = dns_snap_build(1, NULL, 0, NULL);
	q = A4("10.0.0.1");
	dns_snap_find(s, &q, &n);
	tap_ok(s && n == 0, "an empty snapshot finds nothing");
	dns_snap_free(s);
}

/* dns_match / dns_name_of on a hand-built snapshot. */
static void test_match(void)
{
	const char *names[] = { "k8s.example", "api.example", "never.example" };
	struct dns_addr k[] = { A4("127.0.0.77"), A6("fd00::77") };
	struct dns_addr api[] = { A4("127.0.0.77") };
	struct dns_addrset sets[] = { { k, 2 }, { api, 1 }, { NULL, 0 } };
	struct dns *d = dns_new(NULL);
	struct field_val ip = ipval("127.0.0.77"), ip6 = ipval("fd00::77"),
			 other = ipval("10.9.9.9");
	uint32_t id0[] = { 0 }, id2[] = { 2 }, id02[] = { 0, 2 }, id12[] = { 1, 2 };

	d->cur = dns_snap_build(d->gen, names, 3, sets);
	tap_ok(dns_match(d, id0, 1, &ip), "127.0.0.77 is k8s.example's");
	tap_ok(dns_match(d, id0, 1, &ip6), "fd00::77 (AAAA) is k8s.example's too");
	tap_ok(dns_match(d, id12, 2, &ip),
	       "in (api.example, never.example) matches by api.example");
	tap_ok(!dns_match(d, id2, 1, &ip), "a name with no answer matches nothing");
	tap_ok(!dns_match(d, id02, 2, &other), "an address of no name matches nothing");
	tap_is_str(dns_name_of(d, &ip), "api.example",
		   "the name shown is the first alphabetically");
	tap_is_str(dns_name_of(d, &ip6), "k8s.example", "an IPv6 address shows its name");
	tap_ok(!dns_name_of(d, &other), "an address of no name shows none (<NA>)");
	tap_ok(!dns_match(NULL, id0, 1, &ip) && !dns_name_of(NULL, &ip),
	       "without a resolver nothing matches");
	dns_free(d);
}

static char errmsg[256];

static void diag(void *ud, struct cond_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
}

static const struct cond_node *no_macro(void *ud, const char *name, struct cond_pos pos)
{
	return NULL;
}

static const struct cond_value *no_list(void *ud, const char *name, unsigned *n)
{
	return NULL;
}

static struct cond_expr *build(const char *text, struct cond_env *env)
{
	struct cond_resolver res = { no_macro, no_list, NULL };
	struct cond_node *ast = NULL, *x;
	struct cond_expr *e = NULL;
	struct cond_err err;

	errmsg[0] = 0;
	if (cond_parse(text, strlen(text), NULL, &ast, &err) < 0) {
		snprintf(errmsg, sizeof(errmsg), "%s", err.msg);
		return NULL;
	}
	x = cond_expand(ast, &res, diag, NULL);
	if (x)
		e = cond_compile(x, env, FSRC_SYSCALL, diag, NULL);
	cond_node_free(ast);
	cond_node_free(x);
	return e;
}

/* The event's addresses: fd.sip / fd.cip from here. */
static struct field_val cur_sip, cur_cip;

static int provide(const struct field_req *req, const struct field_ctx *ctx, struct field_out *out)
{
	const struct field_val *v = !strcmp(req->def->name, "fd.sip") ? &cur_sip :
				    !strcmp(req->def->name, "fd.cip") ? &cur_cip :
									NULL;

	if (!v || !v->ip.fam || !out->cap)
		return 0;
	out->vals[out->n++] = *v;
	return 1;
}

/* x.example and y.example have answers; any other name has none yet. */
static const char *const known[] = { "x.example", "y.example" };
static const char *const known_addr[] = { "10.1.1.1", "10.2.2.2" };

/* Evaluate text with a resolver that knows the env's names as above. */
static bool eval(const char *text)
{
	struct cond_env *env = cond_env_new();
	struct cond_expr *e = build(text, env);
	struct dns *d = dns_new(NULL);
	struct cond_run *run = e ? cond_run_new(env) : NULL;
	struct field_ctx ctx = { .dns = d };
	struct dns_addr addrs[8];
	struct dns_addrset sets[8] = { { 0 } };
	const char *const *names = cond_env_names(env, &(size_t){ 0 });
	size_t n;
	bool v = false;

	cond_env_names(env, &n);
	for (size_t i = 0; i < n && i < 8; i++)
		for (size_t k = 0; k < 2; k++)
			if (!strcmp(names[i], known[k])) {
				addrs[i] = A4(known_addr[k]);
				sets[i] = (struct dns_addrset){ &addrs[i], 1 };
			}
	/* As rules_runner_set_dns() would, but with the answers in place. */
	d->cur = dns_snap_build(d->gen, names, n, sets);
	if (!run) {
		tap_diag("'%s' does not compile: %s", text, errmsg);
	} else {
		cond_run_begin(run, &ctx);
		v = cond_eval(e, run);
	}
	dns_free(d);
	cond_run_free(run);
	cond_expr_free(e);
	cond_env_free(env);
	return v;
}

static void test_compile(void)
{
	struct cond_env *env = cond_env_new();
	struct cond_expr *e =
		build("fd.sip.name = x.example and fd.rip.name in (y.example, x.example)"
		      " and fd.cip.name contains z and tolower(fd.lip.name) = w"
		      " and fd.lip.name != v.example and fd.sip.name exists",
		      env);
	const char *const *names;
	size_t n;

	tap_ok(e != NULL, "fd.*ip.name compile with =, !=, in, contains, exists and a transformer");
	names = cond_env_names(env, &n);
	tap_ok(n == 3 && !strcmp(names[0], "x.example") && !strcmp(names[1], "y.example") &&
		       !strcmp(names[2], "v.example"),
	       "only the names of =, != and in are resolved, each once");
	cond_expr_free(e);
	cond_env_free(env);
}

static void test_eval(void)
{
	field_register_extractor("fd.sip", provide);
	field_register_extractor("fd.cip", provide);
	cur_sip = ipval("10.1.1.1");
	cur_cip = (struct field_val){ 0 };
	tap_ok(eval("fd.sip.name = x.example"), "fd.sip.name = x.example: the server is x's");
	tap_ok(!eval("fd.sip.name = y.example"), "fd.sip.name = y.example: it is not y's");
	tap_ok(eval("fd.sip.name != y.example"), "fd.sip.name != y.example");
	tap_ok(eval("fd.sip.name in (y.example, x.example)"), "in: any name of the list");
	tap_ok(eval("fd.sip.name in (z.example, x.example)"), "in: ids follow the env's order");
	tap_ok(!eval("fd.sip.name in (y.example, z.example)"), "in: none of the list");
	tap_ok(!eval("fd.sip.name = z.example"), "a name with no answer yet does not match");
	tap_ok(eval("fd.sip.name != z.example"), "... so != it is true (as in Falco)");
	tap_ok(!eval("fd.cip.name != y.example"), "no address (not a socket): even != is false");
}

static bool wait_lookups(struct dns *d, uint64_t want, unsigned ms)
{
	struct dns_stats s;

	for (unsigned i = 0; i < ms / 10; i++) {
		dns_get_stats(d, &s);
		if (s.lookups >= want)
			return true;
		usleep(10000);
	}
	return false;
}

static void test_worker(void)
{
	char longname[300];
	const char *names[] = { "127.0.0.9", "localhost", "::9", longname };
	const char *renamed[] = { "127.0.0.10", "127.0.0.9" };
	struct dns_opts o = { .refresh_ns = 50000000, .refresh_max_ns = 200000000 };
	struct dns *d = dns_new(&o);
	struct field_val v9 = ipval("127.0.0.9"), v10 = ipval("127.0.0.10"),
			 lo = ipval("127.0.0.1"), v6 = ipval("::9");
	struct dns_stats s;

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	tap_is_int(dns_set_names(d, names, 4), 0, "four names to resolve");
	tap_ok(!dns_match(d, (uint32_t[]){ 0 }, 1, &v9), "before the first answer nothing matches");
	tap_ok(dns_wait(d, 5000000000ull), "every name has its first answer");
	dns_poll(d);
	tap_ok(dns_match(d, (uint32_t[]){ 0 }, 1, &v9), "127.0.0.9 resolves to itself");
	tap_ok(dns_match(d, (uint32_t[]){ 1 }, 1, &lo), "localhost resolves through /etc/hosts");
	tap_ok(dns_match(d, (uint32_t[]){ 2 }, 1, &v6), "::9 is an AAAA answer");
	tap_is_str(dns_name_of(d, &v9), "127.0.0.9", "the address shows its name");
	dns_get_stats(d, &s);
	tap_ok(s.names == 3 && s.ignored == 1 && s.answered == 3 && s.unanswered == 0,
	       "a name longer than 253 bytes is not looked up (names %u ignored %u answered %u "
	       "unanswered %u)",
	       s.names, s.ignored, s.answered, s.unanswered);

	tap_ok(wait_lookups(d, s.lookups + 6, 5000), "unchanged answers are looked up again");
	dns_get_stats(d, &s);
	tap_ok(s.changes == 3 && s.timeouts == 0, "refreshes that change nothing are not changes");

	/* A new list (a reload): known answers move to the names' new ids at once. */
	tap_is_int(dns_set_names(d, renamed, 2), 0, "a new list of names");
	tap_ok(dns_match(d, (uint32_t[]){ 1 }, 1, &v9),
	       "127.0.0.9 keeps its answer under its new id");
	tap_ok(!dns_match(d, (uint32_t[]){ 0 }, 1, &v9), "the old id now means another name");
	tap_ok(dns_wait(d, 5000000000ull), "the new name is answered");
	dns_poll(d);
	tap_ok(dns_match(d, (uint32_t[]){ 0 }, 1, &v10), "127.0.0.10 matches after its answer");
	tap_ok(!dns_name_of(d, &lo), "a name dropped from the list shows no more");
	dns_free(d);
}

/* dns_wait_on_use(): no wait now; the first comparison waits and sees the answer. */
static void test_wait_on_use(void)
{
	const char *names[] = { "127.0.0.9", "localhost" };
	struct dns *d = dns_new(NULL);
	struct field_val v9 = ipval("127.0.0.9"), lo = ipval("127.0.0.1");

	tap_is_int(dns_set_names(d, names, 2), 0, "on use: two names to resolve");
	dns_wait_on_use(d, 5000000000ull);
	/* No dns_wait(), no dns_poll(): the match itself waits for the answers. */
	tap_ok(dns_match(d, (uint32_t[]){ 1 }, 1, &lo),
	       "on use: the first comparison sees localhost's answer");
	tap_ok(dns_match(d, (uint32_t[]){ 0 }, 1, &v9), "on use: and 127.0.0.9's");
	dns_free(d);
	d = dns_new(NULL);
	tap_is_int(dns_set_names(d, names, 2), 0, "on use: again, for the name of an address");
	dns_wait_on_use(d, 5000000000ull);
	tap_is_str(dns_name_of(d, &v9), "127.0.0.9", "on use: the first name lookup waits too");
	dns_free(d);
}

int main(void)
{
	test_interval();
	test_wait_on_use();
	test_snapshot();
	test_match();
	test_compile();
	test_eval();
	test_worker();
	return tap_done();
}
