// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fillers: the parameters of each system call's record, in table order.
 * Most events take their parameters straight from the system call's
 * arguments, in order; saker_fill_generic() does those from the table's
 * types. The others are spelled out below, in fillers_net.c and in
 * fillers_proc.c. Everything runs at sys_exit, in the caller's context.
 */
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "saker_kmod.h"

/* The table's parameter types, per event. */
#define SAKER_PT_TYPE(type, pname, info) SAKER_PT_##type,
#define SAKER_PT_ARRAY(id, name, sys, flags, res, params) \
	static const u8 saker_pt_##id[] = { params SAKER_PT_NONE };
SAKER_EVENT_TABLE(SAKER_PT_ARRAY, SAKER_PT_TYPE)
#undef SAKER_PT_ARRAY

#define SAKER_PT_ENTRY(id, name, sys, flags, res, params) [SAKER_EV_##id] = saker_pt_##id,
const u8 *const saker_ptypes[SAKER_EV_MAX] = { SAKER_EVENT_TABLE(SAKER_PT_ENTRY, SAKER_PT_TYPE) };
#undef SAKER_PT_ENTRY
#undef SAKER_PT_TYPE

#define SAKER_NP_ENTRY(id, name, sys, flags, res, params) [SAKER_EV_##id] = SAKER_NPARAMS_##id,
const u16 saker_nparams[SAKER_EV_MAX] = { SAKER_EVENT_TABLE(SAKER_NP_ENTRY, ) };
#undef SAKER_NP_ENTRY

/* Parameters first..first+count-1 from the arguments of the same index. */
void saker_fill_generic(struct saker_rec *r, u16 type, const unsigned long *args,
			unsigned int first, unsigned int count)
{
	const u8 *pt = saker_ptypes[type];
	unsigned int i;

	for (i = first; i < first + count && i < saker_nparams[type]; i++) {
		switch (pt[i]) {
		case SAKER_PT_STR:
		case SAKER_PT_PATH:
		case SAKER_PT_RELPATH:
			if (i < 6)
				saker_rec_user_str(r, args[i], SAKER_PATH_MAX);
			else
				saker_rec_absent(r);
			break;
		case SAKER_PT_STRLIST:
		case SAKER_PT_BYTES:
		case SAKER_PT_SOCKADDR:
		case SAKER_PT_SOCKTUPLE:
			saker_rec_absent(r);
			break;
		case SAKER_PT_FD:
		case SAKER_PT_PID:
		case SAKER_PT_S64:
			/* Arguments of type int: sign-extend. */
			saker_rec_int(r, pt[i], i < 6 ? (u64)(s64)(int)args[i] : 0);
			break;
		default:
			saker_rec_int(r, pt[i], i < 6 ? args[i] : 0);
			break;
		}
	}
}

/* dev and ino of the file a new descriptor refers to. */
static void fill_fd_file(struct saker_rec *r, long fd)
{
	struct file *f = fd >= 0 ? fget(fd) : NULL;

	if (!f) {
		saker_rec_absent(r);
		saker_rec_absent(r);
		return;
	}
	saker_rec_int(r, SAKER_PT_DEV, file_inode(f)->i_sb->s_dev);
	saker_rec_int(r, SAKER_PT_INODE, file_inode(f)->i_ino);
	fput(f);
}

static void fill_openat2(struct saker_rec *r, const unsigned long *args, long ret)
{
	struct open_how how;

	saker_fill_generic(r, SAKER_EV_OPENAT2, args, 0, 2);
	if (args[3] < sizeof(how) ||
	    copy_from_user_nofault(&how, (const void __user *)args[2], sizeof(how))) {
		saker_rec_absent(r);
		saker_rec_absent(r);
		saker_rec_absent(r);
	} else {
		saker_rec_int(r, SAKER_PT_FLAGS, how.flags);
		saker_rec_int(r, SAKER_PT_MODE, how.mode);
		saker_rec_int(r, SAKER_PT_FLAGS, how.resolve);
	}
	fill_fd_file(r, ret);
}

static void fill_pipe(struct saker_rec *r, u16 type, const unsigned long *args, long ret)
{
	int fds[2];
	struct file *f;

	if (ret || copy_from_user_nofault(fds, (const void __user *)args[0], sizeof(fds))) {
		saker_rec_absent(r);
		saker_rec_absent(r);
		saker_rec_absent(r);
	} else {
		saker_rec_int(r, SAKER_PT_FD, (u64)(s64)fds[0]);
		saker_rec_int(r, SAKER_PT_FD, (u64)(s64)fds[1]);
		f = fget(fds[0]);
		if (f) {
			saker_rec_int(r, SAKER_PT_INODE, file_inode(f)->i_ino);
			fput(f);
		} else {
			saker_rec_absent(r);
		}
	}
	if (type == SAKER_EV_PIPE2)
		saker_rec_int(r, SAKER_PT_FLAGS, args[1]);
}

static void fill_rw(struct saker_rec *r, const unsigned long *args, long ret)
{
	saker_rec_int(r, SAKER_PT_FD, (u64)(s64)(int)args[0]);
	saker_rec_int(r, SAKER_PT_U64, args[2]);
	if (ret > 0)
		saker_rec_user_bytes(r, args[1], ret, SAKER_DATA_MAX);
	else
		saker_rec_absent(r);
}

static void fill_capset(struct saker_rec *r)
{
	const struct cred *c = current_cred();

	saker_rec_int(r, SAKER_PT_U64, saker_cap_u64(c->cap_inheritable));
	saker_rec_int(r, SAKER_PT_U64, saker_cap_u64(c->cap_permitted));
	saker_rec_int(r, SAKER_PT_U64, saker_cap_u64(c->cap_effective));
}

static void fill_prctl(struct saker_rec *r, const unsigned long *args)
{
	saker_rec_int(r, SAKER_PT_ENUM, args[0]);
	if (args[0] == PR_SET_NAME || args[0] == PR_GET_NAME)
		saker_rec_user_str(r, args[1], TASK_COMM_LEN);
	else
		saker_rec_absent(r);
	saker_rec_int(r, SAKER_PT_U64, args[1]);
}

void saker_fill_syscall(struct saker_rec *r, u16 type, const unsigned long *args, long ret)
{
	u32 exe_flags;

	switch (type) {
	case SAKER_EV_EXECVE:
		exe_flags = saker_fill_proc(r, current, true, ret, args[0]);
		saker_rec_int(r, SAKER_PT_FLAGS, exe_flags);
		break;
	case SAKER_EV_EXECVEAT:
		exe_flags = saker_fill_proc(r, current, true, ret, ret ? args[1] : 0);
		saker_rec_int(r, SAKER_PT_FLAGS, exe_flags);
		saker_rec_int(r, SAKER_PT_FD, (u64)(s64)(int)args[0]);
		if (ret)
			saker_rec_user_str(r, args[1], SAKER_PATH_MAX);
		else
			saker_rec_absent(r); /* the old address space is gone */
		saker_rec_int(r, SAKER_PT_FLAGS, args[4]);
		break;
	case SAKER_EV_OPEN:
	case SAKER_EV_OPENAT:
	case SAKER_EV_CREAT:
		saker_fill_generic(r, type, args, 0, saker_nparams[type] - 2);
		fill_fd_file(r, ret);
		break;
	case SAKER_EV_OPENAT2:
		fill_openat2(r, args, ret);
		break;
	case SAKER_EV_PIPE:
	case SAKER_EV_PIPE2:
		fill_pipe(r, type, args, ret);
		break;
	case SAKER_EV_READ:
	case SAKER_EV_WRITE:
		fill_rw(r, args, ret);
		break;
	case SAKER_EV_CAPSET:
		fill_capset(r);
		break;
	case SAKER_EV_PRCTL:
		fill_prctl(r, args);
		break;
	case SAKER_EV_INIT_MODULE:
		saker_rec_int(r, SAKER_PT_U64, args[1]);
		saker_rec_user_str(r, args[2], SAKER_PATH_MAX);
		break;
	case SAKER_EV_SIGNALFD4:
		saker_rec_int(r, SAKER_PT_FD, (u64)(s64)(int)args[0]);
		saker_rec_int(r, SAKER_PT_FLAGS, args[3]);
		break;
	case SAKER_EV_SOCKETPAIR:
	case SAKER_EV_CONNECT:
	case SAKER_EV_BIND:
	case SAKER_EV_ACCEPT:
	case SAKER_EV_ACCEPT4:
	case SAKER_EV_SENDTO:
	case SAKER_EV_RECVFROM:
	case SAKER_EV_SENDMSG:
	case SAKER_EV_RECVMSG:
		saker_fill_net(r, type, args, ret);
		break;
	default:
		saker_fill_generic(r, type, args, 0, saker_nparams[type]);
		break;
	}
}
