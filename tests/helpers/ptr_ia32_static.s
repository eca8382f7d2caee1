# SPDX-License-Identifier: GPL-2.0-only
#
# ptr_ia32_static FILE PORT EXEC: a real i386 program (as --32,
# ld -m elf_i386 -static; no C library). It opens FILE, connects to
# 127.0.0.1:PORT through socketcall, then executes EXEC with the arguments
# that follow it ("EXEC ARGS..."). Exits 2 (open), 3 (socket), 4 (connect),
# 5 (execve) when a call fails.
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
