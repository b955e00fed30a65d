/*
 * xlsxin.h: the workbook reader. Streams one sheet of an .xlsx or .xlsm
 * file (libzip, expat) into records of UTF-8 fields, each cell as the
 * spreadsheet shows it: shared and inline strings, rich text, booleans,
 * formulas by their cached values, numbers through their number format
 * (numfmt.h). Rows are the sheet's own row numbers. Memory is bounded:
 * a few rows in flight, and the shared strings up to a budget, past which
 * they go to a temporary file (strtab.h); every byte inflated is counted,
 * so a zip bomb ends in a message.
 */
#ifndef IMPORTER_XLSXIN_H
#define IMPORTER_XLSXIN_H

#include <stddef.h>
#include <stdint.h>

#include "csvin.h"
#include "importer.h"

#define XLSXIN_MAX_TOTAL	((uint64_t)4 << 30)	/* bytes inflated */
#define XLSXIN_MAX_ENTRIES	10000			/* zip members */
#define XLSXIN_MAX_STRINGS	(16u << 20)		/* shared strings */
#define XLSXIN_MAX_SST_BYTES	((size_t)1 << 30)	/* their text */
#define XLSXIN_MAX_CELL		(32767 * 4)	/* an Excel cell in UTF-8 */
#define XLSXIN_MAX_RECORD	(4 * 1024 * 1024)	/* a row's text, as
							   CSVIN_MAX_RECORD */
#define XLSXIN_MAX_COLS		16384		/* Excel's column limit */
#define XLSXIN_MAX_ROW		1048576		/* and its row limit */
#define XLSXIN_MAX_TOKEN	((size_t)4 << 20)	/* one tag or comment */
#define XLSXIN_MAX_DEPTH	256		/* elements open at once */
#define XLSXIN_MAX_KEPT		((size_t)16 << 20)	/* names, relationships
							   and number formats */

/* What a field's flags say (csvin_record.flags). */
#define XLSXIN_ERROR	0x01	/* an error value (#N/A, ...), as text */
#define XLSXIN_NOVALUE	0x02	/* a formula the file holds no result
				   of: the field is empty */
#define XLSXIN_UNSURE	0x04	/* a number whose format is shown only
				   approximately: the field is General */
#define XLSXIN_NUMBER	0x08	/* a number cell (not text) */

struct xlsxin_opts {
	const char	*sheet;		/* a name, or 1-based position; NULL:
					   the first visible sheet */
	uint64_t	 max_total;	/* 0: the defaults above */
	size_t		 max_entries;
	size_t		 max_strings;
	size_t		 max_sst_bytes;
	size_t		 max_cell;
	size_t		 max_record;
	size_t		 max_cols;
	size_t		 max_token;	/* input the XML parser holds */
	size_t		 max_depth;
	size_t		 sst_memory;	/* shared strings kept in memory
					   before they go to a temporary
					   file; 0: STRTAB_MEMORY */
};

struct xlsxin;

/* Nonzero if the file's first bytes are a zip's (an .xlsx, or an .ods). */
int		 xlsxin_is_zip(const unsigned char *head, size_t n);
/*
 * Refuses what is not an .xlsx but can be told by its first bytes: a
 * legacy .xls or an encrypted workbook (both OLE2 compound files). Returns
 * 0, or -1 with err filled (65) saying what to do.
 */
int		 xlsxin_refuse_ole(const char *path, const unsigned char *head,
		    size_t n, struct imp_err *err);

/*
 * Opens path, reads its workbook, styles and shared strings and picks the
 * sheet. NULL with err filled (66 unreadable, 65 not a usable workbook,
 * 64 no such sheet) on failure.
 */
struct xlsxin	*xlsxin_open(const char *path, const struct xlsxin_opts *opts,
		    struct imp_err *err);
/*
 * Reads the sheet's rows into fn, the first row with a value first (the
 * header, index 0); rows missing between two are passed as blank records,
 * as a CSV export holds them. Each record's flags are set. Returns 0, or
 * -1 with err filled.
 */
int		 xlsxin_read(struct xlsxin *in, csvin_fn fn, void *arg,
		    struct imp_err *err);
void		 xlsxin_close(struct xlsxin *in);

const char	*xlsxin_sheet(const struct xlsxin *in);	/* its name */
uint64_t	 xlsxin_size(const struct xlsxin *in);
/* Lower-case hex SHA-256 of the file's bytes. */
const char	*xlsxin_sha256(const struct xlsxin *in);
/* What a person should know about the sheet, after xlsxin_read: hidden
 * rows and columns, merged cells, a filter, a hidden sheet chosen. */
size_t		 xlsxin_nwarnings(const struct xlsxin *in);
const char	*xlsxin_warning(const struct xlsxin *in, size_t i);

#endif
