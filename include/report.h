/*
 * report.h: the XLSX result report of a run (libxlsxwriter, constant
 * memory): Summary, All rows, Changes, and one sheet per outcome that has
 * rows. Rows are added in input order; the Summary is written last, from
 * what was added, so its counts are the report's own.
 */
#ifndef IMPORTER_REPORT_H
#define IMPORTER_REPORT_H

#include <stdint.h>

#include "importer.h"
#include "store.h"

/* Excel's limit: rows per worksheet, the header included. */
#define REPORT_SHEET_ROWS	1048576

struct report_opts {
	const char	*path;		/* the .xlsx to write */
	int64_t		 sheet_rows;	/* rows per sheet with its header;
					 * 0: REPORT_SHEET_ROWS */
	const char	*version;	/* the importer writing the report */
	const char	*fixup_path;	/* shown in the Summary, or NULL */
};

/* The outcomes, in the Summary's order. */
enum report_outcome {
	REPORT_APPLIED,
	REPORT_UNCHANGED,
	REPORT_DUPLICATE,
	REPORT_FAILED,
	REPORT_CONFLICT,
	REPORT_NOT_FOUND,
	REPORT_INVALID,
	REPORT_PENDING,
	REPORT_NOUTCOMES
};

struct report_result {
	int64_t	 counts[REPORT_NOUTCOMES];
	int64_t	 rows_in;	/* the run's staged rows */
	int64_t	 sum;		/* of counts */
	int	 sheets;	/* worksheets written */
};

/* The DESIGN.md name of an outcome ("not_found", ...). */
const char	*report_outcome_name(enum report_outcome o);

struct report;

/*
 * Starts a report: creates the workbook and its sheets, sized from the
 * counts (autofilter ranges and splits need them before any row). NULL
 * with err on failure.
 */
struct report	*report_open(const struct report_opts *ro,
		    const struct store_report_run *rr,
		    const struct store_report_sizes *sz,
		    const struct outcome_counts *oc,
		    struct imp_err *err);
/* Adds one staged row (rows in input order). */
int		 report_add_row(struct report *rep,
		    const struct store_report_row *r, struct imp_err *err);
/*
 * Writes the Summary (reading reasons and the comparison with the previous
 * run from st), closes the file and frees rep. fixup_rows is the number of
 * rows in the fix-up CSV (-1: none written). -1 with err on failure (the
 * partial file is removed).
 */
int		 report_close(struct report *rep, struct store *st,
		    int64_t fixup_rows, struct report_result *res,
		    struct imp_err *err);
/* Frees rep without writing; removes the partial file. NULL is fine. */
void		 report_abort(struct report *rep);

#endif
