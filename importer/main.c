/*
 * main.c: global options, then the command named by the first argument.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cmd.h"
#include "importer.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_stage_entry,
	&cmd_check_entry,
	&cmd_plan_entry,
	&cmd_submit_entry,
	&cmd_run_entry,
	&cmd_retry_entry,
	&cmd_report_entry,
	&cmd_history_entry,
	&cmd_approve_entry,
	&cmd_purge_entry,
	&cmd_verify_entry,
	&cmd_evidence_entry,
	&cmd_sandbox_entry,
	&cmd_init_entry,
	&cmd_config_entry,
};
#define CMD_COUNT (sizeof cmd_table / sizeof cmd_table[0])

static const char main_usage[] =
    "usage: importer [--db PATH] [--profile FILE] [--as NAME] [--json] [-q] "
    "[-v] "
    "COMMAND [ARGS]\n";

static const char main_options[] =
    "  --db PATH        the run database (default: $IMPORTER_DB, "
    "else importer.db)\n"
    "  --profile FILE   the team's INI profile (column mapping, rules)\n"
    "  --as NAME        who is working (default: $IMPORTER_USER, the "
    "profile's\n"
    "                   [user] name, else login@host): the audit trail's "
    "name\n"
    "  --json           machine-readable output on stdout\n"
    "  -q, --quiet      print only errors\n"
    "  -v, --verbose    print more (every problem of every row)\n"
    "  -h, --help       this help; 'importer help COMMAND' for one "
    "command\n"
    "  -V, --version    print the version\n";

static const struct cmd_entry *
cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; i < CMD_COUNT; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

static void
print_help(FILE *fp)
{
	size_t	i;

	fputs(main_usage, fp);
	fputs("\nImports a spreadsheet of customer account changes into "
	    "Partner Center, safely.\n\ncommands:\n", fp);
	for (i = 0; i < CMD_COUNT; i++)
		fprintf(fp, "  %-10s %s\n", cmd_table[i]->name,
		    cmd_table[i]->summary);
	fprintf(fp, "  %-10s %s\n", "help", "show the help of a command; "
	    "'help columns': the columns");
	fputs("\noptions:\n", fp);
	fputs(main_options, fp);
	fputs("\nexit codes: 0 all rows ended well, 1 some rows did not, "
	    "64 usage, 65 input\nunusable, 66 input missing, 69 service "
	    "unreachable, 70 internal error,\n75 another importer is "
	    "working on the database, 77 permission refused\n", fp);
}

static int
print_command_help(const char *name)
{
	const struct cmd_entry	*ce = cmd_find(name);

	if (strcmp(name, "columns") == 0)
		return cmd_help_columns();
	if (strcmp(name, "help") == 0) {
		printf("usage: importer help [COMMAND]\n\n"
		    "show the help of a command, or the list of commands\n");
		return IMP_EXIT_OK;
	}
	if (ce == NULL) {
		fprintf(stderr, "importer: unknown command '%s'\n", name);
		print_help(stderr);
		return IMP_EXIT_USAGE;
	}
	return cmd_help(ce);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "profile", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "as", required_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*ce;
	const char		*env;
	int			 c, rc;

	env = getenv("IMPORTER_DB");
	imp_opts.db = env != NULL && *env != '\0' ? env : "importer.db";
	while ((c = getopt_long(argc, argv, "+qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			imp_opts.db = optarg;
			imp_opts.db_given = 1;
			break;
		case 'p':
			imp_opts.profile = optarg;
			break;
		case 'j':
			imp_opts.json = 1;
			break;
		case 'a':
			if (*optarg == '\0') {
				fputs("importer: --as needs a name\n", stderr);
				return IMP_EXIT_USAGE;
			}
			imp_opts.as = optarg;
			break;
		case 'q':
			imp_opts.quiet = 1;
			break;
		case 'v':
			imp_opts.verbose++;
			break;
		case 'h':
			print_help(stdout);
			return IMP_EXIT_OK;
		case 'V':
			printf("importer %s\n", PACKAGE_VERSION);
			return IMP_EXIT_OK;
		default:
			fputs(main_usage, stderr);
			return IMP_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		print_help(stderr);
		return IMP_EXIT_USAGE;
	}
	if (strcmp(argv[0], "help") == 0) {
		if (argc == 1) {
			print_help(stdout);
			return IMP_EXIT_OK;
		}
		return print_command_help(argv[1]);
	}
	ce = cmd_find(argv[0]);
	if (ce == NULL) {
		fprintf(stderr, "importer: unknown command '%s'\n", argv[0]);
		fputs(main_usage, stderr);
		return IMP_EXIT_USAGE;
	}

	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
		fputs("importer: curl_global_init failed\n", stderr);
		return IMP_EXIT_SOFTWARE;
	}
	optind = 0;	/* glibc: full reinitialization for the command */
	rc = ce->exec(argc, argv);
	curl_global_cleanup();
	fflush(stdout);
	if (ferror(stdout)) {
		fputs("importer: error writing output\n", stderr);
		return IMP_EXIT_SOFTWARE;
	}
	return rc;
}
