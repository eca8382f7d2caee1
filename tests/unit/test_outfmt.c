// SPDX-License-Identifier: GPL-2.0-only
/* Output formats: substitution, <NA>, arguments, typed JSON values, errors. */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "outfmt.h"
#include "tap.h"

static int provide(const struct field_req *req, const struct field_ctx *ctx, struct field_out *out)
{
	const char *n = req->def->name;

	if (!strcmp(n, "proc.name"))
		return field_out_cstr(out, "bash");
	if (!strcmp(n, "proc.pid"))
		return field_out_s64(out, -5);
	if (!strcmp(n, "user.uid"))
		return field_out_u64(out, 1000);
	if (!strcmp(n, "container.privileged"))
		return field_out_bool(out, false);
	if (!strcmp(n, "proc.aname"))
		return req->index == 2 ? field_out_cstr(out, "sshd") :
		       req->index < 0  ? field_out_cstr(out, "a") + field_out_cstr(out, "b") :
					 0;
	return 0;
}

static struct outfmt *compile(const char *text, struct cond_env *env, struct cond_err *err)
{
	struct outfmt *f = NULL;

	memset(err, 0, sizeof(*err));
	if (outfmt_compile(text, strlen(text), NULL, env, FSRC_SYSCALL, &f, err) < 0)
		return NULL;
	return f;
}

static void render(const char *text, const char *want, const char *what)
{
	struct cond_env *env = cond_env_new();
	struct cond_err err;
	struct outfmt *f = compile(text, env, &err);
	struct field_ctx ctx = { 0 };
	struct cond_run *run;
	char buf[512];

	if (!f) {
		tap_ok(false, "%s (%s)", what, err.msg);
		cond_env_free(env);
		return;
	}
	run = cond_run_new(env);
	cond_run_begin(run, &ctx);
	outfmt_render(f, run, buf, sizeof(buf));
	tap_is_str(buf, want, what);
	cond_run_free(run);
	outfmt_free(f);
	cond_env_free(env);
}

static void test_json(void)
{
	struct cond_env *env = cond_env_new();
	struct cond_err err;
	struct outfmt *f = compile("%proc.name %proc.pid %user.uid %container.privileged "
				   "%fd.name %proc.aname",
				   env, &err);
	struct field_ctx ctx = { 0 };
	struct cond_run *run = cond_run_new(env);
	json_object *j;
	char small[8];
	int n;

	cond_run_begin(run, &ctx);
	j = outfmt_fields(f, run);
	tap_is_str(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
		   "{\"proc.name\":\"bash\",\"proc.pid\":-5,\"user.uid\":1000,"
		   "\"container.privileged\":false,\"fd.name\":null,\"proc.aname\":[\"a\",\"b\"]}",
		   "typed JSON values, null when unavailable");
	json_object_put(j);
	n = outfmt_render(f, run, small, sizeof(small));
	tap_ok(n > 8 && strlen(small) == 7, "rendering truncates safely and reports the length");
	cond_run_free(run);
	outfmt_free(f);
	cond_env_free(env);
}

int main(void)
{
	struct cond_env *env;
	struct cond_err err;

	field_register_extractor("proc.*", provide);
	field_register_extractor("user.*", provide);
	field_register_extractor("container.*", provide);
	render("plain text", "plain text", "text without fields");
	render("%proc.name ran", "bash ran", "field at the start");
	render("by %proc.name.", "by bash.", "a trailing dot ends a sentence, not the name");
	render("x=%proc.name,y=%proc.pid", "x=bash,y=-5", "fields next to punctuation");
	render("file=%fd.name", "file=<NA>", "unavailable field renders <NA>");
	render("parent2=%proc.aname[2] p3=%proc.aname[3]", "parent2=sshd p3=<NA>",
	       "indexed arguments");
	render("all=%proc.aname", "all=(a,b)", "several values");
	render("100% sure %proc.name", "100% sure bash", "a lone % stays");
	render("priv=%container.privileged", "priv=false", "booleans");
	test_json();
	env = cond_env_new();
	tap_ok(!compile("a %proc.nme b", env, &err) && strstr(err.msg, "unknown field") &&
		       err.pos.col == 3,
	       "unknown output field refused at its column (%u: %s)", err.pos.col, err.msg);
	tap_ok(!compile("a %proc.aname[2 b", env, &err) && strstr(err.msg, "unclosed"),
	       "unclosed argument refused");
	cond_env_free(env);
	return tap_done();
}
