/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building one record in the per-CPU scratch area: header, the __u16 length
 * array, then parameters appended at fc->off. Every write is checked
 * against the space left, so the verifier sees each copy bounded and a
 * record never exceeds SAKER_REC_MAX; a parameter that does not fit is
 * "not available" (length 0).
 */
#ifndef SAKER_RECORD_BPF_H
#define SAKER_RECORD_BPF_H

#define SCRATCH_TMP 8192 /* paths are assembled backwards in here */
#define TMP_END (SAKER_PATH_MAX - 1) /* index of the NUL of a path in tmp */

/*
 * The record being built, kept in the per-CPU scratch itself rather than
 * on the stack: the table filler (a global function, verified on its own)
 * finds it with scratch_get() instead of copying it in and out once per
 * parameter, and sys_exit's frame stays small (6.1's verifier allows 512
 * bytes for sys_exit, the bpf_loop() callback and the filler together).
 * The fields are reset per record (record_begin()); rec and tmp are not.
 */
struct fillctx {
	__u64 args[8]; /* 6 used; indexed with & 7 */
	__s64 res;
	__u32 off; /* next parameter byte */
	__u16 ev;
	__u8 abi_flags; /* SAKER_BPF_VAL_FLAGS of a 32-bit call, else 0 */
	__u8 pad_;
	__u32 first; /* index of the first parameter the table filler writes */
	__u32 n; /* parameters in this record */
	__u32 exe_flags; /* computed with the process block */
	__u32 have_devino; /* res_dev/res_ino: 0 not looked up, 1 valid, 2 none */
	__u64 res_dev;
	__u64 res_ino;
	__u8 rec[SAKER_REC_MAX];
	__u8 tmp[SCRATCH_TMP];
};

/*
 * One scratch per CPU, indexed by CPU number (a per-CPU array value may not
 * exceed 32 KiB); userspace sizes it to the possible CPUs before load. The
 * programs run with preemption disabled, so a CPU's scratch has one user.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fillctx);
} saker_scratch SEC(".maps");

static __always_inline struct fillctx *scratch_get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&saker_scratch, &cpu);
}

/* This CPU's scratch with its record state reset; NULL if there is none. */
static __always_inline struct fillctx *record_begin(void)
{
	struct fillctx *fc = scratch_get();

	if (!fc)
		return NULL;
	fc->res = 0;
	fc->off = 0;
	fc->ev = 0;
	fc->abi_flags = 0;
	fc->first = 0;
	fc->n = 0;
	fc->exe_flags = 0;
	fc->have_devino = 0;
	return fc;
}

/* A record's header, stamped now, for the current thread (id: its pid_tgid). */
static __always_inline void put_hdr(struct saker_rec_hdr *h, __u64 id, __s64 res, __u32 len,
				    __u32 type, __u32 nparams)
{
	h->ts = bpf_ktime_get_boot_ns();
	h->res = res;
	h->tid = (__u32)id;
	h->pid = id >> 32;
	h->len = len;
	h->type = (__u16)type;
	h->nparams = (__u16)nparams;
}

static __always_inline void set_len(struct fillctx *fc, __u32 idx, __u32 len)
{
	__u32 at = SAKER_HDR_SIZE + 2 * (idx & 63);

	*(__u16 *)(fc->rec + at) = (__u16)len;
}

/* Fixed-size value of size bytes (1, 2, 4 or 8). */
static __always_inline void put_num(struct fillctx *fc, __u32 idx, __u32 size, __u64 v)
{
	__u32 off = fc->off;
	__u8 *p;

	if (off > SAKER_REC_MAX - 8) {
		set_len(fc, idx, 0);
		return;
	}
	p = fc->rec + off;
	if (size == 8)
		*(__u64 *)p = v;
	else if (size == 4)
		*(__u32 *)p = (__u32)v;
	else if (size == 2)
		*(__u16 *)p = (__u16)v;
	else
		*p = (__u8)v;
	set_len(fc, idx, size);
	fc->off = off + size;
}

/* Length of a string read of n bytes (including NUL) into a max-byte slot. */
static __always_inline __u32 str_len(long n, __u32 max)
{
	if (n <= 0)
		return 0;
	/* A full slot means the source may have gone on: say so. */
	return (__u32)n | ((__u32)n >= max ? SAKER_PARAM_TRUNCATED : 0);
}

static __always_inline void put_ustr(struct fillctx *fc, __u32 idx, const void *uptr, __u32 max)
{
	__u32 off = fc->off, len;
	long n;

	if (!uptr || off > SAKER_REC_MAX - SAKER_PATH_MAX) {
		set_len(fc, idx, 0);
		return;
	}
	n = bpf_probe_read_user_str(fc->rec + off, max & (SAKER_PATH_MAX * 2 - 1), uptr);
	len = str_len(n, max);
	set_len(fc, idx, len);
	fc->off = off + (len & SAKER_PARAM_LEN_MASK);
}

static __always_inline void put_kstr(struct fillctx *fc, __u32 idx, const void *kptr, __u32 max)
{
	__u32 off = fc->off, len;
	long n;

	if (!kptr || off > SAKER_REC_MAX - SAKER_PATH_MAX) {
		set_len(fc, idx, 0);
		return;
	}
	n = bpf_probe_read_kernel_str(fc->rec + off, max & (SAKER_PATH_MAX * 2 - 1), kptr);
	len = str_len(n, max);
	set_len(fc, idx, len);
	fc->off = off + (len & SAKER_PARAM_LEN_MASK);
}

/* A user memory range as bytes, at most SAKER_DATA_MAX of it. */
static __always_inline void put_ubytes(struct fillctx *fc, __u32 idx, const void *uptr, __u64 n)
{
	__u32 off = fc->off, len = 0;

	if (n > SAKER_DATA_MAX)
		n = SAKER_DATA_MAX;
	if (uptr && n > 0 && off <= SAKER_REC_MAX - SAKER_DATA_MAX &&
	    bpf_probe_read_user(fc->rec + off, n & (SAKER_DATA_MAX * 2 - 1), uptr) == 0)
		len = (__u32)n;
	set_len(fc, idx, len);
	fc->off = off + len;
}

/*
 * A NUL-separated user list (argv, env) from [start, end), cut to max
 * bytes; the last byte is forced to NUL so readers always get a string.
 */
static __always_inline void put_ulist(struct fillctx *fc, __u32 idx, __u64 start, __u64 end,
				      __u32 max)
{
	__u32 off = fc->off, len = 0, trunc = 0;
	__u64 n = end - start;

	if (end <= start || off > SAKER_REC_MAX - SAKER_ARGS_MAX) {
		set_len(fc, idx, 0);
		return;
	}
	if (n > max) {
		n = max;
		trunc = SAKER_PARAM_TRUNCATED;
	}
	n &= SAKER_ARGS_MAX * 2 - 1;
	if (n > SAKER_ARGS_MAX)
		n = SAKER_ARGS_MAX;
	if (n > 0 && bpf_probe_read_user(fc->rec + off, n, (void *)start) == 0) {
		len = (__u32)n;
		fc->rec[(off + len - 1) & (SAKER_REC_MAX - 1)] = 0;
	}
	set_len(fc, idx, len ? len | trunc : 0);
	fc->off = off + len;
}

#endif /* SAKER_RECORD_BPF_H */
