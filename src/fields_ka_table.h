/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where each ka.* field is read from (included once, by fields_ka.c).
 * Pointers follow the audit.k8s.io/v1 Event schema; "~1" is a '/' inside
 * a key (annotation names).
 */
#ifndef SAKER_FIELDS_KA_TABLE_H
#define SAKER_FIELDS_KA_TABLE_H

#define RO "/requestObject"
#define CTR(list, field, sub, how)                                                     \
	{                                                                              \
		"ka.req.pod." list "." field, KA_CTR, RO "/spec/" list, sub, how, NULL \
	}
/* The same fields for the three container lists of a pod spec. */
#define CTR_FIELDS(list)                                                                 \
	CTR(list, "name", "/name", 0), CTR(list, "image", "/image", 0),                  \
		CTR(list, "image.repository", "/image", KA_REPO),                        \
		CTR(list, "command", "/command", 0), CTR(list, "args", "/args", 0),      \
		CTR(list, "host_port", NULL, KA_HOSTPORT),                               \
		CTR(list, "privileged", "/securityContext/privileged", 0),               \
		CTR(list, "allow_privilege_escalation",                                  \
		    "/securityContext/allowPrivilegeEscalation", 0),                     \
		CTR(list, "read_only_fs", "/securityContext/readOnlyRootFilesystem", 0), \
		CTR(list, "run_as_user", "/securityContext/runAsUser", 0),               \
		CTR(list, "eff_run_as_user", "/securityContext/runAsUser", KA_EFF),      \
		CTR(list, "run_as_group", "/securityContext/runAsGroup", 0),             \
		CTR(list, "eff_run_as_group", "/securityContext/runAsGroup", KA_EFF),    \
		CTR(list, "proc_mount", "/securityContext/procMount", 0),                \
		CTR(list, "add_capabilities", "/securityContext/capabilities/add", 0)

static const struct ka_spec ka_specs[] = {
	{ "ka.auditid", KA_PTR, "/auditID" },
	{ "ka.stage", KA_PTR, "/stage" },
	{ "ka.auth.decision", KA_PTR, "/annotations/authorization.k8s.io~1decision" },
	{ "ka.auth.reason", KA_PTR, "/annotations/authorization.k8s.io~1reason" },
	{ "ka.auth.openshift.decision", KA_PTR,
	  "/annotations/authentication.openshift.io~1decision" },
	{ "ka.auth.openshift.username", KA_PTR,
	  "/annotations/authentication.openshift.io~1username" },
	{ "ka.validations.admission.policy.failure", KA_PTR,
	  "/annotations/validation.policy.admission.k8s.io~1validation_failure" },
	{ "ka.security.pod.violations", KA_PTR,
	  "/annotations/pod-security.kubernetes.io~1audit-violations" },
	{ "ka.user.name", KA_PTR, "/user/username" },
	{ "ka.user.groups", KA_LIST, "/user/groups" },
	{ "ka.impuser.name", KA_PTR, "/impersonatedUser/username" },
	{ "ka.verb", KA_PTR, "/verb" },
	{ "ka.uri", KA_PTR, "/requestURI" },
	{ "ka.uri.param", KA_FN, NULL, NULL, 0, x_uri_param },
	{ "ka.target.name", KA_PTR, "/objectRef/name" },
	{ "ka.target.namespace", KA_PTR, "/objectRef/namespace" },
	{ "ka.target.resource", KA_PTR, "/objectRef/resource" },
	{ "ka.target.subresource", KA_PTR, "/objectRef/subresource" },
	{ "ka.target.pod.name", KA_FN, NULL, NULL, 0, x_pod_name },
	{ "ka.req.binding.subjects", KA_LIST, RO "/subjects" },
	{ "ka.req.binding.subjects.user_names", KA_FN, NULL, "User", 0, x_subjects },
	{ "ka.req.binding.subjects.serviceaccount_names", KA_FN, NULL, "ServiceAccount", 0,
	  x_subjects },
	{ "ka.req.binding.subjects.serviceaccount_ns_names", KA_FN, NULL, "ServiceAccount", 1,
	  x_subjects },
	{ "ka.req.binding.subjects.group_names", KA_FN, NULL, "Group", 0, x_subjects },
	{ "ka.req.binding.role", KA_PTR, RO "/roleRef/name" },
	{ "ka.req.binding.subject.has_name", KA_FN, NULL, NULL, 0, x_const },
	{ "ka.req.configmap.name", KA_PTR, "/objectRef/name" },
	{ "ka.req.configmap.obj", KA_PTR, RO "/data" },
	CTR_FIELDS("containers"),
	CTR_FIELDS("initContainers"),
	CTR_FIELDS("ephemeralContainers"),
	{ "ka.req.container.image", KA_CTR, RO "/spec/containers", "/image", KA_FIRST },
	{ "ka.req.container.image.repository", KA_CTR, RO "/spec/containers", "/image",
	  KA_FIRST | KA_REPO },
	{ "ka.req.container.privileged", KA_CTR, RO "/spec/containers",
	  "/securityContext/privileged", KA_ANY_TRUE },
	{ "ka.req.pod.host_ipc", KA_PTR, RO "/spec/hostIPC" },
	{ "ka.req.pod.host_network", KA_PTR, RO "/spec/hostNetwork" },
	{ "ka.req.container.host_network", KA_PTR, RO "/spec/hostNetwork" },
	{ "ka.req.pod.host_pid", KA_PTR, RO "/spec/hostPID" },
	{ "ka.req.pod.run_as_user", KA_PTR, RO "/spec/securityContext/runAsUser" },
	{ "ka.req.pod.run_as_group", KA_PTR, RO "/spec/securityContext/runAsGroup" },
	{ "ka.req.pod.fs_group", KA_PTR, RO "/spec/securityContext/fsGroup" },
	{ "ka.req.pod.supplemental_groups", KA_LIST,
	  RO "/spec/securityContext/supplementalGroups" },
	{ "ka.req.role.rules", KA_LIST, RO "/rules" },
	{ "ka.req.role.rules.apiGroups", KA_RULES, RO "/rules", "/apiGroups" },
	{ "ka.req.role.rules.nonResourceURLs", KA_RULES, RO "/rules", "/nonResourceURLs" },
	{ "ka.req.role.rules.verbs", KA_RULES, RO "/rules", "/verbs" },
	{ "ka.req.role.rules.resources", KA_RULES, RO "/rules", "/resources" },
	{ "ka.req.service.type", KA_PTR, RO "/spec/type" },
	{ "ka.req.service.ports", KA_LIST, RO "/spec/ports" },
	{ "ka.req.pod.volumes.hostpath", KA_VOL, RO "/spec/volumes", "/hostPath/path" },
	{ "ka.req.volume.hostpath", KA_FN, RO "/spec/volumes", "/hostPath/path", 0,
	  ka_volume_hostpath },
	{ "ka.req.pod.volumes.flexvolume_driver", KA_VOL, RO "/spec/volumes",
	  "/flexVolume/driver" },
	{ "ka.req.pod.volumes.volume_type", KA_VOL, RO "/spec/volumes", NULL },
	{ "ka.resp.name", KA_PTR, "/responseObject/metadata/name" },
	{ "ka.response.code", KA_PTR, "/responseStatus/code" },
	{ "ka.response.reason", KA_PTR, "/responseStatus/reason" },
	{ "ka.useragent", KA_PTR, "/userAgent" },
	{ "ka.sourceips", KA_LIST, "/sourceIPs" },
	{ "ka.cluster.name", KA_FN, NULL, NULL, 0, x_const },
};

#undef CTR_FIELDS
#undef CTR
#undef RO

#endif /* SAKER_FIELDS_KA_TABLE_H */
