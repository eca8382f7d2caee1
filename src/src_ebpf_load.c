// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which probe object to load (embedded CO-RE or a classic one for this
 * release), its ABI version (an ELF section read with libelf before libbpf
 * sees it), and loading it with an error that says how to fix each failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "src_ebpf.h"
#include "src_ebpf_load.h"
#include "util.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "saker.skel.h"
#pragma GCC diagnostic pop

#define LOG_CAP (1u << 20)
#define BTF_PATH "/sys/kernel/btf/vmlinux"

/* libbpf's messages of the current load, kept for the verifier log file. */
static char *load_log;
static size_t load_log_len;

static int collect_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (level == LIBBPF_DEBUG || !load_log || load_log_len >= LOG_CAP - 1)
		return 0;
	n = vsnprintf(load_log + load_log_len, LOG_CAP - load_log_len, fmt, ap);
	if (n > 0)
		load_log_len +=
			(size_t)n < LOG_CAP - load_log_len ? (size_t)n : LOG_CAP - 1 - load_log_len;
	return 0;
}

/* Library code does not print: libbpf's notes at open time go nowhere. */
int src_ebpf_quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/* Write the verifier's words where an operator can read them; the path, or NULL. */
static const char *save_log(char *path, size_t len)
{
	static const char *const dirs[] = { "/run/saker", "/tmp" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		FILE *f;
		int fd;

		mkdir(dirs[i], 0750);
		snprintf(path, len, "%s/ebpf-verifier.log", dirs[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		if (fd < 0)
			continue;
		f = fdopen(fd, "w");
		if (!f) {
			close(fd);
			continue;
		}
		fwrite(load_log, 1, load_log_len, f);
		fclose(f);
		return path;
	}
	return NULL;
}

/* The probe's ABI version from its ELF section; -ENOENT if it has none. */
static int object_abi(const void *elf, size_t len, uint32_t *ret)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int r = -ENOENT;

	elf_version(EV_CURRENT);
	e = elf_memory((char *)elf, len);
	if (!e)
		return -EBADMSG;
	if (elf_getshdrstrndx(e, &shstrndx) != 0) {
		elf_end(e);
		return -EBADMSG;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			break;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, SAKER_BPF_ABI_SECTION) != 0)
			continue;
		d = elf_getdata(scn, NULL);
		if (d && d->d_buf && d->d_size >= sizeof(uint32_t)) {
			memcpy(ret, d->d_buf, sizeof(uint32_t));
			r = 0;
		}
		break;
	}
	elf_end(e);
	return r;
}

static int read_file(const char *path, void **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rbe");
	size_t cap = 1 << 20, len = 0, n;
	uint8_t *buf;

	if (!f)
		return -errno;
	buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap && cap < (64u << 20)) {
			uint8_t *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	if (!buf)
		return -ENOMEM;
	*ret = buf;
	*ret_len = len;
	return 0;
}

/*
 * CO-RE when the kernel has BTF, else the classic object the driver
 * loader built for this release.
 */
int src_ebpf_pick_object(const char *object, void **ret_owned, const void **ret, size_t *ret_len,
			 char *err, size_t errlen)
{
	char classic[512];
	struct utsname u;
	int k;

	if (!object && access(BTF_PATH, R_OK) == 0) {
		*ret = saker_bpf__elf_bytes(ret_len);
		return 0;
	}
	if (!object) {
		uname(&u);
		snprintf(classic, sizeof(classic), "%s/%s/saker.bpf.o", SRC_EBPF_CLASSIC_DIR,
			 u.release);
		object = classic;
	}
	k = read_file(object, ret_owned, ret_len);
	if (k < 0) {
		if (object == classic)
			snprintf(err, errlen,
				 "ebpf: this kernel has no BTF (%s) and there is no classic probe "
				 "at %s (%s): build one with 'saker-driver-loader --ebpf'",
				 BTF_PATH, classic, strerror(-k));
		else
			snprintf(err, errlen, "ebpf: cannot read '%s': %s", object, strerror(-k));
		return k;
	}
	*ret = *ret_owned;
	return 0;
}

int src_ebpf_check_abi(const void *elf, size_t len, char *err, size_t errlen)
{
	uint32_t v = 0;
	int k = object_abi(elf, len, &v);

	if (k < 0) {
		snprintf(err, errlen,
			 "ebpf: the probe object carries no saker ABI version: "
			 "rebuild it with saker-driver-loader");
		return -EPROTONOSUPPORT;
	}
	if (v >> 16 != SAKER_ABI_MAJOR) {
		snprintf(err, errlen,
			 "ebpf: the probe speaks event ABI %u.%u, this saker %u.%u: rebuild it "
			 "with saker-driver-loader",
			 v >> 16, v & 0xffff, SAKER_ABI_MAJOR, SAKER_ABI_MINOR);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

int src_ebpf_load_object(struct bpf_object *obj, char *err, size_t errlen)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char path[256];
	const char *saved;
	int k;

	/* Older kernels charge BPF memory to RLIMIT_MEMLOCK; newer ones to the cgroup. */
	(void)setrlimit(RLIMIT_MEMLOCK, &rl);
	load_log = malloc(LOG_CAP);
	load_log_len = 0;
	libbpf_set_print(collect_print);
	k = bpf_object__load(obj);
	libbpf_set_print(src_ebpf_quiet_print);
	if (k < 0 && (k == -EPERM || k == -EACCES) && geteuid() != 0)
		snprintf(err, errlen,
			 "ebpf: loading the probe needs root (or CAP_BPF and CAP_PERFMON): %s",
			 strerror(-k));
	else if (k == -EPERM)
		snprintf(err, errlen,
			 "ebpf: the kernel refused BPF (missing CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN, "
			 "or kernel.unprivileged_bpf_disabled/lockdown): %s",
			 strerror(-k));
	else if (k < 0) {
		saved = load_log ? save_log(path, sizeof(path)) : NULL;
		snprintf(err, errlen, "ebpf: the kernel rejected the probe (%s); verifier log: %s",
			 strerror(-k), saved ? saved : "could not be saved");
	}
	free(load_log);
	load_log = NULL;
	return k;
}
