/*
 * cmd_init.c: importer init [--profile FILE] [--force]: writes a profile
 * in which every section and key is explained, the defaults written out
 * and everything else commented out, so that it loads as it is.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "importer.h"
#include "profile.h"
#include "service.h"

#define INIT_DEFAULT	"importer.ini"

static int	cmd_init_exec(int, char **);

static const struct option cmd_init_options[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_init_entry = {
	"init",
	"init [--profile FILE] [--force]",
	"write a commented profile to start from (every section and key "
	"explained)",
	"  --profile FILE   the file to write (default: the global --profile, "
	"else\n"
	"                   importer.ini in the current folder)\n"
	"  --force          overwrite the file if it exists\n",
	0,
	NULL,
	cmd_init_options,
	cmd_init_exec
};

/*
 * The profile. Every key profile.c knows is here, with what it does; keys
 * whose default is a plain value are written with it (so 'importer config'
 * shows where it is set), the others are commented out.
 */
static const char init_text[] =
"; Lines starting with ';' or '#' are comments; a comment cannot follow a\n"
"; value on the same line. Only the sections and keys below are known:\n"
"; anything else is refused with this file's name and line (exit 64), so a\n"
"; typo never silently changes a run. A key left commented out keeps its\n"
"; default.\n"
"\n"
"[service]\n"
"; Where the account service is and how to log in. Secrets never go in\n"
"; this file (a 'token' or 'client_secret' key is refused): name the\n"
"; environment variable that holds one instead.\n"
";\n"
"; cloud: global (Partner Center) or china (Partner Center operated by\n"
"; 21Vianet). Without cloud or endpoint, check and submit need --endpoint\n"
"; URL or IMPORTER_ENDPOINT. Against a real cloud, requests are paced at\n"
"; its documented limit (500 a minute) unless [submit] rate says otherwise.\n"
";cloud = global\n"
";\n"
"; endpoint: an API base URL instead of a cloud, e.g. a rehearsal against\n"
"; 'importer sandbox --port 8080'. Plain http only to this machine.\n"
"; IMPORTER_ENDPOINT and --endpoint override it.\n"
";endpoint = http://127.0.0.1:8080\n"
";\n"
"; cacert: a CA bundle to trust (a private CA, a TLS-inspecting proxy).\n"
"; TLS is always verified. --cacert overrides it.\n"
";cacert = /etc/ssl/certs/company-ca.pem\n"
";\n"
"; The bearer token comes from the first of: the environment variable\n"
"; IMPORTER_TOKEN, the command line's --token-file FILE, token_command,\n"
"; or OAuth2 client credentials (tenant, client_id, client_secret_env).\n"
"; It is kept in memory only: never in the database, a log or a report.\n"
";\n"
"; token_command: a command that prints a token on its first line (a\n"
"; password manager, a vault client). Run again after the service refuses\n"
"; a token.\n"
";token_command = pass show partner-center/token\n"
";\n"
"; tenant, client_id, client_secret_env: OAuth2 client credentials of an\n"
"; app registration, all three. client_secret_env is the NAME of the\n"
"; environment variable that holds the client secret, never the secret.\n"
"; The token endpoint is the cloud's (IMPORTER_TOKEN_URL overrides it).\n"
";tenant = contoso.onmicrosoft.com\n"
";client_id = 00000000-0000-0000-0000-000000000000\n"
";client_secret_env = IMPORTER_CLIENT_SECRET\n"
"\n"
"[columns]\n"
"; HEADER = COLUMN maps a header of the input file to a canonical column\n"
"; ('importer help columns' lists them, with the service's limits) or to\n"
"; 'ignore', which drops the column without a warning.\n"
";\n"
"; Headers that match a canonical name or a common alias loosely (case,\n"
"; spaces, '_' and '-' do not matter: \"Customer ID\", \"Tenant ID\",\n"
"; \"ZIP\", \"Postcode\", \"Province\", \"Email Address\", ...) need no line\n"
"; here. The header on the left is matched the same loose way, and a line\n"
"; here wins over the built-in names and aliases. Columns neither mapped\n"
"; nor ignored are reported as unknown and carried into the report.\n"
";Kundennummer = customer_id\n"
";Firmenname = company_name\n"
";PLZ = postal_code\n"
";Internal Notes = ignore\n"
"\n"
"[validation]\n"
"; clear_token: the cell value that means \"clear this field\". An empty\n"
"; cell always means \"leave unchanged\", so clearing needs a token. Only\n"
"; address_line2, address_line3, region, phone_number and state can be\n"
"; cleared. It cannot be empty.\n"
"clear_token = " PROFILE_CLEAR_TOKEN "\n"
";\n"
"; required: columns (canonical names, separated by commas) that must be\n"
"; present and non-empty in every row, on top of customer_id, which always\n"
"; is. A row that leaves one empty is invalid and never sent. Countries\n"
"; are always checked against ISO 3166-1 (and states, postal codes and\n"
"; cultures against the country).\n"
";required = email, country\n"
";\n"
"; validate_addresses: yes makes check (against the service, not a\n"
"; snapshot) ask the service to validate each address a row changes\n"
"; (POST /v1/validations/address, as --validate-addresses does). An\n"
"; address it calls incorrect or wants a person to confirm is invalid,\n"
"; never sent, with the service's reason and its suggested address in the\n"
"; plan, the report and the fix-up CSV.\n"
";validate_addresses = no\n"
"\n"
"[submit]\n"
"; How submit, run and retry send. The command line's options of the same\n"
"; names override these.\n"
";\n"
"; concurrency: requests at once (1 to 256).\n"
"concurrency = " SERVICE_TEXT(SERVICE_CONCURRENCY) "\n"
";\n"
"; rate: requests a second at most (0.01 to 100000). Default: the\n"
"; documented limit (500 a minute, 8.33) for the real clouds, none for\n"
"; other endpoints.\n"
";rate = 8.33\n"
";\n"
"; retries: retries of one request after a throttle, a 5xx or a lost\n"
"; reply (0 to 20), with exponential backoff and Retry-After honoured.\n"
"retries = " SERVICE_TEXT(SERVICE_RETRIES) "\n"
";\n"
"; timeout: seconds one request may take (1 to 3600).\n"
"timeout = " SERVICE_TEXT(SERVICE_TIMEOUT) "\n"
";\n"
"; max_wait: the longest wait (seconds, 1 to 86400) the service may ask for\n"
"; (Retry-After) before the run stops with the rest kept, saying when to\n"
"; resume; shorter waits are waited out.\n"
"max_wait = " SERVICE_TEXT(SERVICE_MAX_WAIT) "\n"
";\n"
"; max_changes, max_change_percent: submit refuses a run that changes more\n"
"; accounts than this, or more than this percentage of its valid rows\n"
"; (--allow-over-limit sends it anyway). Default: no limit.\n"
";max_changes = 500\n"
";max_change_percent = 25\n"
";\n"
"; send_country_changes: yes sends a change of country like any other.\n"
"; Default: check holds it for review (the country decides the account's\n"
"; billing, tax and currency), and only --allow-flagged sends it. Check\n"
"; decides: check again after changing it.\n"
";send_country_changes = no\n"
"\n"
"[approval]\n"
"; Four eyes: when submit, run and retry need someone other than the\n"
"; plan's preparer (whoever ran check) to have approved the plan as it\n"
"; stands ('importer approve RUN'). The approval binds to the plan's hash:\n"
"; a new check voids it. Without one, they send nothing (exit 77).\n"
";\n"
"; required: never (default), flagged (when rows are flagged for review)\n"
"; or always.\n"
"required = never\n"
";\n"
"; min_rows: also when the plan changes this many rows or more. Default:\n"
"; no threshold.\n"
";min_rows = 100\n"
"\n"
"[user]\n"
"; name: who is working, as the audit trail records every step and an\n"
"; approval names its approver, when neither --as nor IMPORTER_USER gives\n"
"; it. Default: login@host. Best set per person, not in a shared profile.\n"
";name = Jane Doe\n"
"\n"
"[report]\n"
"; Where 'importer report' (and 'importer run') write the XLSX report when\n"
"; no -o is given; the fix-up CSV goes beside it (NAME-fixup.csv).\n"
";\n"
"; folder: relative to the current folder, or absolute; created if it\n"
"; does not exist.\n"
"folder = " PROFILE_REPORT_FOLDER "\n"
";\n"
"; name: the file name, without a folder; .xlsx is added. {input} is the\n"
"; input file's name without its extension, {run} the run number (needed,\n"
"; so that no run's report overwrites another's), {date} the day the run\n"
"; was staged (YYYY-MM-DD).\n"
"name = " PROFILE_REPORT_NAME "\n";

static int
cmd_init_exec(int argc, char **argv)
{
	struct cmd_opts	 opts;
	struct profile	 pf;
	struct imp_err	 err;
	const char	*path;
	FILE		*fp;
	json_t		*o;
	int		 c, fd, force = 0, flags, rc;

	path = imp_opts.profile != NULL ? imp_opts.profile : INIT_DEFAULT;
	memset(&opts, 0, sizeof opts);
	while ((c = cmd_getopt(&cmd_init_entry, argc, argv, &opts)) != -1) {
		switch (c) {
		case 'p':
			path = optarg;
			break;
		case 'f':
			force = 1;
			break;
		default:
			return opts.exit;
		}
	}
	if (optind < argc)
		return cmd_usage(&cmd_init_entry, "unexpected argument '%s'",
		    argv[optind]);

	/* O_EXCL: never overwrite, not even a file made a moment ago. */
	flags = O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL);
	fd = open(path, flags, 0644);
	if (fd == -1 && errno == EEXIST) {
		fprintf(stderr, "importer: %s exists; --force overwrites it\n",
		    path);
		return IMP_EXIT_USAGE;
	}
	if (fd == -1 || (fp = fdopen(fd, "w")) == NULL) {
		rc = errno == EACCES || errno == EPERM ? IMP_EXIT_NOPERM :
		    IMP_EXIT_SOFTWARE;
		fprintf(stderr, "importer: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return rc;
	}
	fprintf(fp, "; An importer profile: the settings a team keeps for its "
	    "monthly runs.\n; Written by 'importer init'. Use it with\n;\n"
	    ";     importer --profile %s COMMAND ...\n;\n"
	    "; and 'importer --profile %s config' shows every setting in "
	    "effect\n; and where it comes from. The command line wins over the "
	    "environment,\n; which wins over this file, which wins over the "
	    "built-in defaults.\n;\n", path, path);
	fputs(init_text, fp);
	if (fflush(fp) != 0 || ferror(fp)) {
		fprintf(stderr, "importer: %s: %s\n", path, strerror(errno));
		fclose(fp);
		return IMP_EXIT_SOFTWARE;
	}
	if (fclose(fp) != 0) {
		fprintf(stderr, "importer: %s: %s\n", path, strerror(errno));
		return IMP_EXIT_SOFTWARE;
	}

	/* What was written must load: a check on this file's own text. */
	memset(&err, 0, sizeof err);
	if (profile_load(&pf, path, &err) == -1) {
		profile_free(&pf);
		return cmd_fail(&err);
	}
	profile_free(&pf);

	if (imp_opts.json) {
		o = json_object();
		json_object_set_new(o, "profile", json_string(path));
		cmd_json_print(o);
	} else if (!imp_opts.quiet)
		printf("wrote %s: edit it, then 'importer --profile %s config' "
		    "shows the settings\nin effect; every other command takes "
		    "it the same way\n", path, path);
	return IMP_EXIT_OK;
}
