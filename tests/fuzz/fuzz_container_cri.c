// SPDX-License-Identifier: GPL-2.0-only
/*
 * CRI and containerd answers (untrusted: whatever listens on the socket).
 * The first byte picks the decoder; for the CRI pair the next two bytes
 * (big-endian) are the length of the ContainerStatus, the rest is the
 * PodSandboxStatus. Each input
 * also goes through the gRPC unframing of an answer's body, and the
 * lookups the extractors make run over whatever was decoded.
 */
#include <stdlib.h>
#include <string.h>

#include "container_cri.h"
#include "container_grpc.h"
#include "fuzz.h"

static void use(struct container_info *ci)
{
	if (!ci)
		return;
	container_info_label(ci, "io.kubernetes.pod.name");
	container_info_mount(ci, 0, NULL, false);
	container_info_mount(ci, -1, "/*", true);
	container_info_free(ci);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct container_info *ci = NULL;
	const uint8_t *msg;
	const char *type;
	char sandbox[64];
	size_t len, cut;

	if (size < 2)
		return 0;
	container_grpc_unframe(data, size, 1u << 16, &msg, &len);
	switch (data[0] % 5) {
	case 0:
		if (container_cri_decode(data + 1, size - 1, "sb", NULL, 0, NULL, &ci) == 0)
			use(ci);
		break;
	case 1:
		cut = size < 3 ? 0 : (size_t)data[1] << 8 | data[2];
		if (size < 3 || cut > size - 3)
			break;
		if (container_cri_decode(data + 3, cut, "sb", data + 3 + cut, size - 3 - cut, NULL,
					 &ci) == 0)
			use(ci);
		break;
	case 2:
		if (containerd_decode(data + 1, size - 1, NULL, &ci) == 0) {
			containerd_decode_image(data + 1, size - 1, ci);
			use(ci);
		}
		break;
	case 3:
		container_cri_decode_sandbox_id(data + 1, size - 1, "c", sandbox, sizeof(sandbox));
		break;
	default:
		container_cri_decode_type(data + 1, size - 1, &type);
	}
	return 0;
}
