// SPDX-License-Identifier: GPL-2.0-only
/* saker version, saker list-events */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "event.h"
#include "flagnames.h"
#include "util.h"

int cmd_version(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: saker version\n\nPrint saker's version and the event ABI version it speaks.\n");
		return 0;
	}
	printf("saker %s (event ABI %d.%d)\n", PACKAGE_VERSION, SAKER_ABI_MAJOR, SAKER_ABI_MINOR);
	return 0;
}

static void list_json(void)
{
	json_object *arr = json_object_new_array();

	for (int i = 0; i < SAKER_EV_MAX; i++) {
		const struct evt_info *e = &evt_table[i];
		json_object *o = json_object_new_object(), *ps = json_object_new_array();

		json_object_object_add(o, "id", json_object_new_int(i));
		json_object_object_add(o, "name", json_object_new_string(e->name));
		json_object_object_add(o, "syscall",
				       e->syscall_nr >= 0 ? json_object_new_int(e->syscall_nr) :
							    NULL);
		json_object_object_add(o, "result", json_object_new_string(e->res_name));
		json_object_object_add(o, "internal",
				       json_object_new_boolean(e->flags & SAKER_EF_INTERNAL));
		for (int p = 0; p < e->nparams; p++) {
			json_object *po = json_object_new_object();

			json_object_object_add(po, "name",
					       json_object_new_string(e->params[p].name));
			json_object_object_add(
				po, "type",
				json_object_new_string(evt_ptype_name(e->params[p].type)));
			json_object_array_add(ps, po);
		}
		json_object_object_add(o, "params", ps);
		json_object_array_add(arr, o);
	}
	puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

int cmd_list_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			printf("Usage: saker list-events [--json]\n\n"
			       "List every event type of the event ABI with its system call and parameters.\n");
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (json) {
		list_json();
		return 0;
	}
	for (int i = 1; i < SAKER_EV_MAX; i++) {
		const struct evt_info *e = &evt_table[i];

		printf("%-16s %s=", e->name, e->res_name);
		for (int p = 0; p < e->nparams; p++)
			printf("%s%s:%s", p ? " " : "(", e->params[p].name,
			       evt_ptype_name(e->params[p].type));
		printf("%s%s\n", e->nparams ? ")" : "()",
		       e->flags & SAKER_EF_INTERNAL ? " [internal]" : "");
	}
	return 0;
}
