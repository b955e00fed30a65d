/*
 * snapshot.h: a current-accounts CSV (the same columns as an update file)
 * read with the same reader, for checking a run without the service.
 */
#ifndef IMPORTER_SNAPSHOT_H
#define IMPORTER_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "colmap.h"
#include "importer.h"
#include "profile.h"

/* One account. value[] is normalized (trimmed, NFC; the customer id in
 * lower case), NULL when empty, len[] its length in bytes (0 for NULL);
 * valid during the callback only. */
struct snapshot_account {
	unsigned long	 line;
	uint64_t	 guid[2];	/* the customer id, parsed */
	const char	*value[COL_COUNT];
	size_t		 len[COL_COUNT];
};

struct snapshot_info {
	char		 encoding[64];
	char		 mtime[32];	/* the file's, UTC ISO 8601 */
	int64_t		 accounts;
	int64_t		 bad_ids;	/* rows without a valid customer id */
};

/*
 * Calls fn for each account of the snapshot at path; fn returns -1 to
 * stop. Header mapping as for staging, with the profile's [columns].
 * Returns 0, or -1 with err (CSV codes 65/66).
 */
int	snapshot_read(const char *path, const struct profile *pf,
	    int (*fn)(const struct snapshot_account *, void *, struct imp_err *),
	    void *arg,
	    struct snapshot_info *info, struct imp_err *err);


#endif
