/*
 * rules.h: validation of one row against the API's rules and against the
 * damage spreadsheets do to data. Every problem of a row is reported, each
 * with a rule id, a message and a hint.
 */
#ifndef IMPORTER_RULES_H
#define IMPORTER_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "colmap.h"
#include "importer.h"
#include "isodata.h"
#include "norm.h"

#define RULES_MAX_PROBLEMS	32

struct rules_problem {
	size_t		 input;		/* input column, or (size_t)-1 */
	int		 col;		/* enum colmap_col, or -1 */
	const char	*rule;		/* "email", "postal-code", ... */
	char		 msg[192];
	char		 hint[160];
};

/* One row in, its normalized values and problems out. */
struct rules_row {
	/* in */
	size_t			 ncells;
	const char *const	*cells;
	const size_t		*lens;
	/* out: NULL leaves the field unchanged, "" clears it */
	const char		*norm[COL_COUNT];
	size_t			 normlen[COL_COUNT];
	unsigned		 fixes;		/* NORM_* kinds applied */
	uint32_t		 fixed;		/* 1 << col: value differs from raw */
	int			 blank;		/* all cells empty: skip */
	int			 summary;	/* a spreadsheet's Total row:
						 * skip */
	char			 summary_label[32];	/* its first cell */
	size_t			 nerrors;
	size_t			 nwarnings;	/* kept in probs too; the row
						 * stays valid */
	size_t			 nprobs;	/* kept; nerrors may be more */
	struct rules_problem	 probs[RULES_MAX_PROBLEMS];
	/* private scratch */
	struct norm_buf		 buf[COL_COUNT];
	struct norm_buf		 tmp;
};

struct rules;

/* Rules for one run: iso data, clear token, required columns, and the
 * header mapping. All are borrowed and must outlive the rules. */
struct rules	*rules_new(const struct isodata *iso, const struct colmap *cm,
		    const char *clear_token, unsigned required);
void		 rules_free(struct rules *r);
/*
 * The encoding the file was read in: in a legacy one (not UTF-8 or
 * UTF-16), a '?' in a value is held (rule lost-character): it is what
 * saving did to a character the encoding has not.
 */
void		 rules_set_encoding(struct rules *r, const char *encoding);
/*
 * Validates and normalizes row; returns row->nerrors. A blank record sets
 * row->blank, a summary row (first cell "Total", "Grand Total", "Summe",
 * "合计"... and no customer ID that is a GUID) row->summary: neither is a
 * row. Warnings (a lone '-', a formula's text) are problems that leave the
 * row valid.
 */
size_t		 rules_check(const struct rules *r, struct rules_row *row);
/* Frees a row's scratch buffers. */
void		 rules_row_free(struct rules_row *row);
/*
 * The whole number a spreadsheet reads s[0..n) in scientific notation as,
 * in digits: "1.40E+10" -> "14000000000", "4.25555E+09" -> "4255550000".
 * Writes them NUL-terminated to out; returns their length, or -1 when s is
 * not scientific notation of a whole number of fewer than outsize digits.
 */
int		 rules_sci_digits(const char *s, size_t n, char *out,
		    size_t outsize);
/*
 * A rule across runs: flagged[0..n) is the cell of col that an earlier
 * run held for this customer because it was in scientific notation (rule
 * excel-scientific). When row's value in col is that number as a
 * spreadsheet reads it, the digits are still lost: the row is held (rule
 * rounded-number) and 1 returned; else 0.
 */
int		 rules_check_rounded(const struct rules *r,
		    struct rules_row *row, int col, const char *flagged,
		    size_t n);
/* Adds a problem to row (used for rules that span rows). */
void		 rules_add(struct rules_row *row, size_t input, int col,
		    const char *rule, const char *hint, const char *fmt, ...)
		    __attribute__((format(printf, 6, 7)));

#endif
