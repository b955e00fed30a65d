/*
 * fixup.c: the fix-up file. A row is written back as it was read: its raw
 * cells when staging kept them (any row it changed or refused), else its
 * values put back under their headers (a cleared field as the clear
 * token). A CSV's lines are built in UTF-8 and converted with iconv; a
 * workbook's cells are written as text with libxlsxwriter.
 */
#include "config.h"

#include "fixup.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <xlsxwriter.h>

#include "cellpack.h"
#include "charset.h"
#include "colmap.h"
#include "norm.h"
#include "xmalloc.h"

struct fixup {
	FILE			*fp;
	lxw_workbook		*wb;		/* or a workbook */
	lxw_worksheet		*ws;
	lxw_format		*text;
	lxw_row_t		 row;
	char			*path, *tmp;
	iconv_t			 cd;		/* (iconv_t)-1: UTF-8 */
	int			 delim;
	int			 failed;	/* a write failed */
	size_t			 ncols;		/* header cells */
	int			*map;		/* per header: column or
						 * COLMAP_EXTRA/IGNORE */
	char			*own;		/* per header: the error column
						 * of an earlier fix-up (dropped:
						 * a new one is written) */
	char			 clear[64];
	struct buf		 line, err;
	const char		**cells;
	size_t			*lens;
	size_t			 capcells;
	int64_t			 rows;
	char			 obuf[65536];
};

static void
buf_ch(struct buf *b, int c)
{
	char	ch = c;

	buf_add(b, &ch, 1);
}

int
fixup_needs_guard(const char *s, size_t len)
{
	size_t	i = 0;

	while (i < len && s[i] == '\'')
		i++;
	return i < len && s[i] != '\0' && (strchr("=+-@\t\r", s[i]) != NULL ||
	    norm_changed_number(s + i, len - i));
}

void
fixup_field(struct buf *b, const char *s, size_t len, int delim)
{
	int	guard, quote;
	size_t	i, from;

	guard = fixup_needs_guard(s, len);
	quote = guard || (len > 0 && (s[0] == ' ' || s[0] == '\t' ||
	    s[len - 1] == ' ' || s[len - 1] == '\t'));
	for (i = 0; i < len && !quote; i++)
		if (s[i] == delim || s[i] == '"' || s[i] == '\n' ||
		    s[i] == '\r')
			quote = 1;
	if (quote)
		buf_add(b, "\"", 1);
	if (guard)
		buf_add(b, "'", 1);
	if (!quote) {
		buf_add(b, s, len);
		return;
	}
	for (i = 0, from = 0; i < len; i++)
		if (s[i] == '"') {
			buf_add(b, s + from, i + 1 - from);
			buf_add(b, "\"", 1);
			from = i + 1;
		}
	buf_add(b, s + from, len - from);
	buf_add(b, "\"", 1);
}

int
fixup_wanted(enum outcome state)
{
	return state == OUTCOME_INVALID || state == OUTCOME_FAILED ||
	    state == OUTCOME_CONFLICT || state == OUTCOME_NOT_FOUND;
}

/* Bytes of the UTF-8 sequence starting with c (1 for a stray byte). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* Writes s[0..len) in the file's encoding; a character the encoding
 * lacks (only in our own messages) becomes '?'. */
static void
put(struct fixup *fx, const char *s, size_t len)
{
	char	*in, *o;
	size_t	 inleft, oleft, r, k;

	if (fx->cd == (iconv_t)-1) {
		/* Every byte UTF-8: a stray one (never in what staging
		 * stored) is written as U+FFFD. */
		while (len > 0) {
			struct charset_utf8	u;

			memset(&u, 0, sizeof u);
			r = charset_utf8_check(&u, (const unsigned char *)s,
			    len);
			if (r == len && charset_utf8_open(&u))
				for (r = len - 1; r > 0 &&
				    ((unsigned char)s[r] & 0xc0) == 0x80; r--)
					;
			if (fwrite(s, 1, r, fx->fp) != r)
				fx->failed = 1;
			if (r == len)
				break;
			if (fwrite("\357\277\275", 1, 3, fx->fp) != 3)
				fx->failed = 1;
			s += r + 1;
			len -= r + 1;
		}
		return;
	}
	while (len > 0) {
		in = (char *)s;
		inleft = len;
		o = fx->obuf;
		oleft = sizeof fx->obuf;
		r = iconv(fx->cd, &in, &inleft, &o, &oleft);
		if (fwrite(fx->obuf, 1, o - fx->obuf, fx->fp) !=
		    (size_t)(o - fx->obuf))
			fx->failed = 1;
		s = in;
		len = inleft;
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		k = utf8_len((unsigned char)*s);
		k = k > len ? len : k;
		s += k;
		len -= k;
		put(fx, "?", 1);
	}
}

/* The iconv name to write, and the BOM bytes of the run's encoding. */
static const char *
out_encoding(const char *enc, int bom, const char **bombytes,
    size_t *bomlen)
{
	*bombytes = NULL;
	*bomlen = 0;
	if (strcasecmp(enc, "UTF-16") == 0)
		enc = "UTF-16LE";
	if (bom) {
		if (strncasecmp(enc, "UTF-8", 5) == 0 ||
		    strcasecmp(enc, "UTF8") == 0) {
			*bombytes = "\357\273\277";
			*bomlen = 3;
		} else if (strcasecmp(enc, "UTF-16LE") == 0) {
			*bombytes = "\377\376";
			*bomlen = 2;
		} else if (strcasecmp(enc, "UTF-16BE") == 0) {
			*bombytes = "\376\377";
			*bomlen = 2;
		}
	}
	return enc;
}

static void
end_line(struct fixup *fx)
{
	buf_add(&fx->line, "\r\n", 2);
	put(fx, fx->line.s, fx->line.len);
	fx->line.len = 0;
}

/* Nonzero if path names a workbook: the fix-up of a workbook's run. */
int
fixup_is_xlsx(const char *path)
{
	size_t	n = strlen(path);

	return n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

/*
 * One cell of the fix-up workbook's row, as text: a spreadsheet shows it
 * as it is (no formula, no number it could reformat), and the column's
 * Text format keeps what the person types next as text too.
 */
static void
put_cell(struct fixup *fx, lxw_col_t col, const char *s, size_t len)
{
	char	*z;

	if (len == 0 && fx->row > 0)
		return;
	z = xstrndup(s, len);
	if (worksheet_write_string(fx->ws, fx->row, col, z, fx->text) !=
	    LXW_NO_ERROR)
		fx->failed = 1;
	free(z);
}

/*
 * Creates fx->tmp for writing, 0600 like the database whatever the umask
 * (and whatever an earlier temp file's mode): it holds personal data.
 */
static int
open_private(struct fixup *fx, struct imp_err *err)
{
	int	fd;

	fd = open(fx->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd != -1 && fchmod(fd, 0600) == -1) {
		close(fd);
		fd = -1;
	}
	if (fd == -1)
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", fx->tmp,
		    strerror(errno));
	return fd;
}

static int
open_xlsx(struct fixup *fx, const struct store_report_run *rr,
    struct imp_err *err)
{
	lxw_workbook_options	 wo = { .constant_memory = LXW_TRUE };
	int			 fd;

	/* The file exists 0600 before libxlsxwriter truncates and writes
	 * it. */
	if ((fd = open_private(fx, err)) == -1)
		return -1;
	close(fd);
	if ((fx->wb = workbook_new_opt(fx->tmp, &wo)) == NULL)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: cannot create "
		    "the workbook", fx->tmp);
	/* The input's sheet name, if a workbook takes it. */
	if (rr->sheet[0] == '\0' || workbook_validate_sheet_name(fx->wb,
	    rr->sheet) != LXW_NO_ERROR ||
	    (fx->ws = workbook_add_worksheet(fx->wb, rr->sheet)) == NULL)
		fx->ws = workbook_add_worksheet(fx->wb, "fixup");
	fx->text = workbook_add_format(fx->wb);
	format_set_num_format(fx->text, "@");
	return 0;
}

struct fixup *
fixup_open(const char *path, const struct store_report_run *rr,
    struct imp_err *err)
{
	struct fixup	*fx;
	json_t		*map;
	const char	*enc, *bom, *cell, *name;
	size_t		 bomlen, i, len;
	lxw_col_t	 k;
	int		 fd;

	fx = xcalloc(1, sizeof *fx);
	fx->cd = (iconv_t)-1;
	fx->path = xstrdup(path);
	fx->tmp = xasprintf("%s.tmp", path);
	fx->delim = rr->delimiter[0] != '\0' ? (unsigned char)rr->delimiter[0]
	    : ',';
	snprintf(fx->clear, sizeof fx->clear, "%s", rr->clear_token);
	enc = out_encoding(rr->encoding, rr->bom, &bom, &bomlen);
	if (!fixup_is_xlsx(path) && strcasecmp(enc, "UTF-8") != 0 &&
	    strcasecmp(enc, "UTF8") != 0) {
		fx->cd = iconv_open(enc, "UTF-8");
		if (fx->cd == (iconv_t)-1) {
			imp_errf(err, IMP_EXIT_SOFTWARE, "%s: cannot write "
			    "encoding %s: %s", path, enc, strerror(errno));
			goto fail;
		}
	}
	fx->ncols = cellpack_unpack_count(rr->header, rr->headerlen);
	fx->map = xcalloc(fx->ncols + 1, sizeof *fx->map);
	fx->own = xcalloc(fx->ncols + 1, 1);
	map = json_loads(rr->mapping, 0, NULL);
	for (i = 0; i < fx->ncols; i++) {
		name = json_string_value(json_array_get(map, i));
		fx->map[i] = name == NULL || strcmp(name, "extra") == 0 ?
		    COLMAP_EXTRA : strcmp(name, "ignore") == 0 ?
		    COLMAP_IGNORE : colmap_lookup(name);
		if (fx->map[i] == -1 && name != NULL &&
		    strcmp(name, "extra") != 0)
			fx->map[i] = COLMAP_IGNORE;
	}
	json_decref(map);

	if (fixup_is_xlsx(path)) {
		if (open_xlsx(fx, rr, err) == -1)
			goto fail;
	} else {
		if ((fd = open_private(fx, err)) == -1)
			goto fail;
		if ((fx->fp = fdopen(fd, "wb")) == NULL) {
			imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", fx->tmp,
			    strerror(errno));
			close(fd);
			goto fail;
		}
		if (bomlen > 0 && fwrite(bom, 1, bomlen, fx->fp) != bomlen)
			fx->failed = 1;
	}
	for (i = 0, k = 0; i < fx->ncols; i++) {
		if (cellpack_unpack(rr->header, rr->headerlen, i, &cell,
		    &len) == -1)
			break;
		/* A fix-up of a fix-up: one error column, the new one. */
		if (fx->map[i] == COLMAP_IGNORE && len == strlen(
		    FIXUP_ERROR_COLUMN) && strncasecmp(cell,
		    FIXUP_ERROR_COLUMN, len) == 0) {
			fx->own[i] = 1;
			continue;
		}
		if (fx->wb != NULL) {
			worksheet_set_column(fx->ws, k, k, 16, fx->text);
			put_cell(fx, k++, cell, len);
			continue;
		}
		fixup_field(&fx->line, cell, len, fx->delim);
		buf_ch(&fx->line, fx->delim);
	}
	if (fx->wb != NULL) {
		worksheet_set_column(fx->ws, k, k, 60, fx->text);
		put_cell(fx, k, FIXUP_ERROR_COLUMN,
		    strlen(FIXUP_ERROR_COLUMN));
		fx->row++;
		return fx;
	}
	buf_add(&fx->line, FIXUP_ERROR_COLUMN, strlen(FIXUP_ERROR_COLUMN));
	end_line(fx);
	return fx;
fail:
	fixup_abort(fx);
	return NULL;
}

/* Why the row needs a person, in one cell. */
static void
error_text(struct buf *b, const struct store_report_row *r)
{
	size_t	i, n;

	b->len = 0;
	buf_add(b, "", 0);
	switch (r->state) {
	case OUTCOME_INVALID:
		/* As the terminal said it: the hint ("did you mean
		 * 02134?") is what the person fixing the row needs. */
		for (i = 0; i < r->nproblems; i++) {
			buf_addf(b, "%s%s%s%s: %s", i > 0 ? "; " : "",
			    r->problems[i].column != NULL ?
			    r->problems[i].column : "",
			    r->problems[i].column != NULL ? ": " : "",
			    r->problems[i].rule, r->problems[i].message);
			if (r->problems[i].hint != NULL &&
			    *r->problems[i].hint != '\0')
				buf_addf(b, " (%s)", r->problems[i].hint);
		}
		if (r->nproblems == 0)
			buf_addf(b, "invalid");
		break;
	case OUTCOME_FAILED:
		if (r->http_status != 0)
			buf_addf(b, "failed: HTTP %d", r->http_status);
		else
			buf_addf(b, "failed: no response");
		if (r->error_code != NULL)
			buf_addf(b, " %s", r->error_code);
		/* The cells the service named, as a validation problem:
		 * which to fix, and why; else the service's message. */
		for (i = 0, n = 0; i < r->nproblems; i++) {
			if (strcmp(r->problems[i].rule,
			    STORE_RULE_REFUSED) != 0)
				continue;
			buf_addf(b, "%s%s%s%s: %s", n++ > 0 ? "; " : ": ",
			    r->problems[i].column != NULL ?
			    r->problems[i].column : "",
			    r->problems[i].column != NULL ? ": " : "",
			    r->problems[i].rule, r->problems[i].message);
			if (r->problems[i].hint != NULL &&
			    *r->problems[i].hint != '\0')
				buf_addf(b, " (%s)", r->problems[i].hint);
		}
		if (n == 0 && r->message != NULL)
			buf_addf(b, ": %s", r->message);
		break;
	case OUTCOME_CONFLICT:
		buf_addf(b, "conflict: changed by someone else since check");
		for (i = 0; i < r->nconflicts; i++)
			buf_addf(b, "%s %s was '%s', is now '%s'",
			    i > 0 ? ";" : ":", colmap_name(r->conflicts[i].col),
			    r->conflicts[i].at_check != NULL ?
			    r->conflicts[i].at_check : "",
			    r->conflicts[i].now != NULL ?
			    r->conflicts[i].now : "");
		break;
	default:
		buf_addf(b, "not_found: no customer with this ID");
		if (r->message != NULL)
			buf_addf(b, ": %s", r->message);
		break;
	}
}

int
fixup_add_row(struct fixup *fx, const struct store_report_row *r,
    struct imp_err *err)
{
	const char	*cell;
	size_t		 i, n, len, x = 0;
	int		 col;

	(void)err;
	n = r->raw != NULL ? cellpack_unpack_count(r->raw, r->rawlen) : fx->ncols;
	if (n > fx->capcells) {
		fx->capcells = n + 16;
		fx->cells = xreallocarray(fx->cells, fx->capcells,
		    sizeof *fx->cells);
		fx->lens = xreallocarray(fx->lens, fx->capcells,
		    sizeof *fx->lens);
	}
	for (i = 0; i < n; i++) {
		cell = "";
		len = 0;
		if (r->raw != NULL) {
			if (cellpack_unpack(r->raw, r->rawlen, i, &cell,
			    &len) == -1) {
				cell = "";
				len = 0;
			}
		} else if ((col = fx->map[i]) >= 0) {
			if (r->norm[col] == NULL)
				;
			else if (*r->norm[col] == '\0') {
				cell = fx->clear;
				len = strlen(cell);
			} else {
				cell = r->norm[col];
				len = strlen(cell);
			}
		} else if (col == COLMAP_EXTRA) {
			if (cellpack_unpack(r->extra, r->extralen, x++, &cell,
			    &len) == -1) {
				cell = "";
				len = 0;
			}
		}
		fx->cells[i] = cell;
		fx->lens[i] = len;
	}
	if (fx->wb != NULL) {
		lxw_col_t	k = 0;

		for (i = 0; i < n || i < fx->ncols; i++) {
			if (i < fx->ncols && fx->own[i])
				continue;
			if (i < n)
				put_cell(fx, k, fx->cells[i], fx->lens[i]);
			k++;
		}
		error_text(&fx->err, r);
		put_cell(fx, k, fx->err.s, fx->err.len);
		fx->row++;
		fx->rows++;
		return 0;
	}
	/* A short record gets empty cells, so `error` stays in its column. */
	for (i = 0; i < n || i < fx->ncols; i++) {
		if (i < fx->ncols && fx->own[i])
			continue;
		if (i < n)
			fixup_field(&fx->line, fx->cells[i], fx->lens[i],
			    fx->delim);
		buf_ch(&fx->line, fx->delim);
	}
	error_text(&fx->err, r);
	fixup_field(&fx->line, fx->err.s, fx->err.len, fx->delim);
	end_line(fx);
	fx->rows++;
	return 0;
}

int64_t
fixup_rows(const struct fixup *fx)
{
	return fx->rows;
}

static void
fixup_free(struct fixup *fx)
{
	if (fx->cd != (iconv_t)-1)
		iconv_close(fx->cd);
	buf_free(&fx->line);
	buf_free(&fx->err);
	free(fx->cells);
	free(fx->lens);
	free(fx->map);
	free(fx->own);
	free(fx->path);
	free(fx->tmp);
	free(fx);
}

int
fixup_close(struct fixup *fx, struct imp_err *err)
{
	int	rc = 0;

	if (fx->wb != NULL) {
		if (workbook_close(fx->wb) != LXW_NO_ERROR)
			fx->failed = 1;
		fx->wb = NULL;
	} else {
		if (fflush(fx->fp) != 0 || ferror(fx->fp))
			fx->failed = 1;
		if (fclose(fx->fp) != 0)
			fx->failed = 1;
		fx->fp = NULL;
	}
	if (fx->failed) {
		rc = imp_errf(err, IMP_EXIT_SOFTWARE, "%s: write failed: %s",
		    fx->tmp, strerror(errno));
		unlink(fx->tmp);
	} else if (rename(fx->tmp, fx->path) == -1) {
		rc = imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", fx->path,
		    strerror(errno));
		unlink(fx->tmp);
	}
	fixup_free(fx);
	return rc;
}

void
fixup_abort(struct fixup *fx)
{
	if (fx == NULL)
		return;
	if (fx->wb != NULL) {
		workbook_close(fx->wb);
		unlink(fx->tmp);
	} else if (fx->fp != NULL) {
		fclose(fx->fp);
		unlink(fx->tmp);
	}
	fixup_free(fx);
}
