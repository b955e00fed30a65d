/*
 * submitting.h: the submit step: sends a checked run's planned changes,
 * and nothing else, so that every row ends in exactly one outcome and no
 * change someone else made in between is written over.
 */
#ifndef IMPORTER_SUBMITTING_H
#define IMPORTER_SUBMITTING_H

#include <stdint.h>

#include "client.h"
#include "importer.h"
#include "store.h"

struct submitting_opts {
	int		 allow_flagged;	/* send rows that need review */
	int		 batch;		/* rows marked 'sending' per commit */
	int		 merges;	/* re-applies over others' changes */
	int		 progress;	/* print progress on stderr */
};

struct submitting_result {
	int64_t			 rows;		/* taken up */
	int64_t			 recovered;	/* left 'sending' before */
	struct outcome_counts	 settled;	/* rows by the outcome
						 * this submit gave them */
	int64_t			 merged;	/* re-applied after a change */
	int64_t			 already;	/* found applied on re-read */
	int			 stopped;	/* 69 or 77: why it stopped */
	char			 why[512];
	struct client_stats	 stats;
};

/*
 * Sends run ri's pending rows with cl. Returns 0 (see res->stopped for a
 * stop that keeps the rest pending), or -1 with err.
 */
int	submitting_run(struct store *st, const struct store_runinfo *ri,
	    struct client *cl, const struct submitting_opts *opts,
	    struct submitting_result *res, struct imp_err *err);

#endif
