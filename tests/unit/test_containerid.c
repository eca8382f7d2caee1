// SPDX-License-Identifier: GPL-2.0-only
/* Container ids from each runtime's cgroup path shapes. */
#include <string.h>

#include "containerid.h"
#include "tap.h"

#define HEX "3f2a9c1d0b7e4f5a6c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"

static void check(const char *path, enum containerid_runtime rt, const char *id, const char *what)
{
	struct containerid c = { 0 };
	bool found = containerid_from_path(path, strlen(path), &c);

	if (rt == CONTAINERID_HOST) {
		tap_ok(!found, "%s: host", what);
		return;
	}
	tap_ok(found && c.runtime == rt, "%s: %s", what, containerid_runtime_name(rt));
	tap_is_str(found ? c.id : "", id, what);
}

int main(void)
{
	struct containerid c;
	static const char list[] = "cpuset=/\0memory=/system.slice/ssh.service\0"
				   "unified=/system.slice/docker-" HEX ".scope";

	check("/docker/" HEX, CONTAINERID_DOCKER, "3f2a9c1d0b7e", "docker cgroupfs");
	check("/system.slice/docker-" HEX ".scope", CONTAINERID_DOCKER, "3f2a9c1d0b7e",
	      "docker systemd");
	check("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234_5678.slice/"
	      "cri-containerd-" HEX ".scope",
	      CONTAINERID_CONTAINERD, "3f2a9c1d0b7e", "containerd CRI systemd");
	check("/kubepods/besteffort/pod1234-5678/" HEX, CONTAINERID_CONTAINERD, "3f2a9c1d0b7e",
	      "k8s cgroupfs");
	check("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab.slice/crio-" HEX
	      ".scope",
	      CONTAINERID_CRIO, "3f2a9c1d0b7e", "CRI-O systemd");
	check("/kubepods/burstable/podab/crio-" HEX, CONTAINERID_CRIO, "3f2a9c1d0b7e",
	      "CRI-O cgroupfs");
	check("/kubepods.slice/kubepods-burstable.slice/crio-conmon-" HEX ".scope",
	      CONTAINERID_HOST, "", "CRI-O conmon is not the container");
	check("/machine.slice/libpod-" HEX ".scope", CONTAINERID_PODMAN, "3f2a9c1d0b7e",
	      "podman systemd");
	check("/libpod_parent/libpod-" HEX, CONTAINERID_PODMAN, "3f2a9c1d0b7e", "podman cgroupfs");
	check("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" HEX ".scope",
	      CONTAINERID_PODMAN, "3f2a9c1d0b7e", "rootless podman");
	check("/machine.slice/libpod-conmon-" HEX ".scope", CONTAINERID_HOST, "",
	      "podman conmon is not the container");
	check("/lxc/web01", CONTAINERID_LXC, "web01", "LXC (legacy)");
	check("/lxc.payload.web01/init.scope", CONTAINERID_LXC, "web01", "LXC 4 payload");
	check("/lxc.monitor.web01", CONTAINERID_HOST, "", "LXC monitor is on the host");
	check("/machine.slice/machine-build\\x2dbox.scope/payload", CONTAINERID_NSPAWN, "build-box",
	      "systemd-nspawn (unit name unescaped)");
	check("/user.slice/user-1000.slice/session-3.scope", CONTAINERID_HOST, "", "host session");
	check("/", CONTAINERID_HOST, "", "root cgroup");
	check("/docker/0123", CONTAINERID_HOST, "", "short hex is not an id");

	containerid_from_cgroups(list, sizeof(list), &c);
	tap_is_str(c.id, "3f2a9c1d0b7e", "from a cgroup list: the entry that names a container");
	tap_is_str(c.full, HEX, "full id kept");
	containerid_from_cgroups("cpu=/\0memory=/user.slice", 25, &c);
	tap_is_str(c.id, "host", "a host process is \"host\"");
	return tap_done();
}
