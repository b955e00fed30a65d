/*
 * cmd_sandbox.c: importer sandbox: serve a local account service with the
 * real wire format until SIGINT or SIGTERM; options, the printed URL and
 * token, and the access log.
 */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "hex.h"
#include "importer.h"
#include "isodata.h"
#include "sandbox.h"

static int	cmd_sandbox_exec(int, char **);

const struct cmd_entry cmd_sandbox_entry = {
	"sandbox",
	"sandbox [--port N] [--bind ADDR] [--accounts FILE.csv] "
	"[--state FILE.db] [--token T] [--country-rules FILE.json] [--china] "
	"[--seed N] [fault options]",
	"serve a local account service (same wire format as the real one) "
	"for rehearsal and tests",
	"  --port N            listen on port N (default 8080; 0: any free "
	"port)\n"
	"  --bind ADDR         listen on ADDR (default 127.0.0.1)\n"
	"  --port-file FILE    write the chosen port to FILE once listening\n"
	"  --accounts FILE     seed accounts from a current-accounts CSV "
	"(those not\n"
	"                      in the state yet)\n"
	"  --state FILE        keep the accounts in this SQLite file "
	"(default: memory)\n"
	"  --token T           the bearer token to require (default: a "
	"random one,\n"
	"                      printed at start)\n"
	"  --client-secret S   also hand that token out at POST "
	"/{tenant}/oauth2/token\n"
	"                      for OAuth2 client credentials with secret S\n"
	"  --token-ttl N       the expires_in of those tokens (default 3600)\n"
	"  --china             answer as Partner Center operated by 21Vianet "
	"does: a\n"
	"                      UTF-8 BOM before every JSON body (tokens too), "
	"and\n"
	"                      tokens only for the China API's resource\n"
	"  --page-max N        largest page of GET /v1/customers (default "
	"500)\n"
	"  --country-rules FILE.json\n"
	"                      country validation rules (one "
	"CountryValidationRules\n"
	"                      object or an array) over the bundled ones: "
	"answered at\n"
	"                      GET /v1/countryvalidationrules/{ISO2} and "
	"applied to PUTs\n"
	"faults, all drawn from --seed N (default 1); P is a probability "
	"0..1:\n"
	"  --latency MS[:SPREAD]  add MS +- SPREAD milliseconds to every "
	"request\n"
	"  --rate R            token bucket: R requests per second, then 429 "
	"with\n"
	"                      Retry-After\n"
	"  --burst B           token bucket size (default: R, at least 1)\n"
	"  --fail-503 P        answer 503 before doing anything\n"
	"  --fail-500-after P  apply a PUT, then answer 500\n"
	"  --drop-after P      apply a PUT, then close the connection without "
	"a reply\n"
	"  --slow P:MS         hold the reply back MS milliseconds\n"
	"  --bom P             put a UTF-8 BOM before the JSON body\n"
	"  --forbid KIND[:put] refuse every customer request (with :put, "
	"every write)\n"
	"                      as the service refuses a partner without the "
	"rights:\n"
	"                      relationship (403, 20002), role (403, the "
	"supplied role\n"
	"                      does not have the rights), action (403, "
	"600006), or a\n"
	"                      token without MFA: mfa (401, 900421)\n"
	"  --forbid-customer ID[:put]  answer 403 to that customer's "
	"requests only\n"
	"with -v, one access line per request on stderr (never the token).\n"
	"Without --latency and --slow it answers from one event loop per "
	"core,\notherwise from one thread per connection.\n",
	0,
	NULL,
	NULL,
	cmd_sandbox_exec
};

enum {
	OPT_PORT = 256, OPT_BIND, OPT_PORT_FILE, OPT_ACCOUNTS, OPT_STATE,
	OPT_COUNTRY_RULES,
	OPT_TOKEN, OPT_CLIENT_SECRET, OPT_TOKEN_TTL, OPT_SEED, OPT_LATENCY,
	OPT_RATE, OPT_BURST, OPT_503, OPT_500, OPT_DROP, OPT_SLOW, OPT_BOM,
	OPT_PAGE_MAX, OPT_FORBID, OPT_FORBID_CUSTOMER, OPT_CHINA
};

/*
 * "KIND" or "KIND:put" into *name (the part before the colon, cut at
 * size) and *puts. Returns 0, or -1 for another suffix.
 */
static int
parse_put_suffix(const char *arg, char *name, size_t size, int *puts)
{
	const char	*colon = strchr(arg, ':');
	size_t		 n = colon != NULL ? (size_t)(colon - arg) : strlen(arg);

	*puts = 0;
	if (colon != NULL) {
		if (strcmp(colon + 1, "put") != 0)
			return -1;
		*puts = 1;
	}
	if (n == 0 || n >= size)
		return -1;
	memcpy(name, arg, n);
	name[n] = '\0';
	return 0;
}

static void
access_log(const struct sandbox_access *a, void *arg)
{
	char	status[16];

	(void)arg;
	if (a->status == 0)
		snprintf(status, sizeof status, "dropped");
	else
		snprintf(status, sizeof status, "%d", a->status);
	/* One call per line: lines from different threads do not mix. */
	fprintf(stderr, "importer sandbox: %s %s %s %.1f ms %s%s\n",
	    a->method, a->path, status, a->ms, a->request_id,
	    a->replayed ? " replayed" : "");
}

static int
parse_double(const char *s, double *v)
{
	char	*end;

	errno = 0;
	*v = strtod(s, &end);
	return end == s || *end != '\0' || errno != 0 || *v < 0 ? -1 : 0;
}

/* A probability "0".."1". */
static int
parse_prob(const char *s, double *p)
{
	char	*end;
	double	 v;

	v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 0 && v <= 1))
		return -1;
	*p = v;
	return 0;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long long *v)
{
	char	*end;

	if (*s == '-' || *s == '\0')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end != '\0' || errno != 0 || *v > max ? -1 : 0;
}

/* "A:B" into two numbers; B optional when b_optional. */
static int
parse_pair(const char *s, double *a, double *b, int b_optional)
{
	char	buf[64], *colon;

	snprintf(buf, sizeof buf, "%s", s);
	colon = strchr(buf, ':');
	if (colon == NULL) {
		*b = 0;
		return b_optional ? parse_double(buf, a) : -1;
	}
	*colon = '\0';
	return parse_double(buf, a) == -1 || parse_double(colon + 1, b) == -1 ?
	    -1 : 0;
}

static int
write_port_file(const char *path, unsigned port, struct imp_err *err)
{
	char	 tmp[4096];
	FILE	*fp;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	fp = fopen(tmp, "w");
	if (fp == NULL)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", tmp,
		    strerror(errno));
	fprintf(fp, "%u\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", path,
		    strerror(errno));
	return 0;
}

/* 32 random hex digits and a NUL into buf[33]. */
static void
random_token(char buf[33])
{
	unsigned char	r[16];
	size_t		i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
		/* Not secret-grade then, but never a fixed token. */
		for (i = 0; i < sizeof r; i++)
			r[i] = (unsigned char)(rand() ^ (int)time(NULL));
	}
	hex_encode(r, sizeof r, buf);
}

static int
cmd_sandbox_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, OPT_PORT },
		{ "bind", required_argument, NULL, OPT_BIND },
		{ "port-file", required_argument, NULL, OPT_PORT_FILE },
		{ "accounts", required_argument, NULL, OPT_ACCOUNTS },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "country-rules", required_argument, NULL,
		    OPT_COUNTRY_RULES },
		{ "token", required_argument, NULL, OPT_TOKEN },
		{ "client-secret", required_argument, NULL, OPT_CLIENT_SECRET },
		{ "token-ttl", required_argument, NULL, OPT_TOKEN_TTL },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "latency", required_argument, NULL, OPT_LATENCY },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "burst", required_argument, NULL, OPT_BURST },
		{ "fail-503", required_argument, NULL, OPT_503 },
		{ "fail-500-after", required_argument, NULL, OPT_500 },
		{ "drop-after", required_argument, NULL, OPT_DROP },
		{ "slow", required_argument, NULL, OPT_SLOW },
		{ "bom", required_argument, NULL, OPT_BOM },
		{ "page-max", required_argument, NULL, OPT_PAGE_MAX },
		{ "forbid", required_argument, NULL, OPT_FORBID },
		{ "forbid-customer", required_argument, NULL,
		    OPT_FORBID_CUSTOMER },
		{ "china", no_argument, NULL, OPT_CHINA },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*ce = &cmd_sandbox_entry;
	struct sandbox_opts	 so;
	struct fault_opts	*fo = &so.faults;
	struct imp_err		 err;
	struct isodata		*iso = NULL;
	struct sandbox		*sb = NULL;
	const char		*accounts_csv = NULL;
	const char		*port_file = NULL;
	unsigned long long	 u;
	sigset_t		 set;
	size_t			 added = 0, present = 0;
	char			 token[40], url[128], kind[16];
	double			 p;
	long			 ncpu;
	int			 c, sig, rc = IMP_EXIT_OK, generated = 0;

	memset(&err, 0, sizeof err);
	memset(&so, 0, sizeof so);
	so.port = 8080;
	fo->seed = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PORT:
			if (parse_uint(optarg, 65535, &u) == -1)
				return cmd_usage(ce, "--port: not a port "
				    "number: %s", optarg);
			so.port = (unsigned)u;
			break;
		case OPT_BIND:
			so.bind = optarg;
			break;
		case OPT_PORT_FILE:
			port_file = optarg;
			break;
		case OPT_ACCOUNTS:
			accounts_csv = optarg;
			break;
		case OPT_STATE:
			so.state = optarg;
			break;
		case OPT_COUNTRY_RULES:
			so.country_rules = optarg;
			break;
		case OPT_TOKEN:
			if (*optarg == '\0')
				return cmd_usage(ce, "--token: empty");
			so.token = optarg;
			break;
		case OPT_CLIENT_SECRET:
			so.client_secret = optarg;
			break;
		case OPT_TOKEN_TTL:
			if (parse_uint(optarg, 86400, &u) == -1 || u == 0)
				return cmd_usage(ce, "--token-ttl: seconds, "
				    "1 to 86400: %s", optarg);
			so.token_ttl = (unsigned)u;
			break;
		case OPT_SEED:
			if (parse_uint(optarg, (unsigned long)-1, &u) == -1)
				return cmd_usage(ce, "--seed: not a number: "
				    "%s", optarg);
			fo->seed = u;
			break;
		case OPT_LATENCY:
			if (parse_pair(optarg, &fo->latency_ms, &fo->spread_ms,
			    1) == -1)
				return cmd_usage(ce, "--latency: expected "
				    "MS or MS:SPREAD: %s", optarg);
			break;
		case OPT_RATE:
			if (parse_double(optarg, &fo->rate) == -1)
				return cmd_usage(ce, "--rate: not a rate: %s",
				    optarg);
			break;
		case OPT_BURST:
			if (parse_double(optarg, &fo->burst) == -1)
				return cmd_usage(ce, "--burst: not a number: "
				    "%s", optarg);
			break;
		case OPT_503:
		case OPT_500:
		case OPT_DROP:
		case OPT_BOM:
			if (parse_prob(optarg, &p) == -1)
				return cmd_usage(ce, "%s: not a probability "
				    "0..1: %s", argv[optind - 1], optarg);
			if (c == OPT_503)
				fo->p503 = p;
			else if (c == OPT_500)
				fo->p500_after = p;
			else if (c == OPT_DROP)
				fo->pdrop_after = p;
			else
				fo->pbom = p;
			break;
		case OPT_SLOW:
			if (parse_pair(optarg, &fo->pslow, &fo->slow_ms, 0) ==
			    -1 || fo->pslow > 1)
				return cmd_usage(ce, "--slow: expected P:MS "
				    "with P in 0..1: %s", optarg);
			break;
		case OPT_FORBID:
			if (parse_put_suffix(optarg, kind, sizeof kind,
			    &fo->forbid_puts) == -1)
				kind[0] = '\0';
			if (strcmp(kind, "relationship") == 0)
				fo->forbid = SANDBOX_FORBID_RELATIONSHIP;
			else if (strcmp(kind, "role") == 0)
				fo->forbid = SANDBOX_FORBID_ROLE;
			else if (strcmp(kind, "action") == 0)
				fo->forbid = SANDBOX_FORBID_ACTION;
			else if (strcmp(kind, "mfa") == 0)
				fo->forbid = SANDBOX_FORBID_MFA;
			else
				return cmd_usage(ce, "--forbid: expected "
				    "relationship, role, action or mfa, "
				    "optionally with :put: %s", optarg);
			break;
		case OPT_FORBID_CUSTOMER:
			if (parse_put_suffix(optarg, fo->forbid_customer,
			    sizeof fo->forbid_customer,
			    &fo->forbid_customer_puts) == -1 ||
			    strlen(fo->forbid_customer) != 36)
				return cmd_usage(ce, "--forbid-customer: "
				    "expected a customer ID, optionally with "
				    ":put: %s", optarg);
			break;
		case OPT_CHINA:
			so.china = 1;
			break;
		case OPT_PAGE_MAX:
			if (parse_uint(optarg, 100000, &u) == -1 || u == 0)
				return cmd_usage(ce, "--page-max: not a page "
				    "size: %s", optarg);
			so.max_page = (unsigned)u;
			break;
		case 'h':
			printf("usage: importer %s\n\n%s\n\noptions:\n%s",
			    ce->usage, ce->summary, ce->help);
			return IMP_EXIT_OK;
		default:
			return cmd_usage(ce, NULL);
		}
	}
	if (optind != argc)
		return cmd_usage(ce, "no arguments expected");
	if (fo->rate > 0 && fo->burst == 0)
		fo->burst = fo->rate;
	if (so.token == NULL) {
		random_token(token);
		so.token = token;
		generated = 1;
	}
	/* Sleeping requests need one thread each; without them a pool of
	 * event loops, one per core, answers faster. */
	if (fo->latency_ms == 0 && fo->spread_ms == 0 && fo->pslow == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		so.threads = ncpu > 1 ? (unsigned)ncpu : 1;
	}
	if (imp_opts.verbose)
		so.log = access_log;

	if ((iso = isodata_load(NULL, &err)) == NULL) {
		rc = cmd_fail(&err);
		goto out;
	}
	so.iso = iso;
	if ((sb = sandbox_open(&so, &err)) == NULL ||
	    (accounts_csv != NULL &&
	    sandbox_seed(sb, accounts_csv, &added, &present, &err) == -1)) {
		rc = cmd_fail(&err);
		goto out;
	}

	/* Signals are taken by sigwait below: block them before any thread
	 * exists, so every server thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sandbox_start(sb, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	snprintf(url, sizeof url, "http://%s%s%s:%u",
	    so.bind != NULL && strchr(so.bind, ':') != NULL ? "[" : "",
	    so.bind != NULL ? so.bind : "127.0.0.1",
	    so.bind != NULL && strchr(so.bind, ':') != NULL ? "]" : "",
	    sandbox_port(sb));
	if (imp_opts.json) {
		json_t	*o = json_object();

		json_object_set_new(o, "url", json_string(url));
		json_object_set_new(o, "port",
		    json_integer(sandbox_port(sb)));
		json_object_set_new(o, "accounts",
		    json_integer(sandbox_count(sb)));
		json_object_set_new(o, "seeded",
		    json_integer((json_int_t)added));
		if (generated)
			json_object_set_new(o, "token", json_string(token));
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else if (!imp_opts.quiet) {
		if (accounts_csv != NULL)
			printf("seeded %zu accounts from %s (%zu already in "
			    "the state)\n", added, accounts_csv, present);
		printf("listening on %s\n", url);
		if (generated)
			printf("token: %s\n", token);
	} else if (generated)
		printf("token: %s\n", token);
	fflush(stdout);
	if (port_file != NULL &&
	    write_port_file(port_file, sandbox_port(sb), &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}

	sig = 0;
	while (sigwait(&set, &sig) != 0)
		;
	if (imp_opts.verbose)
		fprintf(stderr, "importer sandbox: %s, stopping\n",
		    sig == SIGINT ? "SIGINT" : "SIGTERM");
out:
	sandbox_close(sb);
	isodata_free(iso);
	return rc;
}
