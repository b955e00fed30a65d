/*
 * outcome.h: the states a staged row is in, as DESIGN.md names them, and
 * 'sending' (its request may have left, its answer is not recorded yet).
 * The names are the strings the database holds.
 */
#ifndef IMPORTER_OUTCOME_H
#define IMPORTER_OUTCOME_H

#include <stdint.h>

enum outcome {
	OUTCOME_PENDING,	/* valid, not sent yet */
	OUTCOME_SENDING,	/* sent, fate unknown until it is re-read */
	OUTCOME_INVALID,	/* failed validation; never sent */
	OUTCOME_DUPLICATE,	/* an identical repeat in the file */
	OUTCOME_UNCHANGED,	/* already matches the account */
	OUTCOME_NOT_FOUND,	/* no such customer */
	OUTCOME_APPLIED,
	OUTCOME_FAILED,		/* with the service's code and message */
	OUTCOME_CONFLICT,	/* someone else changed the same fields */
	OUTCOME_COUNT
};

/* The name of o ("not_found"); "?" for a value out of range. */
const char	*outcome_name(enum outcome o);
/* Sets *o to the outcome named name; -1 when no outcome has that name. */
int		 outcome_parse(const char *name, enum outcome *o);

/*
 * The rows of a run (or of one submit) by outcome. Rows that are sending
 * count as pending too (DESIGN.md has no 'sending': they are not done),
 * and so do valid rows not checked yet.
 */
struct outcome_counts {
	int64_t	rows;		/* staged rows, blank lines aside */
	int64_t	valid;		/* rows neither invalid nor duplicate */
	int64_t	changes;	/* rows the plan changes */
	int64_t	review;		/* pending rows that need review */
	int64_t	unread;		/* failed at check: the account could not
				 * be read, nothing sent (of n[FAILED]) */
	int64_t	n[OUTCOME_COUNT];
};

#endif
