/*
 * accounts.h: the sandbox's account store: one billing profile per
 * customer in its own SQLite file (never the importer's run database),
 * with etags, a write counter, idempotent replays by MS-RequestId, and
 * seeding from a current-accounts CSV. Every call is thread-safe.
 */
#ifndef IMPORTER_ACCOUNTS_H
#define IMPORTER_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "billing.h"
#include "importer.h"

/* Bookkeeping beside a profile. */
struct accounts_info {
	long long	version;	/* 1 when seeded, +1 per change */
	long long	puts;		/* PUTs applied through the API */
	char		updated_at[32];	/* UTC, ISO 8601 */
};

/* The preconditions and the idempotency key of a PUT. */
struct accounts_put {
	const char	*if_match;	/* NULL: none; "*": any */
	const char	*body_etag;	/* attributes.etag; NULL: none */
	const char	*request_id;	/* MS-RequestId; NULL: none */
	/* For the activity log: */
	const char	*correlation_id;	/* MS-CorrelationId, or NULL */
	const char	*user;		/* who wrote; NULL: "api@sandbox" */
	const char	*application_id;	/* or NULL */
};

/* One record of the activity log. Borrowed for the call. */
struct accounts_audit {
	long long	 id;		/* increasing */
	const char	*customer_id;
	const char	*operation_date;	/* UTC, ISO 8601 */
	const char	*correlation_id;	/* NULL: none */
	const char	*user;
	const char	*application_id;	/* NULL: none */
	const char	*old, *now;	/* the profile's JSON before, after */
};

enum accounts_result {
	ACCOUNTS_ERROR = -1,
	ACCOUNTS_OK = 0,
	ACCOUNTS_NOT_FOUND,
	ACCOUNTS_STALE_IF_MATCH,	/* If-Match differs: 412 */
	ACCOUNTS_STALE_ETAG,		/* body etag differs: 400/2055 */
	ACCOUNTS_REPLAYED		/* request id seen: stored outcome */
};

/* Called per record by accounts_audit_list; return -1 to stop. */
typedef int (*accounts_audit_fn)(const struct accounts_audit *rec, void *arg);

/* Called per account by accounts_list; return -1 to stop. */
typedef int (*accounts_fn)(const struct billing_profile *bp,
    const struct accounts_info *info, void *arg);

struct accounts;

/* accounts.c */
/*
 * Opens (creating, mode 0600) the state file at path, or an in-memory
 * store when path is NULL. seed varies the etags. Refuses a database
 * that belongs to something else. NULL with err on failure.
 */
struct accounts	*accounts_open(const char *path, uint64_t seed,
		    struct imp_err *err);
void		 accounts_close(struct accounts *a);
/*
 * Adds the accounts of a current-accounts CSV (canonical or alias headers)
 * that the store does not hold yet; existing ones keep their state.
 * Returns 0 with the counts, or -1 with err (CSV codes 65/66, else 70).
 */
int		 accounts_seed(struct accounts *a, const char *csv,
		    size_t *added, size_t *present, struct imp_err *err);
/* The number of accounts, or -1 with err. */
long long	 accounts_count(struct accounts *a, struct imp_err *err);
/*
 * Reads one account into bp (cleared first; field[COL_CUSTOMER_ID] set)
 * and info (may be NULL). Returns 1, 0 when there is no such customer,
 * -1 with err.
 */
int		 accounts_get(struct accounts *a, const char *customer_id,
		    struct billing_profile *bp, struct accounts_info *info,
		    struct imp_err *err);
/*
 * Calls fn for up to limit accounts after customer id `after' (NULL: the
 * first), in customer id order. *more tells whether any follow. Returns
 * the number listed or -1 with err. fn must not call accounts_*.
 */
int		 accounts_list(struct accounts *a, const char *after,
		    size_t limit, accounts_fn fn, void *arg, int *more,
		    struct imp_err *err);
/*
 * Replaces the profile's 15 fields with in's, atomically after checking
 * put's preconditions, and gives it a new etag. With a request id already
 * applied for this customer, applies nothing and returns the outcome
 * stored then. out (cleared first) receives the resulting profile.
 */
enum accounts_result accounts_update(struct accounts *a,
		    const char *customer_id, const struct billing_profile *in,
		    const struct accounts_put *put, struct billing_profile *out,
		    struct imp_err *err);
/*
 * Calls fn for up to limit records of the activity log after record id
 * `after' (0: the first) whose operation date (UTC day) lies from start
 * to end (YYYY-MM-DD, both included), oldest first. *more tells whether
 * any follow. Returns the number listed or -1 with err. Every change
 * accounts_update and accounts_patch apply is recorded.
 */
int		 accounts_audit_list(struct accounts *a, const char *start,
		    const char *end, long long after, size_t limit,
		    accounts_audit_fn fn, void *arg, int *more,
		    struct imp_err *err);
/*
 * A change made "by another user": sets the fields whose bit (1 << col)
 * is in mask from vals (NULL or "" clears), bumps the etag; creates the
 * account when missing and create is set. Returns 1 changed, 2 created,
 * 0 not found, -1 with err. out (cleared first) gets the result.
 */
int		 accounts_patch(struct accounts *a, const char *customer_id,
		    const char *const *vals, unsigned mask, int create,
		    struct billing_profile *out, struct imp_err *err);

#endif
