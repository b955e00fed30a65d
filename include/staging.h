/*
 * staging.h: turns a CSV file or a workbook's sheet into one run in the
 * store: read, map the header, validate every row, find duplicates, all in
 * one transaction, so a file is staged whole or not at all.
 */
#ifndef IMPORTER_STAGING_H
#define IMPORTER_STAGING_H

#include <stddef.h>
#include <stdint.h>

#include "csvin.h"
#include "importer.h"
#include "isodata.h"
#include "norm.h"
#include "profile.h"
#include "store.h"
#include "xlsxin.h"

struct staging_opts {
	const char		*file;
	const char		*encoding;	/* NULL: BOM/UTF-8/detected */
	int			 delimiter;	/* 0: sniffed */
	const char		*sheet;		/* a workbook's; NULL: the
						   first visible one */
	int			 force;		/* stage a file staged before */
	const struct profile	*profile;
	struct csvin_opts	 limits;	/* only the max_* fields */
	struct xlsxin_opts	 xlimits;	/* only the max_* fields */
};

struct staging_result {
	int64_t		 run;
	int64_t		 rows, valid, invalid, duplicate, blank;
	int64_t		 summary;	/* Total rows skipped */
	unsigned long	 summary_line;	/* the first one's line */
	char		 summary_label[32];	/* and its first cell */
	int64_t		 previous;	/* a run of the same file, or 0 */
	char		 encoding[64];
	char		 sheet[256];	/* a workbook's, or "" */
	char		**warnings;	/* about the sheet */
	size_t		 nwarnings;
	int		 bom, detected, delimiter, sniffed;
	int64_t		 encoding_run;	/* not told: read in this run's
					 * encoding, or 0 */
	char		 sha256[65];
	char		**unknown;	/* headers carried along */
	size_t		 nunknown;
	int64_t		 fixed_rows[NORM_NKINDS];	/* per NORM_* bit */
};

/*
 * Stages opts->file into st. Returns 0 with res filled, or -1 with err (its
 * code the exit code; 65 with res->previous set when the same file was
 * staged before and force is off). Nothing is left in st on failure.
 */
int	staging_run(struct store *st, const struct isodata *iso,
	    const struct staging_opts *opts, struct staging_result *res,
	    struct imp_err *err);
void	staging_result_free(struct staging_result *res);

#endif
