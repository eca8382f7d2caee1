/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A real i386 program (no C library, no multilib): `as --32` and
 * `ld -m elf_i386 -static`. It makes its calls the way 32-bit binaries
 * do, with i386 numbers through int $0x80:
 *
 *   i386_static FILE PROG [ARG...]
 *
 * opens FILE read-only, connects a TCP socket to 127.0.0.1 port 1 through
 * socketcall (refused: the call is what counts), then
 * execve(PROG, [PROG, ARG...], envp). Exit status 1 if open or execve
 * failed.
 */
	.code32
	.text
	.globl _start
_start:
	movl	%esp, %ebp
	cmpl	$3, (%ebp)		/* argc >= 3 */
	jl	fail
	/* open(argv[1], O_RDONLY) */
	movl	$5, %eax
	movl	8(%ebp), %ebx
	xorl	%ecx, %ecx
	int	$0x80
	testl	%eax, %eax
	js	fail
	/* socketcall(SYS_SOCKET, {AF_INET, SOCK_STREAM, 0}) */
	movl	$102, %eax
	movl	$1, %ebx
	movl	$sockargs, %ecx
	int	$0x80
	/* socketcall(SYS_CONNECT, {fd, &sin, 16}) */
	movl	%eax, connargs
	movl	$102, %eax
	movl	$3, %ebx
	movl	$connargs, %ecx
	int	$0x80
	/* execve(argv[2], &argv[2], envp): envp follows argv's NULL */
	movl	(%ebp), %edx
	leal	8(%ebp,%edx,4), %edx
	movl	$11, %eax
	movl	12(%ebp), %ebx
	leal	12(%ebp), %ecx
	int	$0x80
fail:
	movl	$1, %eax		/* exit(1) */
	movl	$1, %ebx
	int	$0x80

	.data
sockargs:
	.long	2, 1, 0
connargs:
	.long	0, sin, 16
sin:
	.word	2			/* AF_INET */
	.byte	0, 1			/* port 1, network order */
	.byte	127, 0, 0, 1
	.long	0, 0
