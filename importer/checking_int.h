/*
 * checking_int.h: what the two ways of checking (checking.c against the
 * service, checking_snapshot.c against a snapshot) share: the index of the
 * rows to check by customer id, and planning one row in two halves, so
 * that comparing and storing can run on different threads.
 */
#ifndef IMPORTER_CHECKING_INT_H
#define IMPORTER_CHECKING_INT_H

#include <stddef.h>
#include <stdint.h>

#include "checking.h"
#include "country.h"

struct want {
	uint64_t	guid[2];
	int64_t		row;		/* negative once matched */
};

struct wants {
	struct want	*w;
	size_t		 n, cap;
	uint32_t	*dir;		/* by the GUID's top bits: where
					   in w they start */
	int		 dirshift;	/* 64 - those bits */
};

/* The run's pending rows, in row order; sorted by GUID if sorted. */
int	checking_wants(struct store *st, const struct store_runinfo *ri,
	    int sorted, struct wants *ws, struct imp_err *err);
/* Sorts w by GUID in place, the order checking_find() searches. */
void	checking_sort_wants(struct want *w, size_t n);
/* Sorts ws->w and adds its directory (both for checking_find). */
void	checking_index_wants(struct wants *ws);
/* Asks the cache for what checking_find(guid) will read: stage 0 its
 * directory slot, stage 1 (that slot read) its first entry. A hint only. */
void	checking_prefetch(const struct wants *ws, const uint64_t guid[2],
	    int stage);
/* Frees what the index holds and empties it. */
void	checking_wants_free(struct wants *ws);
/* The row wanting a customer, in a sorted index; NULL if none. */
struct want	*checking_find(const struct wants *ws, const uint64_t guid[2]);
/* 64 if some of the run's rows were sent: its plan is fixed. */
int	checking_refuse_sent(struct store *st, const struct store_runinfo *ri,
	    struct imp_err *err);

/* What comparing a row with its account found. */
struct row_plan {
	uint32_t	changed;	/* fields (1 << col) the row changes */
	uint32_t	normalized;	/* equal once normalized */
	uint32_t	lost;		/* fields whose new value lost
					   characters the account holds */
	int		review;		/* CHECK_REVIEW_*: why it needs review
					   before it is sent */
};

#define CHECK_REVIEW_FRAUD	0x1	/* email and address together */
#define CHECK_REVIEW_PHONE	0x2	/* a phone a spreadsheet mangled */
#define CHECK_REVIEW_COUNTRY	0x4	/* the country changes */

void	checking_compare(const char *const *want, const char *const *cur,
	    struct row_plan *rp);
/* Stores the row's changes and outcome as rp says; company: the
 * account's company name to keep with a row with changes that keeps no
 * account (store_plan_outcome), or NULL. */
int	checking_store_row(struct store *st, int64_t run, int64_t row,
	    const char *const *want, const char *const *cur,
	    const struct row_plan *rp, const char *company,
	    struct imp_err *err);

/*
 * The country rules a check judges by: the service's answers read by this
 * check, else those an earlier check kept in the store, else the bundled
 * fallback. Used by one thread at a time.
 */
struct checking_rules {
	struct country_book	*book;		/* decided, by country */
	struct kept_rules	*kept;		/* the store's, not parsed */
	size_t			 nkept;
};

/* Loads the store's kept answers. 0, or -1 with err. */
int	checking_rules_init(struct checking_rules *cr, struct store *st,
	    struct imp_err *err);
void	checking_rules_free(struct checking_rules *cr);
/* The rules for cc: decided already, or now from the kept answer or the
 * bundled table. NULL when there are none to judge by. */
const struct country_rules *checking_rules_get(struct checking_rules *cr,
	    const char *cc);
/* The country a row's account will be in once sent: its own, else the
 * account's. NULL if neither names one. */
const char *checking_row_country(const char *const *want,
	    const char *const *cur, const struct row_plan *rp);
/*
 * Judges the row as it would be sent (want over cur, the fields it changes,
 * and all that depend on the country when it changes the country) by the
 * country's rules rules (NULL: none). A problem is stored (at check); any
 * but a warning makes the row invalid, its outcome stored: returns 1.
 * Returns 0 when the row is to be planned as usual, -1 on error.
 */
int	checking_country(struct store *st, const struct country_rules *rules,
	    int64_t run, int64_t row, const char *const *want,
	    const char *const *cur, const struct row_plan *rp,
	    struct imp_err *err);
/* checking_address.c: the service's address validation, opt-in. */
struct address_verdict {
	char		status[32];	/* as the service said it */
	int		invalid;	/* the status needs a person */
	char		message[320];	/* the service's reason, in words */
	char		suggestion[512];	/* its first suggested address,
					   "" if none */
	uint32_t	cols;		/* columns its message names */
	uint32_t	differs;	/* columns the suggestion corrects */
};

/* Nonzero if the changed fields (1 << col) touch the postal address. */
int	checking_address_changes(uint32_t changed);
/* The body of POST /v1/validations/address: the address as it will be
 * (want over cur). Caller frees. */
char	*checking_address_body(const char *const *want,
	    const char *const *cur);
/* Reads the service's answer into v; -1 if it is not one. */
int	checking_address_read(const char *resp, size_t len,
	    const char *const *want, const char *const *cur,
	    struct address_verdict *v);
/* Stores an invalid address: a problem on each column at fault, the row
 * invalid at check (nothing of its plan is kept). */
int	checking_address_store(struct store *st, int64_t run, int64_t row,
	    const char *const *want, const char *const *cur, uint32_t changed,
	    const struct address_verdict *v, struct imp_err *err);

#endif
