// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container runtime's answers (untrusted: a compromised runtime or a
 * socket someone else listens on). The first byte picks the parser: 'I' an
 * image document, anything else a container document; then the field
 * lookups the extractors make run over whatever was parsed.
 */
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct container_info *ci = NULL;
	const char *json;

	if (size < 1)
		return 0;
	json = (const char *)data + 1;
	if (data[0] == 'I') {
		ci = calloc(1, sizeof(*ci));
		if (ci)
			container_parse_docker_image(json, size - 1, ci);
	} else if (container_parse_docker(json, size - 1, NULL, &ci) < 0) {
		return 0;
	}
	if (!ci)
		return 0;
	container_info_label(ci, "io.kubernetes.pod.name");
	container_info_mount(ci, 0, NULL, false);
	container_info_mount(ci, -1, "/*", true);
	container_info_mount(ci, -1, "*", false);
	container_info_free(ci);
	return 0;
}
