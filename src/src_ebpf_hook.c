// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trampoline mode: one fexit program per system call entry function of
 * interest (__x64_sys_openat, __ia32_compat_sys_open, ...). Attaching any
 * program to the sys_enter/sys_exit tracepoints sets
 * SYSCALL_WORK_SYSCALL_TRACEPOINT on every task, so every system call of
 * the host takes the slow path and runs a program; a trampoline costs only
 * the calls it is attached to.
 *
 * The kernel verifies a tracing program for one attach target, and
 * verifying the record-building body once per target would take seconds.
 * So the body is verified once per distinct prototype of the entry
 * functions (their BTF has two: the parameter is named "regs" or
 * "__unused"; kernels from 6.10 refuse a tail call between tracing
 * programs whose attach prototypes differ), and each target gets a stub of
 * five instructions, built here, that tail-calls the body of its group.
 * The stubs are loaded when first attached and kept for re-attaching.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>

#include "event.h"
#include "src_ebpf_abi.h"
#include "src_ebpf_hook.h"
#include "util.h"

#define GROUPS 2
#define TARGETS_MAX 512
#define EV_SOCKETCALL (-1) /* i386 socketcall: wanted with any of its subcalls */

struct target {
	int btf_id;
	int ev; /* event type, or EV_SOCKETCALL */
	int group;
	int prog_fd; /* the stub, -1 until first attached */
	int link_fd; /* -1 when detached */
};

struct ebpf_hooks {
	struct btf *btf;
	struct bpf_object *obj;
	struct bpf_program *body[GROUPS];
	int array_fd[GROUPS];
	int proto[GROUPS]; /* BTF id of each group's FUNC_PROTO, 0 unused */
	struct target t[TARGETS_MAX];
	int n, attached;
};

/* The events of socketcall's subcalls: it is wanted with any of them. */
static const char *const socketcall_events[] = {
#define X(call, name, nargs) #name,
	SAKER_IA32_SOCKETCALLS(X)
#undef X
};

/* The FUNC_PROTO id of a function taking one struct pt_regs pointer, else 0. */
static int regs_proto(const struct btf *btf, int func_id)
{
	const struct btf_type *f = btf__type_by_id(btf, func_id), *p, *t;
	const struct btf_param *par;
	__u32 id;

	if (!f || !btf_is_func(f))
		return 0;
	p = btf__type_by_id(btf, f->type);
	if (!p || !btf_is_func_proto(p) || btf_vlen(p) != 1)
		return 0;
	par = btf_params(p);
	id = par->type;
	for (t = btf__type_by_id(btf, id);
	     t && (btf_is_const(t) || btf_is_volatile(t) || btf_is_typedef(t));
	     t = btf__type_by_id(btf, t->type))
		;
	if (!t || !btf_is_ptr(t))
		return 0;
	for (t = btf__type_by_id(btf, t->type); t && (btf_is_const(t) || btf_is_volatile(t));
	     t = btf__type_by_id(btf, t->type))
		;
	if (!t || !btf_is_struct(t) || strcmp(btf__name_by_offset(btf, t->name_off), "pt_regs"))
		return 0;
	return (int)f->type;
}

/* The first of prefix+name that BTF has with the entry prototype, else 0. */
static int find_entry(const struct btf *btf, const char *const *prefixes, const char *name,
		      int *ret_proto)
{
	char fn[128];

	for (; *prefixes; prefixes++) {
		int id, proto;

		snprintf(fn, sizeof(fn), "%s%s", *prefixes, name);
		id = btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC);
		if (id > 0 && (proto = regs_proto(btf, id)) > 0) {
			*ret_proto = proto;
			return id;
		}
	}
	return 0;
}

static int add_target(struct ebpf_hooks *h, int btf_id, int proto, int ev)
{
	int g;

	if (btf_id <= 0)
		return 0;
	for (int i = 0; i < h->n; i++)
		if (h->t[i].btf_id == btf_id)
			return 0;
	for (g = 0; g < GROUPS && h->proto[g] && h->proto[g] != proto; g++)
		;
	if (g == GROUPS || h->n == TARGETS_MAX)
		return -E2BIG;
	h->proto[g] = proto;
	h->t[h->n++] = (struct target){ btf_id, ev, g, -1, -1 };
	return 0;
}

static int find_targets(struct ebpf_hooks *h)
{
	static const char *const x64[] = { "__x64_sys_", "__do_sys_", NULL };
	static const char *const ia32[] = { "__ia32_compat_sys_", "__ia32_sys_", "__do_sys_",
					    NULL };
	static const char *const x32[] = { "__x32_compat_sys_", NULL };
	int k = 0, proto = 0, id;

	for (int t = 0; t < SAKER_EV_MAX && k == 0; t++) {
		const char *name = evt_table[t].name;

		if (evt_table[t].syscall_nr < 0 || t == SAKER_EV_PROCEXIT)
			continue;
		/* x86-64's umount2 is sys_umount. */
		id = find_entry(h->btf, x64, strcmp(name, "umount2") ? name : "umount", &proto);
		k = add_target(h, id, proto, t);
		if (k == 0 && (id = find_entry(h->btf, x32, name, &proto)) > 0)
			k = add_target(h, id, proto, t);
	}
	for (int i = 0; i < src_ebpf_abi_ia32_count() && k == 0; i++) {
		const char *name, *entry;
		int nr;

		src_ebpf_abi_ia32_at(i, &nr, &name, &entry);
		id = find_entry(h->btf, ia32, entry, &proto);
		k = add_target(h, id, proto, evt_type_by_name(name));
	}
	if (k == 0 && (id = find_entry(h->btf, ia32, "socketcall", &proto)) > 0)
		k = add_target(h, id, proto, EV_SOCKETCALL);
	return k;
}

/* Point the fentry programs at execve's entries, or leave them unloaded. */
static void exec_targets(struct ebpf_hooks *h, struct bpf_object *obj, bool exec_fentry)
{
	static const char *const entries[] = { "__x64_sys_execve", "__x64_sys_execveat",
					       "__ia32_compat_sys_execve",
					       "__ia32_compat_sys_execveat" };

	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		char name[32];
		struct bpf_program *p;

		snprintf(name, sizeof(name), "saker_fentry_exec%zu", i);
		p = bpf_object__find_program_by_name(obj, name);
		if (!p)
			continue;
		if (!exec_fentry ||
		    btf__find_by_name_kind(h->btf, entries[i], BTF_KIND_FUNC) <= 0 ||
		    bpf_program__set_attach_target(p, 0, entries[i]) != 0)
			bpf_program__set_autoload(p, false);
	}
}

struct ebpf_hooks *src_ebpf_hooks_new(struct bpf_object *obj, bool exec_fentry, char *err,
				      size_t errlen)
{
	struct ebpf_hooks *h = calloc(1, sizeof(*h));
	int k;

	if (!h)
		return NULL;
	h->obj = obj;
	h->btf = btf__load_vmlinux_btf();
	if (!h->btf) {
		k = -errno;
		snprintf(err, errlen, "cannot read the kernel's BTF: %s", strerror(-k));
		goto fail;
	}
	k = find_targets(h);
	if (k < 0 || h->n == 0) {
		snprintf(err, errlen,
			 "the system call entry functions in BTF do not fit (%d of them, "
			 "more than %d prototypes)",
			 h->n, GROUPS);
		k = k < 0 ? k : -ENOENT;
		goto fail;
	}
	for (int g = 0; g < GROUPS; g++) {
		char name[32];

		snprintf(name, sizeof(name), "saker_fexit_body%d", g);
		h->body[g] = bpf_object__find_program_by_name(obj, name);
		h->array_fd[g] = -1;
		if (!h->body[g]) {
			snprintf(err, errlen, "the probe object has no %s", name);
			k = -ENOENT;
			goto fail;
		}
		bpf_program__set_autoload(h->body[g], h->proto[g] != 0);
		for (int i = 0; i < h->n && h->proto[g]; i++) {
			if (h->t[i].group != g)
				continue;
			k = bpf_program__set_attach_target(
				h->body[g], 0,
				btf__name_by_offset(
					h->btf, btf__type_by_id(h->btf, h->t[i].btf_id)->name_off));
			if (k < 0) {
				snprintf(err, errlen, "cannot aim %s: %s", name, strerror(-k));
				goto fail;
			}
			break;
		}
	}
	exec_targets(h, obj, exec_fentry);
	return h;
fail:
	src_ebpf_hooks_free(h);
	errno = -k;
	return NULL;
}

int src_ebpf_hooks_start(struct ebpf_hooks *h, char *err, size_t errlen)
{
	for (int g = 0; g < GROUPS; g++) {
		char name[32];
		__u32 zero = 0;
		int fd;

		if (!h->proto[g])
			continue;
		snprintf(name, sizeof(name), "saker_fexit_progs%d", g);
		h->array_fd[g] = bpf_object__find_map_fd_by_name(h->obj, name);
		fd = bpf_program__fd(h->body[g]);
		if (h->array_fd[g] < 0 || fd < 0 ||
		    bpf_map_update_elem(h->array_fd[g], &zero, &fd, BPF_ANY) != 0) {
			int k = h->array_fd[g] < 0 || fd < 0 ? -ENOENT : -errno;

			snprintf(err, errlen, "cannot install the fexit body %d: %s", g,
				 strerror(-k));
			return k;
		}
	}
	return 0;
}

/* r2 = &progs; r3 = 0; tail_call(ctx, r2, r3); return 0 (the body's return is fexit's). */
static int stub_load(const struct ebpf_hooks *h, const struct target *t)
{
	struct bpf_insn insn[] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM,
		  .dst_reg = BPF_REG_2,
		  .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = h->array_fd[t->group] },
		{ 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_tail_call },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FEXIT,
		    .attach_btf_id = (__u32)t->btf_id);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "saker_stub", "GPL", insn, ARRAY_SIZE(insn),
			       &o);

	return fd < 0 ? -errno : fd;
}

static bool wanted(const struct target *t, const bool *on)
{
	if (t->ev >= 0)
		return on[t->ev];
	for (size_t i = 0; i < ARRAY_SIZE(socketcall_events); i++) {
		int ev = evt_type_by_name(socketcall_events[i]);

		if (ev >= 0 && on[ev])
			return true;
	}
	return false;
}

static const char *target_name(const struct ebpf_hooks *h, const struct target *t)
{
	return btf__name_by_offset(h->btf, btf__type_by_id(h->btf, t->btf_id)->name_off);
}

int src_ebpf_hooks_set(struct ebpf_hooks *h, const bool *on, char *err, size_t errlen)
{
	for (int i = 0; i < h->n; i++) {
		struct target *t = &h->t[i];
		bool want = wanted(t, on);

		if (!want && t->link_fd >= 0) {
			close(t->link_fd);
			t->link_fd = -1;
			h->attached--;
		}
		if (!want || t->link_fd >= 0)
			continue;
		if (t->prog_fd < 0)
			t->prog_fd = stub_load(h, t);
		if (t->prog_fd >= 0)
			t->link_fd = bpf_link_create(t->prog_fd, 0, BPF_TRACE_FEXIT, NULL);
		if (t->prog_fd < 0 || t->link_fd < 0) {
			int k = t->prog_fd < 0 ? t->prog_fd : -errno;

			t->link_fd = -1;
			snprintf(err, errlen, "cannot attach fexit to %s: %s", target_name(h, t),
				 strerror(-k));
			return k;
		}
		h->attached++;
	}
	return 0;
}

int src_ebpf_hooks_attached(const struct ebpf_hooks *h)
{
	return h ? h->attached : 0;
}

void src_ebpf_hooks_free(struct ebpf_hooks *h)
{
	if (!h)
		return;
	for (int i = 0; i < h->n; i++) {
		if (h->t[i].link_fd >= 0)
			close(h->t[i].link_fd);
		if (h->t[i].prog_fd >= 0)
			close(h->t[i].prog_fd);
	}
	btf__free(h->btf);
	free(h);
}

int src_ebpf_hook_probe(char *why, size_t len)
{
	struct bpf_insn insn[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct btf *btf = btf__load_vmlinux_btf();
	int id, fd, link, k = 0;

	if (!btf) {
		k = -errno;
		snprintf(why, len, "no kernel BTF (%s)", strerror(-k));
		return k;
	}
	id = btf__find_by_name_kind(btf, "__x64_sys_close", BTF_KIND_FUNC);
	btf__free(btf);
	if (id <= 0) {
		snprintf(why, len, "the kernel's BTF has no __x64_sys_close");
		return -ENOENT;
	}
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FEXIT,
		    .attach_btf_id = (__u32)id);
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "saker_probe", "GPL", insn, ARRAY_SIZE(insn), &o);
	if (fd < 0) {
		k = -errno;
		snprintf(why, len, "the kernel refuses fexit programs (%s%s)", strerror(-k),
			 k == -EPERM ? ": lockdown or a security module" : "");
		return k;
	}
	link = bpf_link_create(fd, 0, BPF_TRACE_FEXIT, NULL);
	if (link < 0) {
		k = -errno;
		snprintf(why, len, "the kernel cannot attach fexit trampolines (%s)", strerror(-k));
	} else {
		close(link);
	}
	close(fd);
	return k;
}
