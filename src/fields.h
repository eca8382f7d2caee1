/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The field registry: every field a condition or an output may name, with
 * Falco's type, argument form and source, and the extractor interface.
 *
 * The engine implements the evt.* extractors itself (they need only the
 * event record). Fields answered from the state tables (proc, thread, fd,
 * user, group, container, k8s) or from another source (ka, jevt) are
 * declared here and get their extractor from whoever owns that data,
 * through field_register_extractor(); until then they are "not available".
 */
#ifndef SAKER_FIELDS_H
#define SAKER_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* Falco's field types (the names list-fields prints). */
enum field_type {
	FT_CHARBUF = 0,
	FT_FSPATH,
	FT_FSRELPATH,
	FT_BYTEBUF,
	FT_INT64,
	FT_UINT64,
	FT_INT32,
	FT_UINT32,
	FT_UINT16,
	FT_BOOL,
	FT_IPADDR,
	FT_IPNET,
	FT_PORT,
	FT_ABSTIME,
	FT_RELTIME,
	FT_ERRNO,
	FT_FD,
	FT_PID,
	FT_UID,
	FT_GID,
	FT_MODE,
	FT_FLAGS32,
	FT_MAX
};

/* How values of a type compare. */
enum field_class {
	FC_STR = 0, /* text: every string operator */
	FC_BYTES, /* raw bytes: =, !=, bcontains, bstartswith */
	FC_SIGNED, /* integers */
	FC_UNSIGNED,
	FC_BOOL,
	FC_IP, /* an address; compares equal to a network that contains it */
};

/* Field flags. */
#define FIELD_ARG_INDEX (1u << 0) /* name[N] */
#define FIELD_ARG_KEY (1u << 1) /* name[key] */
#define FIELD_ARG_PATH (1u << 2) /* name[/json/pointer] */
#define FIELD_ARG_REQUIRED (1u << 3) /* the argument cannot be omitted */
#define FIELD_ARG_DOT (1u << 4) /* also name.ARG (evt.arg.path) */
#define FIELD_LIST (1u << 5) /* may yield several values */
#define FIELD_NET (1u << 6) /* IPADDR compared against networks (fd.net) */
#define FIELD_ANY (1u << 7) /* without an index: every ancestor, true if any matches */
#define FIELD_ARGS (FIELD_ARG_INDEX | FIELD_ARG_KEY | FIELD_ARG_PATH)

enum field_source {
	FSRC_SYSCALL = 0,
	FSRC_K8SAUDIT,
	FSRC_MAX,
};

struct field_def {
	const char *name;
	enum field_type type;
	uint32_t flags;
	enum field_source source;
	const char *desc;
};

/* One value. Strings need not be NUL-terminated. */
struct field_val {
	union {
		struct {
			const char *p;
			uint32_t len;
		} s;
		uint64_t u;
		int64_t i;
		bool b;
		struct {
			uint8_t fam; /* 4 or 6 */
			uint8_t bits; /* prefix length of a network, else 32/128 */
			uint8_t a[16];
		} ip;
	};
};

/* A resolved use of a field: the definition plus its argument. */
struct field_req {
	const struct field_def *def;
	unsigned id; /* index in the registry */
	const char *arg; /* key, path or dotted name; NULL if none */
	int64_t index; /* index argument; -1 if none */
	enum field_type type; /* def->type, or the resolved type of evt.rawarg.X */
};

/*
 * Where an extractor writes. vals has room for cap values; buf is scratch
 * for text the extractor renders (strings may also point into the event or
 * into provider memory that lives until the event is done).
 */
struct field_out {
	struct field_val *vals;
	unsigned n, cap;
	char *buf;
	size_t used, size;
};

struct dns;

/* What an extractor sees: the event and the provider's per-event data. */
struct field_ctx {
	const struct evt *evt; /* NULL for events of other sources */
	void *data; /* opaque, passed through from rules_eval() */
	const char *hostname;
	struct dns *dns; /* answers for fd.*ip.name; NULL: none */
	enum field_source source;
};

/*
 * Fill out with the field's values. Return the number of values (0 means
 * "not available") or -errno. Must not allocate: it runs per event.
 */
typedef int (*field_extract_fn)(const struct field_req *req, const struct field_ctx *ctx,
				struct field_out *out);

/* Registry. */
size_t field_count(void);
const struct field_def *field_at(size_t i);
const struct field_def *field_find(const char *name);
const char *field_type_name(enum field_type t);
enum field_class field_type_class(enum field_type t);
bool field_type_numeric(enum field_type t);
const char *field_source_name(enum field_source s);
int field_source_by_name(const char *name);

/*
 * Resolve "name", "name[arg]" or "evt.arg.NAME" to a request. arg_store
 * receives a copy of the argument (NUL-terminated) and must outlive ret.
 * On error returns -EINVAL and writes what was wrong into err.
 */
int field_resolve(const char *name, const char *arg, bool has_arg, struct field_req *ret,
		  char **ret_arg_copy, char *err, size_t errlen);

/*
 * Install the extractor of one field ("proc.name") or of a whole class
 * ("proc.*" for every field starting with "proc."). Later calls replace
 * earlier ones. Not thread safe: call before evaluating events.
 * Returns the number of fields covered, or -ENOENT.
 */
int field_register_extractor(const char *name_or_class, field_extract_fn fn);
field_extract_fn field_extractor(unsigned id);

/* Extraction helpers for extractors; each returns false when out is full. */
bool field_out_str(struct field_out *out, const char *p, size_t len);
bool field_out_cstr(struct field_out *out, const char *s);
__attribute__((format(printf, 2, 3))) bool field_out_printf(struct field_out *out, const char *fmt,
							    ...);
bool field_out_u64(struct field_out *out, uint64_t v);
bool field_out_s64(struct field_out *out, int64_t v);
bool field_out_bool(struct field_out *out, bool v);
/* Reserve n bytes of scratch; NULL when there is no room. */
char *field_out_reserve(struct field_out *out, size_t n);

/* Render one value as text (Falco's rendering of the type). */
int field_val_format(enum field_type t, const struct field_val *v, char *buf, size_t len);

/* The evt.* extractors (fields_evt.c), installed by field_init_builtin(). */
void field_init_builtin(void);
extern const struct field_def field_table[];
extern const size_t field_table_len;

/*
 * Does the field read the same for a record built at the call's entry,
 * result not known yet, as for the finished call (fields_entry.c)?
 */
bool field_known_at_entry(const struct field_req *req, unsigned type);
/*
 * For a later event of this type about an fd of which only the name is
 * known (from the open that made it): does the field read the same? The
 * fd's name fields, the type, and arguments the type does not have.
 */
bool field_known_later(const struct field_req *req, unsigned type);
/* Does the field read an fd's name (fd.name, fd.directory, ...)? */
bool field_names_fd(const char *name);

/* "ENOENT" for 2; NULL when unknown. */
const char *field_errno_name(int64_t e);

#endif /* SAKER_FIELDS_H */
