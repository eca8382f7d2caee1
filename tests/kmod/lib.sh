# SPDX-License-Identifier: GPL-2.0-only
# Shared by tests/kmod/run.sh and bench/guest: the Debian kernel to boot,
# DKMS builds into private trees, the initramfs (programs copied with the
# libraries ldd names), and the qemu run. Source it; the functions report
# through guest_skip (exit 77) and guest_die (exit 1), and log to $log.

guest_skip() { echo "$*" >&2; exit 77; }
guest_die() { echo "kmod harness: $*" >&2; exit 1; }

# guest_default_kver: the kernel linux-headers-amd64 depends on (never
# uname -r: that is the host's kernel).
guest_default_kver() {
	dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'
}

# guest_vmlinuz KVER CACHE WORK: unpack boot/vmlinuz-KVER from Debian's
# package into CACHE once (never installed), with the overlay module the
# exe-flags case mounts (CACHE/overlay-KVER.ko); prints the vmlinuz path.
guest_vmlinuz() {
	_v=$2/vmlinuz-$1
	if [ ! -s "$_v" ] || [ ! -e "$2/overlay-$1.ko" ]; then
		(cd "$3" && apt-get download "linux-image-$1" >>"$log" 2>&1) ||
			guest_skip "cannot download linux-image-$1 (see $log)"
		dpkg-deb -x "$3"/linux-image-"$1"_*.deb "$3/image" ||
			guest_die "cannot unpack linux-image-$1"
		cp "$3/image/boot/vmlinuz-$1" "$_v.tmp" && mv "$_v.tmp" "$_v" ||
			guest_die "no vmlinuz in linux-image-$1"
		_o=$(find "$3/image" -name 'overlay.ko*' | head -n 1)
		case $_o in
		*.xz) xz -dc "$_o" ;;
		*.zst) zstd -qdc "$_o" ;;
		?*) cat "$_o" ;;
		esac >"$2/overlay-$1.ko"
		rm -rf "$3"/linux-image-"$1"_*.deb "$3/image"
	fi
	echo "$_v"
}

# guest_dkms KVER WORK SOURCETREE MODULE VERSION: dkms add/build/install
# with private --dkmstree/--sourcetree/--installtree under WORK (nothing
# touches /var/lib/dkms or /lib/modules); prints the uncompressed .ko path.
guest_dkms() {
	_k=$1 _w=$2 _src=$3 _m=$4 _ver=$5
	_dk="--dkmstree $_w/dkms --sourcetree $_src --installtree $_w/install-$_m"
	rm -rf "$_w/dkms/$_m" "$_w/install-$_m"
	mkdir -p "$_w/dkms" "$_w/install-$_m/$_k"
	# No signing: the guest kernel takes unsigned modules, and signing
	# would make dkms generate a key under /var/lib/dkms.
	sign_file=$_w/no-signing
	export sign_file
	# shellcheck disable=SC2086
	{ dkms add $_dk -m "$_m" -v "$_ver" -k "$_k" &&
		dkms build $_dk -m "$_m" -v "$_ver" -k "$_k" &&
		dkms install $_dk --no-depmod -m "$_m" -v "$_ver" -k "$_k"; } >>"$log" 2>&1 ||
		{
			cat "$_w"/dkms/"$_m"/"$_ver"/build/make.log >>"$log" 2>/dev/null
			guest_die "dkms failed for $_m (see $log)"
		}
	_ko=$(find "$_w/install-$_m" -name "$_m.ko*" | head -n 1)
	[ -n "$_ko" ] || guest_die "dkms installed no $_m.ko (see $log)"
	case $_ko in
	*.xz) xz -dc "$_ko" >"$_w/$_m.ko" ;;
	*.zst) zstd -qdc "$_ko" >"$_w/$_m.ko" ;;
	*) cp "$_ko" "$_w/$_m.ko" ;;
	esac
	echo "$_w/$_m.ko"
}

# guest_root DIR: an empty merged-/usr root.
guest_root() {
	rm -rf "$1"
	mkdir -p "$1/dev" "$1/proc" "$1/sys" "$1/tmp" "$1/run" "$1/root" "$1/etc" \
		"$1/usr/bin" "$1/usr/sbin" "$1/usr/lib" "$1/usr/lib64" "$1/usr/local/bin" \
		"$1/var/tmp"
	ln -s usr/bin "$1/bin"
	ln -s usr/sbin "$1/sbin"
	ln -s usr/lib "$1/lib"
	ln -s usr/lib64 "$1/lib64"
	chmod 1777 "$1/tmp" "$1/var/tmp"
}

# guest_libs ROOT FILE...: the shared libraries the files need.
guest_libs() {
	_r=$1
	shift
	for _l in $(ldd "$@" 2>/dev/null |
		sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort -u); do
		[ -e "$_r$_l" ] && continue
		mkdir -p "$_r$(dirname "$_l")"
		cp -L "$_l" "$_r$_l"
	done
}

# guest_bin ROOT FILE [DEST]: a program (at its own path, or DEST) and its libraries.
guest_bin() {
	_d=${3:-$2}
	mkdir -p "$1$(dirname "$_d")"
	cp -L "$2" "$1$_d"
	guest_libs "$1" "$2"
}

# guest_python ROOT: python3 with the part of its standard library the
# suites' scripts use (the interpreter's own start-up plus json and socket),
# compiled files included so the slow guest does not compile them.
guest_python() {
	_py=/usr/bin/python3
	[ -x "$_py" ] || _py=$(command -v python3) || return 1
	_exe=$("$_py" -c 'import os, sys; print(os.path.realpath(sys.executable))') || return 1
	_lib=$("$_py" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])') || return 1
	_dyn=$("$_py" -c 'import os, _json; print(os.path.dirname(_json.__file__))' 2>/dev/null)
	guest_bin "$1" "$_exe"
	[ -e "$1/usr/bin/python3" ] || ln -s "$_exe" "$1/usr/bin/python3"
	mkdir -p "$1$_lib/__pycache__"
	# -p: a .pyc is only used while its source's time and size match.
	cp -p "$_lib"/*.py "$1$_lib/"
	for _f in "$_lib"/__pycache__/*.pyc; do
		case $_f in *.opt-*) ;; *) cp -p "$_f" "$1$_lib/__pycache__/" ;; esac
	done
	for _p in encodings json re collections importlib; do
		cp -rp "$_lib/$_p" "$1$_lib/"
	done
	if [ -n "$_dyn" ] && [ -d "$_dyn" ]; then
		mkdir -p "$1$_dyn"
		cp "$_dyn"/*.so "$1$_dyn/"
		guest_libs "$1" "$_dyn"/*.so
	fi
	# PyYAML: the scenario suite reads its YAML files with it.
	_yaml=$("$_py" -c 'import os, yaml; print(os.path.dirname(yaml.__file__))' 2>/dev/null)
	if [ -n "$_yaml" ] && [ -d "$_yaml" ]; then
		mkdir -p "$1$(dirname "$_yaml")"
		cp -rp "$_yaml" "$1$(dirname "$_yaml")/"
		for _so in "$_yaml"/*.so "$(dirname "$_yaml")"/_yaml*; do
			[ -e "$_so" ] || continue
			cp -rp "$_so" "$1$(dirname "$_so")/"
			case $_so in *.so) guest_libs "$1" "$_so" ;; esac
		done
	fi
}

# guest_pack ROOT OUT: an uncompressed newc archive (the kernel unpacks it
# faster under TCG than it inflates a gzip one).
guest_pack() {
	(cd "$1" && find . | cpio -o -H newc 2>>"$log" >"$2") || guest_die "cpio failed"
}

# guest_boot VMLINUZ INITRD CONSOLE TIMEOUT ["NAME=VALUE ..."]: qemu, TCG,
# two CPUs, $GUEST_MEM of memory; NAME=VALUE pairs on the kernel command
# line reach the guest's init as its environment.
# The guest reports through isa-debug-exit (33 = pass, 35 = fail; 0 means
# it panicked) and a marker line; returns qemu's status.
guest_boot() {
	timeout "$4" qemu-system-x86_64 -accel tcg -m "${GUEST_MEM:-512M}" -smp 2 -nographic -no-reboot \
		-nic none -kernel "$1" -initrd "$2" \
		-append "console=ttyS0 panic=-1 oops=panic quiet loglevel=4 ${5:-}" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$3" 2>&1
}
