/*
 * csvin.h: the CSV reader. Streams a file as spreadsheets save it (any
 * charset, BOM, ',' ';' tab or '|', CRLF or LF, quoted newlines) into
 * records of UTF-8 fields, with the physical line each record starts on.
 * Memory is bounded by the limits below, never by the file's size.
 */
#ifndef IMPORTER_CSVIN_H
#define IMPORTER_CSVIN_H

#include <stddef.h>
#include <stdint.h>

#include "importer.h"

#define CSVIN_MAX_FIELD		(32767 * 4)	/* an Excel cell in UTF-8 */
#define CSVIN_MAX_RECORD	(4 * 1024 * 1024)
#define CSVIN_MAX_COLS		16384		/* Excel's column limit */

struct csvin_opts {
	const char	*encoding;	/* NULL: BOM, UTF-8 or detected */
	/* A legacy encoding to read the file in when it is not UTF-8 and its
	 * charset cannot be told for sure, if its first bytes convert
	 * cleanly in it (the caller's: the encoding of earlier runs); NULL:
	 * such a file is refused. */
	const char	*prefer;
	int		 delimiter;	/* 0: sniffed */
	size_t		 max_field;	/* 0: the defaults above */
	size_t		 max_record;
	size_t		 max_cols;
};

/* One record. Everything is borrowed: valid during the callback only. */
struct csvin_record {
	unsigned long		 line;		/* physical line it starts on */
	unsigned long		 row;		/* the row a spreadsheet shows:
						   header 1, a blank line a row,
						   a record one row however many
						   line breaks its cells hold */
	unsigned long		 index;		/* 0 for the header */
	size_t			 nfields;
	const char *const	*fields;	/* NUL-terminated UTF-8 */
	const size_t		*lens;
	const unsigned char	*flags;		/* per field, a workbook's
						   (XLSXIN_*); NULL for CSV */
};

/* Called once per record, header first; returns 0, or -1 to stop. */
typedef int (*csvin_fn)(const struct csvin_record *rec, void *arg,
    struct imp_err *err);

struct csvin;

/*
 * Opens path and decides its charset and delimiter from the first bytes.
 * Returns NULL with err filled (code 66 unreadable, 65 unusable, 64 bad
 * option) on failure.
 */
struct csvin	*csvin_open(const char *path, const struct csvin_opts *opts,
		    struct imp_err *err);
/* Reads every record into fn. Returns 0, or -1 with err filled. */
int		 csvin_read(struct csvin *in, csvin_fn fn, void *arg,
		    struct imp_err *err);
void		 csvin_close(struct csvin *in);

/* What was decided and measured; the strings live as long as in. */
const char	*csvin_encoding(const struct csvin *in);	/* "UTF-8", ... */
int		 csvin_bom(const struct csvin *in);
int		 csvin_detected(const struct csvin *in);	/* guessed */
/* Nonzero when the file was read in opts->prefer (it is also "detected"). */
int		 csvin_preferred(const struct csvin *in);
int		 csvin_delimiter(const struct csvin *in);
int		 csvin_delimiter_sniffed(const struct csvin *in);
uint64_t	 csvin_size(const struct csvin *in);
/* Lower-case hex SHA-256 of the file's bytes; after csvin_read. */
const char	*csvin_sha256(const struct csvin *in);
/* A printable name for a delimiter: "','", "tab", ... (static). */
const char	*csvin_delimiter_name(int delimiter);

#endif
