// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the condition parser and compiler: the input is a
 * condition. It is parsed, expanded (every bare name is an undefined
 * macro), compiled for both sources and evaluated against an empty event;
 * the same text is compiled as an output format. Built with
 * SAKER_FUZZ_REGRESS it is a TAP program over a table of tricky inputs.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cond.h"
#include "outfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void diag(void *ud, struct cond_pos pos, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
}

static const struct cond_node *no_macro(void *ud, const char *name, struct cond_pos pos)
{
	return NULL;
}

static const struct cond_value *one_list(void *ud, const char *name, unsigned *n)
{
	static struct cond_value items[2] = { { "a b", 3, true, { 0 } },
					      { "/x", 2, false, { 0 } } };

	if (strcmp(name, "lst"))
		return NULL;
	*n = 2;
	return items;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cond_resolver res = { no_macro, one_list, NULL };
	struct cond_node *ast = NULL, *x;
	struct cond_err err;
	struct outfmt *f = NULL;

	field_init_builtin();
	if (size > 65536)
		return 0;
	for (int src = 0; src < FSRC_MAX; src++) {
		struct cond_env *env = cond_env_new();

		if (!env)
			return 0;
		if (cond_parse((const char *)data, size, NULL, &ast, &err) == 0) {
			x = cond_expand(ast, &res, diag, NULL);
			if (x) {
				struct cond_expr *e = cond_compile(x, env, src, diag, NULL);
				struct cond_run *run = e ? cond_run_new(env) : NULL;
				struct field_ctx ctx = { .source = src };
				struct src_interest in;

				if (run) {
					cond_run_begin(run, &ctx);
					cond_eval(e, run);
					cond_evttypes(e, &in);
				}
				cond_run_free(run);
				cond_expr_free(e);
			}
			cond_node_free(x);
			cond_node_free(ast);
			ast = NULL;
		}
		if (outfmt_compile((const char *)data, size, NULL, env, src, &f, &err) == 0)
			outfmt_free(f);
		cond_env_free(env);
	}
	return 0;
}

#ifdef SAKER_FUZZ_REGRESS
#include "tap.h"

int main(void)
{
	static const char *const inputs[] = {
		"",
		"(",
		")",
		"not",
		"not not not",
		"a and",
		"proc.name",
		"proc.name =",
		"proc.name = 'x",
		"proc.name = \"\\",
		"proc.name in (",
		"proc.name in (a,",
		"proc.name in (lst, c)",
		"proc.name in lst",
		"proc.name[",
		"proc.name[]",
		"evt.arg[",
		"evt.arg[] = 1",
		"tolower(",
		"tolower(proc.name",
		"tolower(tolower(tolower(tolower(tolower(proc.name))))) = x",
		"val(proc.name) = x",
		"proc.name = val(",
		"proc.name regex '['",
		"evt.buffer bcontains 1",
		"fd.ip = ::1",
		"fd.snet = ::/0",
		"fd.snet = 1.2.3.4/99",
		"proc.pid = 99999999999999999999999",
		"proc.pid = -9223372036854775808",
		"evt.type in (open, nosuch) or not evt.type != execve",
		"%proc.name %",
		"%evt.arg[0] %jevt.value[/a]",
		"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
		"B\xda", /* found by fuzzing: a scan past the end of the input */
		"a\0b",
	};
	char deep[4096];

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		size_t n = strlen(inputs[i]);

		LLVMFuzzerTestOneInput((const uint8_t *)inputs[i],
				       i + 1 == sizeof(inputs) / sizeof(inputs[0]) ? 3 : n);
		tap_ok(true, "survives '%s'", inputs[i]);
	}
	/* found by fuzzing: an output format with a NUL inside */
	LLVMFuzzerTestOneInput((const uint8_t *)"\x02\0\x02\0", 4);
	tap_ok(true, "survives NULs in an output format");
	memset(deep, '(', sizeof(deep));
	LLVMFuzzerTestOneInput((const uint8_t *)deep, sizeof(deep));
	for (size_t i = 0; i + 4 < sizeof(deep); i += 4)
		memcpy(deep + i, "not ", 4);
	LLVMFuzzerTestOneInput((const uint8_t *)deep, sizeof(deep));
	tap_ok(true, "survives 4096 open parentheses and 1024 nots");
	return tap_done();
}
#endif
