/*
 * checking.h: the check step: compares a staged run with the accounts as
 * they are now and stores the plan (changes, unchanged, not found, rows
 * that need review) with its hash, in one transaction.
 */
#ifndef IMPORTER_CHECKING_H
#define IMPORTER_CHECKING_H

#include <stdint.h>

#include "client.h"
#include "importer.h"
#include "profile.h"
#include "snapshot.h"
#include "store.h"

struct checking_result {
	struct snapshot_info	 snapshot;
	int64_t			 checked;	/* rows compared */
	int64_t			 duplicate_accounts;	/* in the snapshot */
	char			 plan_hash[65];
	struct outcome_counts	 counts;	/* the run's, once planned */
};

/*
 * Checks run ri against the snapshot CSV at path. Refuses (64) a run
 * whose rows were sent already. Returns 0, or -1 with err.
 */
int	checking_snapshot(struct store *st, const struct store_runinfo *ri,
	    const char *path, const struct profile *pf,
	    struct checking_result *res, struct imp_err *err);

/*
 * Checks run ri against the service: reads every pending row's billing
 * profile with cl (concurrently) and stores it (body, etag) with the plan.
 * source names the service. With pf's validate_addresses, each row that
 * changes the postal address has it validated by the service first (an
 * address it rejects makes the row invalid). All or nothing: a 401 (77)
 * or an unreachable service (69) saves nothing.
 */
int	checking_online(struct store *st, const struct store_runinfo *ri,
	    struct client *cl, const char *source, const struct profile *pf,
	    struct checking_result *res, struct imp_err *err);

#endif
