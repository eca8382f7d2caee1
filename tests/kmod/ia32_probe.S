/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A real i386 program for the kmod guest (as --32, ld -m elf_i386 -static):
 * it opens the scratch file, connects to 127.0.0.1:IA32_PORT through
 * socketcall and through the direct connect call, then executes
 * "/init --child" (which exits 7). Every call is an i386 system call: the
 * module must record each as its x86-64 event.
 */
#define IA32_PORT 4932

	.code32
	.section .rodata
path:	.asciz "/tmp/saker-ia32-secret"
init:	.asciz "/init"
child:	.asciz "--child"
	.data
	.balign 4
argv:	.long init, child, 0
envp:	.long 0
sa:	.short 2				/* AF_INET */
	.byte IA32_PORT >> 8, IA32_PORT & 0xff	/* network order */
	.byte 127, 0, 0, 1
	.zero 8
sockargs: .long 2, 1, 0				/* AF_INET, SOCK_STREAM, 0 */
connargs: .long 0, sa, 16

	.text
	.globl _start
_start:
	movl $5, %eax				/* open(path, O_RDONLY) */
	movl $path, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	int $0x80
	movl %eax, %ebx				/* close(fd) */
	movl $6, %eax
	int $0x80

	movl $102, %eax				/* socketcall(SYS_SOCKET, sockargs) */
	movl $1, %ebx
	movl $sockargs, %ecx
	int $0x80
	movl %eax, connargs
	movl $102, %eax				/* socketcall(SYS_CONNECT, connargs) */
	movl $3, %ebx
	movl $connargs, %ecx
	int $0x80

	movl $359, %eax				/* socket(AF_INET, SOCK_STREAM, 0) */
	movl $2, %ebx
	movl $1, %ecx
	xorl %edx, %edx
	int $0x80
	movl %eax, %ebx				/* connect(fd, &sa, 16) */
	movl $362, %eax
	movl $sa, %ecx
	movl $16, %edx
	int $0x80

	movl $11, %eax				/* execve("/init", argv, envp) */
	movl $init, %ebx
	movl $argv, %ecx
	movl $envp, %edx
	int $0x80

	movl $1, %eax				/* exit(99): execve failed */
	movl $99, %ebx
	int $0x80
