// SPDX-License-Identifier: GPL-2.0-only
/* Fillers of the socket system calls: addresses from userspace, tuples from the socket. */
#include <linux/compat.h>
#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/uaccess.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/compat.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "saker_kmod.h"

/* A sockaddr the caller passed, re-encoded as the ABI's family-tagged form. */
void saker_fill_sockaddr(struct saker_rec *r, unsigned long uaddr, long ulen)
{
	struct sockaddr_storage ss;
	u32 n = min_t(long, max_t(long, ulen, 0), sizeof(ss));
	u8 *p;

	memset(&ss, 0, sizeof(ss));
	if (!uaddr || n < sizeof(sa_family_t) ||
	    copy_from_user_nofault(&ss, (const void __user *)uaddr, n)) {
		saker_rec_absent(r);
		return;
	}
	if (ss.ss_family == AF_INET && n >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)&ss;
		u16 port = ntohs(in->sin_port);

		p = saker_rec_room(r, SAKER_SOCK_INET_SIZE);
		if (!p)
			return;
		p[0] = AF_INET;
		memcpy(p + 1, &in->sin_addr, 4);
		memcpy(p + 5, &port, 2);
		saker_rec_put_len(r, SAKER_SOCK_INET_SIZE, false);
	} else if (ss.ss_family == AF_INET6 && n >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)&ss;
		u16 port = ntohs(in6->sin6_port);

		p = saker_rec_room(r, SAKER_SOCK_INET6_SIZE);
		if (!p)
			return;
		p[0] = AF_INET6;
		memcpy(p + 1, &in6->sin6_addr, 16);
		memcpy(p + 17, &port, 2);
		saker_rec_put_len(r, SAKER_SOCK_INET6_SIZE, false);
	} else if (ss.ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const void *)&ss;
		u32 plen = n - offsetof(struct sockaddr_un, sun_path);
		u32 len;

		plen = min_t(u32, plen, sizeof(un->sun_path));
		p = saker_rec_room(r, plen + 2);
		if (!p)
			return;
		p[0] = AF_UNIX;
		memcpy(p + 1, un->sun_path, plen);
		if (plen && p[1] == '\0')
			p[1] = '@'; /* abstract name */
		p[1 + plen] = '\0';
		len = 1 + strnlen((const char *)p + 1, plen) + 1;
		saker_rec_put_len(r, len, false);
	} else {
		saker_rec_absent(r);
	}
}

static void fill_tuple_inet(struct saker_rec *r, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	u16 lport = ntohs(inet->inet_sport), rport = ntohs(inet->inet_dport);
	u8 *p;

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		p = saker_rec_room(r, SAKER_TUPLE_INET6_SIZE);
		if (!p)
			return;
		p[0] = AF_INET6;
		memcpy(p + 1, &sk->sk_v6_rcv_saddr, 16);
		memcpy(p + 17, &lport, 2);
		memcpy(p + 19, &sk->sk_v6_daddr, 16);
		memcpy(p + 35, &rport, 2);
		saker_rec_put_len(r, SAKER_TUPLE_INET6_SIZE, false);
		return;
	}
#endif
	p = saker_rec_room(r, SAKER_TUPLE_INET_SIZE);
	if (!p)
		return;
	p[0] = AF_INET;
	memcpy(p + 1, &inet->inet_rcv_saddr, 4);
	memcpy(p + 5, &lport, 2);
	memcpy(p + 7, &inet->inet_daddr, 4);
	memcpy(p + 11, &rport, 2);
	saker_rec_put_len(r, SAKER_TUPLE_INET_SIZE, false);
}

/* unix: this socket, its peer, and the path of whichever end has one. */
static void fill_tuple_unix(struct saker_rec *r, struct sock *sk)
{
	struct sock *peer = unix_peer_get(sk);
	struct unix_address *addr = smp_load_acquire(&unix_sk(sk)->addr);
	u64 local = (unsigned long)sk, remote = (unsigned long)peer;
	const char *path = "";
	u32 plen = 0, n;
	u8 *p;

	if (!addr && peer)
		addr = smp_load_acquire(&unix_sk(peer)->addr);
	if (addr && addr->len > offsetof(struct sockaddr_un, sun_path)) {
		path = addr->name->sun_path;
		plen = addr->len - offsetof(struct sockaddr_un, sun_path);
	}
	p = saker_rec_room(r, SAKER_TUPLE_UNIX_MIN + plen + 1);
	if (p) {
		p[0] = AF_UNIX;
		memcpy(p + 1, &local, 8);
		memcpy(p + 9, &remote, 8);
		memcpy(p + 17, path, plen);
		if (plen && p[17] == '\0')
			p[17] = '@';
		p[17 + plen] = '\0';
		n = SAKER_TUPLE_UNIX_MIN + strnlen((const char *)p + 17, plen) + 1;
		saker_rec_put_len(r, n, false);
	}
	if (peer)
		sock_put(peer);
}

void saker_fill_tuple(struct saker_rec *r, long fd)
{
	struct file *f = fd >= 0 ? fget(fd) : NULL;
	struct socket *sock = f ? sock_from_file(f) : NULL;
	struct sock *sk = sock ? sock->sk : NULL;

	if (sk && (sk->sk_family == AF_INET || sk->sk_family == AF_INET6))
		fill_tuple_inet(r, sk);
	else if (sk && sk->sk_family == AF_UNIX)
		fill_tuple_unix(r, sk);
	else
		saker_rec_absent(r);
	if (f)
		fput(f);
}

/* The first iovec of a 32-bit caller's msghdr (32-bit pointers and sizes). */
static int compat_first_iov(unsigned long umsg, unsigned long *ret_base, u64 *ret_len)
{
	struct compat_msghdr msg;
	struct compat_iovec iov;

	if (copy_from_user_nofault(&msg, (const void __user *)umsg, sizeof(msg)) ||
	    !msg.msg_iovlen || copy_from_user_nofault(&iov, compat_ptr(msg.msg_iov), sizeof(iov)))
		return -EFAULT;
	*ret_base = iov.iov_base;
	*ret_len = iov.iov_len;
	return 0;
}

static int first_iov(unsigned long umsg, unsigned long *ret_base, u64 *ret_len)
{
	struct user_msghdr msg;
	struct iovec iov;

	if (in_compat_syscall())
		return compat_first_iov(umsg, ret_base, ret_len);
	if (copy_from_user_nofault(&msg, (const void __user *)umsg, sizeof(msg)) ||
	    !msg.msg_iovlen ||
	    copy_from_user_nofault(&iov, (const void __user *)msg.msg_iov, sizeof(iov)))
		return -EFAULT;
	*ret_base = (unsigned long)iov.iov_base;
	*ret_len = iov.iov_len;
	return 0;
}

/* The bytes of the first iovec of a msghdr (a snapshot, like read/write). */
static void fill_msg_data(struct saker_rec *r, unsigned long umsg, long ret)
{
	unsigned long base;
	u64 len;

	if (ret <= 0 || first_iov(umsg, &base, &len)) {
		saker_rec_absent(r);
		return;
	}
	saker_rec_user_bytes(r, base, min_t(u64, ret, len), SAKER_DATA_MAX);
}

void saker_fill_net(struct saker_rec *r, u16 type, const unsigned long *args, long ret)
{
	int fds[2];
	int fd = (int)args[0];

	switch (type) {
	case SAKER_EV_SOCKETPAIR:
		saker_fill_generic(r, type, args, 0, 3);
		if (ret || copy_from_user_nofault(fds, (const void __user *)args[3], sizeof(fds))) {
			saker_rec_absent(r);
			saker_rec_absent(r);
		} else {
			saker_rec_int(r, SAKER_PT_FD, (u64)(s64)fds[0]);
			saker_rec_int(r, SAKER_PT_FD, (u64)(s64)fds[1]);
		}
		break;
	case SAKER_EV_CONNECT:
	case SAKER_EV_BIND:
		saker_rec_int(r, SAKER_PT_FD, (u64)(s64)fd);
		saker_fill_sockaddr(r, args[1], (long)args[2]);
		if (type == SAKER_EV_CONNECT)
			saker_fill_tuple(r, fd);
		break;
	case SAKER_EV_ACCEPT:
	case SAKER_EV_ACCEPT4:
		saker_rec_int(r, SAKER_PT_FD, (u64)(s64)fd);
		saker_fill_tuple(r, ret);
		if (type == SAKER_EV_ACCEPT4)
			saker_rec_int(r, SAKER_PT_FLAGS, args[3]);
		break;
	case SAKER_EV_SENDTO:
	case SAKER_EV_RECVFROM:
		saker_rec_int(r, SAKER_PT_FD, (u64)(s64)fd);
		saker_rec_int(r, SAKER_PT_U64, args[2]);
		if (ret > 0)
			saker_rec_user_bytes(r, args[1], ret, SAKER_DATA_MAX);
		else
			saker_rec_absent(r);
		saker_fill_tuple(r, fd);
		break;
	case SAKER_EV_SENDMSG:
	case SAKER_EV_RECVMSG:
		saker_rec_int(r, SAKER_PT_FD, (u64)(s64)fd);
		saker_rec_int(r, SAKER_PT_U64, ret > 0 ? ret : 0);
		fill_msg_data(r, args[1], ret);
		saker_fill_tuple(r, fd);
		break;
	}
}
