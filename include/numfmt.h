/*
 * numfmt.h: Excel number formats: a cell's double rendered as the
 * spreadsheet shows it (General, 0 # ?, sections, scientific, dates as
 * YYYY-MM-DD), for reading workbooks as the person saw them.
 */
#ifndef IMPORTER_NUMFMT_H
#define IMPORTER_NUMFMT_H

#include <stddef.h>

/* A compiled format code; opaque. */
struct numfmt;

/*
 * Compiles an Excel format code (NULL or "" is General). Never fails:
 * what the compiler does not understand makes numfmt_render() return 1.
 * Caller frees with numfmt_free().
 */
struct numfmt	*numfmt_new(const char *code);
/* Frees a compiled format; NULL is fine. */
void		 numfmt_free(struct numfmt *f);
/*
 * The code of built-in numFmtId id (en-US: 0-22, 37-40, 45-49); static,
 * do not free. NULL for an id with no built-in code.
 */
const char	*numfmt_builtin(unsigned id);
/* 1 when f's number section is a date or time format, else 0. */
int		 numfmt_is_date(const struct numfmt *f);
/* 1 when f is the text format "@" (a text cell shown as is), else 0. */
int		 numfmt_is_text(const struct numfmt *f);
/*
 * Writes v as f shows it into buf[size], NUL-terminated UTF-8. Dates are
 * written YYYY-MM-DD, date and time YYYY-MM-DD HH:MM:SS, a time HH:MM:SS
 * (elapsed hours [h] as many digits as they need), whatever the format's
 * own layout; date1904 is the workbook's date system. Returns 0 when the
 * text is exactly what the spreadsheet shows, 1 when f has something this
 * renderer cannot show exactly (the text is a best guess: a person should
 * look), -1 when buf is too small (buf then holds a truncated string).
 */
int		 numfmt_render(const struct numfmt *f, double v, int date1904,
		    char *buf, size_t size);
/* Excel's General format (numFmtId 0) on its own; returns as above. */
int		 numfmt_general(double v, char *buf, size_t size);

#endif
