/*
 * profile.h: the INI profile a team keeps for its monthly runs
 * (--profile FILE). Unknown sections and keys are errors, so a typo never
 * silently changes a run.
 */
#ifndef IMPORTER_PROFILE_H
#define IMPORTER_PROFILE_H

#include <stddef.h>

#include "colmap.h"
#include "importer.h"

#define PROFILE_CLEAR_TOKEN	"<clear>"
#define PROFILE_REPORT_FOLDER	"reports"
#define PROFILE_REPORT_NAME	"{input}-run{run}"

#define PROFILE_APPROVAL_NEVER	0
#define PROFILE_APPROVAL_FLAGGED 1	/* when rows are flagged for review */
#define PROFILE_APPROVAL_ALWAYS	2

/* Where a key was set, for 'importer config'. */
struct profile_origin {
	char	*section;
	char	*key;
	int	 line;
};

struct profile {
	char			*path;		/* NULL: built-in defaults */
	struct colmap_rule	*columns;	/* [columns] header = column */
	size_t			 ncolumns;
	char			*clear_token;	/* [validation] clear_token */
	unsigned		 required;	/* [validation] required: 1 << col */
	int			 validate_addresses;	/* [validation]
					   validate_addresses: check asks the
					   service about each changed address */

	/* [service]: where the account service is and how to log in. */
	char			*cloud;		/* "global" or "china" */
	char			*endpoint;	/* an API base URL */
	char			*cacert;	/* a CA bundle for private CAs */
	char			*token_command;	/* prints a bearer token */
	char			*tenant;	/* OAuth2 client credentials: */
	char			*client_id;
	char			*client_secret_env;	/* the variable's name */

	/* [submit]: 0 or -1 where not given (the defaults apply). */
	int			 concurrency;
	double			 rate;		/* requests per second */
	int			 retries;
	int			 timeout;	/* seconds per request */
	int			 max_wait;	/* seconds of Retry-After */
	long			 max_changes;	/* -1: no limit */
	double			 max_change_percent;	/* -1: no limit */
	int			 send_country_changes;	/* not held for
					   review (check decides) */

	/* [report]: NULL where not given (the defaults above apply). */
	char			*report_folder;
	char			*report_name;	/* {input} {run} {date} */

	/* [approval]: when submit needs someone other than the preparer
	 * to have approved the plan; min_rows 0: no row threshold. */
	int			 approval;	/* PROFILE_APPROVAL_* */
	long			 approval_min_rows;
	char			*user_name;	/* [user] name, or NULL */
	struct profile_origin	*origins;	/* every key set, in order */
	size_t			 norigins;
};

/*
 * Loads path into pf (path NULL: defaults only). Returns 0, or -1 with err
 * (code 64: a profile is configuration, unreadable or wrong alike) naming
 * the file and the line.
 */
int	profile_load(struct profile *pf, const char *path, struct imp_err *err);
void	profile_free(struct profile *pf);
/* The line that last set [section] key, or 0 if the profile does not. */
int	profile_line(const struct profile *pf, const char *section,
	    const char *key);
/*
 * The report's default path: [report] folder, then name with {input} (the
 * input's file name without its extension), {run} and {date} (the run's
 * staging day, YYYY-MM-DD) put in, then ".xlsx". Caller frees.
 */
char	*profile_report_path(const struct profile *pf, const char *input,
	    long long run, const char *date);

#endif
