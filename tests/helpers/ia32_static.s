# SPDX-License-Identifier: GPL-2.0-only
#
# ia32_static FILE PORT EXEC [ARG...]: a real i386 program (as --32,
# ld -m elf_i386 -static; no C library, no multilib), making its calls the
# way 32-bit binaries do. The 32-bit tests of all three drivers run it
# (with tests/helpers/ia32_int80.c, its 64-bit twin). It opens FILE,
# connects to 127.0.0.1:PORT through socketcall and again through the
# direct socket and connect calls, then executes EXEC with the arguments
# that follow it ("EXEC ARGS..."). Exits 64 (usage), 2 (open), 3 (socket),
# 4 (connect), 5 (execve), 6 (direct socket or connect) when a call fails.
	.text
	.globl _start
_start:
	movl	%esp, %ebp
	cmpl	$4, (%ebp)		# argc
	jb	fail_usage

	movl	$5, %eax		# open(argv[1], O_RDONLY)
	movl	8(%ebp), %ebx
	xorl	%ecx, %ecx
	int	$0x80
	testl	%eax, %eax
	js	fail_open
	movl	%eax, %ebx		# close(fd)
	movl	$6, %eax
	int	$0x80

	movl	12(%ebp), %esi		# port = atoi(argv[2])
	xorl	%eax, %eax
1:	movzbl	(%esi), %ecx
	subl	$'0', %ecx
	cmpl	$9, %ecx
	ja	2f
	imull	$10, %eax
	addl	%ecx, %eax
	incl	%esi
	jmp	1b
2:	xchgb	%al, %ah		# network byte order
	movw	%ax, sa_port

	movl	$102, %eax		# socketcall(SYS_SOCKET, [AF_INET, SOCK_STREAM, 0])
	movl	$1, %ebx
	movl	$sock_args, %ecx
	int	$0x80
	testl	%eax, %eax
	js	fail_socket
	movl	%eax, conn_args		# socketcall(SYS_CONNECT, [fd, &sa, 16])
	movl	$102, %eax
	movl	$3, %ebx
	movl	$conn_args, %ecx
	int	$0x80
	testl	%eax, %eax
	js	fail_connect
	movl	$6, %eax		# close(fd)
	movl	conn_args, %ebx
	int	$0x80

	movl	$359, %eax		# socket(AF_INET, SOCK_STREAM, 0)
	movl	$2, %ebx
	movl	$1, %ecx
	xorl	%edx, %edx
	int	$0x80
	testl	%eax, %eax
	js	fail_direct
	movl	%eax, conn_args
	movl	%eax, %ebx		# connect(fd, &sa, 16)
	movl	$362, %eax
	movl	$sa, %ecx
	movl	$16, %edx
	int	$0x80
	testl	%eax, %eax
	js	fail_direct
	movl	$6, %eax		# close(fd)
	movl	conn_args, %ebx
	int	$0x80

	movl	$11, %eax		# execve(argv[3], &argv[3], envp)
	movl	16(%ebp), %ebx
	leal	16(%ebp), %ecx
	movl	(%ebp), %edx
	leal	8(%ebp,%edx,4), %edx	# envp: after argv's NULL
	int	$0x80
	movl	$5, %ebx
	jmp	exit

fail_usage:
	movl	$64, %ebx
	jmp	exit
fail_open:
	movl	$2, %ebx
	jmp	exit
fail_socket:
	movl	$3, %ebx
	jmp	exit
fail_connect:
	movl	$4, %ebx
	jmp	exit
fail_direct:
	movl	$6, %ebx
exit:
	movl	$1, %eax
	int	$0x80

	.data
	.align	4
sock_args:
	.long	2, 1, 0			# AF_INET, SOCK_STREAM, 0
conn_args:
	.long	0, sa, 16
sa:
	.word	2			# AF_INET
sa_port:
	.word	0
	.byte	127, 0, 0, 1
	.space	8
	.section .note.GNU-stack,"",@progbits
