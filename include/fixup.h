/*
 * fixup.h: the fix-up CSV: every row of a run that needs a person
 * (invalid, failed, conflict, not found) in the input's own columns,
 * encoding, BOM and delimiter, plus an `error` column, so that it opens in
 * the same Excel and, once fixed, `importer stage` takes it as it is.
 *
 * Formula injection: a cell that starts with = + - @ tab or CR (after any
 * apostrophes) gets one more leading apostrophe and is quoted. Staging
 * removes exactly one such apostrophe (norm.c, NORM_GUARD), so every
 * value comes back unchanged.
 */
#ifndef IMPORTER_FIXUP_H
#define IMPORTER_FIXUP_H

#include <stddef.h>

#include "buf.h"
#include "importer.h"
#include "store.h"

#define FIXUP_ERROR_COLUMN	"error"

/* Nonzero if a spreadsheet would take s[0..len) for a formula, or for a
 * number it shows as another text (norm_changed_number): the apostrophe
 * keeps it text in Calc and Excel, and staging takes it off again. */
int	fixup_needs_guard(const char *s, size_t len);
/* Appends s[0..len) as one CSV field (guarded, quoted when needed). */
void	fixup_field(struct buf *b, const char *s, size_t len, int delim);
/* Nonzero if path names a workbook (.xlsx): fixup_open writes one. */
int	fixup_is_xlsx(const char *path);
/* Nonzero if a row in this state goes to the fix-up CSV. */
int	fixup_wanted(enum outcome state);

struct fixup;

/*
 * Creates the file (written to path.tmp, renamed by fixup_close) in the
 * run's encoding, BOM and delimiter, and writes the header: the run's
 * header plus FIXUP_ERROR_COLUMN. A path ending in .xlsx gets a workbook
 * instead: one sheet (named as the run's), every cell text. NULL with err
 * on failure.
 */
struct fixup	*fixup_open(const char *path, const struct store_report_run *rr,
		    struct imp_err *err);
/* Writes one row in the input's columns plus why it needs a person. */
int		 fixup_add_row(struct fixup *fx,
		    const struct store_report_row *r, struct imp_err *err);
/* Rows written so far. */
int64_t		 fixup_rows(const struct fixup *fx);
/* Flushes, closes and renames into place; frees fx. -1 with err. */
int		 fixup_close(struct fixup *fx, struct imp_err *err);
/* Closes and removes the partial file; frees fx. NULL is fine. */
void		 fixup_abort(struct fixup *fx);

#endif
