/*
 * cmd_history.c: importer history: the runs in the database, newest first.
 */
#include "config.h"

#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "importer.h"
#include "store.h"

static int	cmd_history_exec(int, char **);

const struct cmd_entry cmd_history_entry = {
	"history",
	"history",
	"list past runs with their counts, newest first",
	"",
	cmd_history_exec
};

static int
add_json(const struct store_run *r, void *arg)
{
	json_t	*o = json_object();

	json_object_set_new(o, "run", json_integer(r->id));
	json_object_set_new(o, "file", json_string(r->file));
	json_object_set_new(o, "staged_at", json_string(r->staged_at));
	json_object_set_new(o, "sha256", json_string(r->sha256));
	json_object_set_new(o, "encoding", json_string(r->encoding));
	json_object_set_new(o, "delimiter", json_string(r->delimiter));
	json_object_set_new(o, "rows", json_integer(r->rows));
	json_object_set_new(o, "valid", json_integer(r->valid));
	json_object_set_new(o, "invalid", json_integer(r->invalid));
	json_object_set_new(o, "duplicate", json_integer(r->duplicate));
	json_array_append_new(arg, o);
	return 0;
}

static int
print_run(const struct store_run *r, void *arg)
{
	int	*n = arg;

	if ((*n)++ == 0)
		printf("%5s  %-20s  %8s %8s %8s %9s  %s\n", "run", "staged",
		    "rows", "valid", "invalid", "duplicate", "file");
	printf("%5lld  %-20s  %8lld %8lld %8lld %9lld  %s\n",
	    (long long)r->id, r->staged_at, (long long)r->rows,
	    (long long)r->valid, (long long)r->invalid,
	    (long long)r->duplicate, r->file);
	return 0;
}

static int
cmd_history_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct imp_err	 err;
	struct store	*st = NULL;
	struct stat	 sb;
	json_t		*list;
	int		 c, n = 0, rc = IMP_EXIT_OK;

	memset(&err, 0, sizeof err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: importer %s\n\n%s\n",
			    cmd_history_entry.usage,
			    cmd_history_entry.summary);
			return IMP_EXIT_OK;
		}
		return cmd_usage(&cmd_history_entry, NULL);
	}
	if (optind != argc)
		return cmd_usage(&cmd_history_entry, "no arguments expected");

	list = json_array();
	/* No database yet is an empty history, not a new file. */
	if (stat(imp_opts.db, &sb) == 0) {
		if ((st = store_open(imp_opts.db, &err)) == NULL) {
			rc = cmd_fail(&err);
			goto out;
		}
		if (store_run_each(st, imp_opts.json ? add_json : print_run,
		    imp_opts.json ? (void *)list : (void *)&n, &err) == -1) {
			rc = cmd_fail(&err);
			goto out;
		}
	}
	if (imp_opts.json) {
		json_dumpf(list, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else if (n == 0 && !imp_opts.quiet)
		printf("no runs in %s\n", imp_opts.db);
out:
	json_decref(list);
	store_close(st);
	return rc;
}
