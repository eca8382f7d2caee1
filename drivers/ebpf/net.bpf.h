/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Files behind descriptors, and socket addresses in the ABI's encoding:
 * SOCKADDR from the user's struct sockaddr, SOCKTUPLE from the kernel's
 * struct sock (both ends, whatever the caller passed).
 */
#ifndef SAKER_NET_BPF_H
#define SAKER_NET_BPF_H

#define AF_UNIX_BPF 1
#define AF_INET_BPF 2
#define AF_INET6_BPF 10
#define S_IFMT_BPF 0170000
#define S_IFSOCK_BPF 0140000
#define SUN_PATH_MAX 108
#define SADDR_BUF (SAKER_PATH_MAX + 1024) /* sockaddr staging area in tmp */

/*
 * The file behind the caller's fd. With BTF the walk to the fd array is
 * direct loads from the current task (no helper calls); one probe read
 * fetches the slot. (Not fd_file(): kernel headers >= 6.12 own that name.)
 */
static __always_inline struct file *fd_to_file(__s64 fd)
{
#ifdef SAKER_CLASSIC
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fdtable *fdt = RD(t, files, fdt);
	struct file **arr;
	__u32 max;
#else
	struct task_struct *t = bpf_get_current_task_btf();
	struct files_struct *files = t->files;
	struct fdtable *fdt = files ? files->fdt : NULL;
	struct file **arr;
	__u32 max;
#endif
	struct file *f = NULL;

	if (!fdt || fd < 0)
		return NULL;
#ifdef SAKER_CLASSIC
	max = RD(fdt, max_fds);
	arr = RD(fdt, fd);
#else
	max = fdt->max_fds;
	arr = fdt->fd;
#endif
	if (fd >= max)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]);
	return f;
}

static __always_inline __u16 bswap16(__u16 v)
{
	return (__u16)((v >> 8) | (v << 8));
}

static __always_inline void put_sockaddr(struct fillctx *fc, __u32 idx, const void *uaddr,
					 __u64 alen)
{
	__u8 *buf = fc->tmp + SADDR_BUF, *p;
	__u32 off = fc->off, len = 0;
	__u16 fam, port;

	if (!uaddr || alen < 2 || off > SAKER_REC_MAX - 256) {
		set_len(fc, idx, 0);
		return;
	}
	if (alen > 128)
		alen = 128;
	if (bpf_probe_read_user(buf, alen & 255, uaddr) != 0) {
		set_len(fc, idx, 0);
		return;
	}
	buf[alen & 255] = 0;
	fam = *(__u16 *)buf;
	port = bswap16(*(__u16 *)(buf + 2));
	p = fc->rec + off;
	p[0] = (__u8)fam;
	if (fam == AF_INET_BPF && alen >= 8) {
		__builtin_memcpy(p + 1, buf + 4, 4);
		*(__u16 *)(p + 5) = port;
		len = SAKER_SOCK_INET_SIZE;
	} else if (fam == AF_INET6_BPF && alen >= 24) {
		/*
		 * A helper, not __builtin_memcpy(): the classic build's code
		 * for that loads all 16 bytes before storing any, spilling
		 * them to a stack that has to stay under 512 bytes across
		 * sys_exit, the bpf_loop() callback and saker_fill_param().
		 */
		bpf_probe_read_kernel(p + 1, 16, buf + 8);
		*(__u16 *)(p + 17) = port;
		len = SAKER_SOCK_INET6_SIZE;
	} else if (fam == AF_UNIX_BPF && alen > 2) {
		long n;

		if (buf[2] == 0) {
			/* Abstract name: shown with a leading '@'. */
			p[1] = '@';
			n = bpf_probe_read_kernel_str(p + 2, SUN_PATH_MAX, buf + 3);
			len = n > 0 ? 2 + (__u32)n : 0;
		} else {
			n = bpf_probe_read_kernel_str(p + 1, SUN_PATH_MAX + 1, buf + 2);
			len = n > 0 ? 1 + (__u32)n : 0;
		}
	} else if (fam != AF_INET_BPF && fam != AF_INET6_BPF) {
		len = 1;
	}
	set_len(fc, idx, len);
	fc->off = off + len;
}

/* Both ends of the socket behind fd; "not available" when fd is no socket. */
static __always_inline void put_tuple(struct fillctx *fc, __u32 idx, __s64 fd)
{
	struct file *f = fd_to_file(fd);
	__u32 off = fc->off, len = 0;
	struct socket *sock;
	struct sock *sk;
	__u16 fam;
	__u8 *p;

	if (!f || off > SAKER_REC_MAX - 256 ||
	    (RD(f, f_inode, i_mode) & S_IFMT_BPF) != S_IFSOCK_BPF) {
		set_len(fc, idx, 0);
		return;
	}
	sock = RD(f, private_data);
	sk = RD(sock, sk);
	if (!sk) {
		set_len(fc, idx, 0);
		return;
	}
	fam = RD(sk, __sk_common.skc_family);
	p = fc->rec + off;
	p[0] = (__u8)fam;
	if (fam == AF_INET_BPF) {
		__u32 la = RD(sk, __sk_common.skc_rcv_saddr), ra = RD(sk, __sk_common.skc_daddr);

		__builtin_memcpy(p + 1, &la, 4);
		*(__u16 *)(p + 5) = RD(sk, __sk_common.skc_num);
		__builtin_memcpy(p + 7, &ra, 4);
		*(__u16 *)(p + 11) = bswap16(RD(sk, __sk_common.skc_dport));
		len = SAKER_TUPLE_INET_SIZE;
	} else if (fam == AF_INET6_BPF) {
		bpf_core_read(p + 1, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		*(__u16 *)(p + 17) = RD(sk, __sk_common.skc_num);
		bpf_core_read(p + 19, 16, &sk->__sk_common.skc_v6_daddr);
		*(__u16 *)(p + 35) = bswap16(RD(sk, __sk_common.skc_dport));
		len = SAKER_TUPLE_INET6_SIZE;
	} else if (fam == AF_UNIX_BPF) {
		struct unix_sock *us = (void *)sk;
		struct sock *peer = RD(us, peer);
		struct unix_address *ua = RD(us, addr);
		__u64 local = (__u64)sk, rem = (__u64)peer;
		const char *path;
		long n = 0;

		__builtin_memcpy(p + 1, &local, 8);
		__builtin_memcpy(p + 9, &rem, 8);
		len = SAKER_TUPLE_UNIX_MIN;
		/* The bound name, ours or the peer's (a client's socket has none). */
		if (!ua && peer)
			ua = RD((struct unix_sock *)peer, addr);
		if (ua) {
			path = (const char *)ua + FIELD_OFF(struct unix_address, name) +
			       FIELD_OFF(struct sockaddr_un, sun_path);
			n = bpf_probe_read_kernel_str(p + SAKER_TUPLE_UNIX_MIN, SUN_PATH_MAX, path);
			if (n == 1) {
				p[SAKER_TUPLE_UNIX_MIN] = '@';
				n = bpf_probe_read_kernel_str(p + SAKER_TUPLE_UNIX_MIN + 1,
							      SUN_PATH_MAX, path + 1);
				n = n > 1 ? n + 1 : 0;
			}
			if (n > 1)
				len += (__u32)n;
		}
	} else {
		len = 1;
	}
	set_len(fc, idx, len);
	fc->off = off + len;
}

#endif /* SAKER_NET_BPF_H */
