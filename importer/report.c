/*
 * report.c: the XLSX result report. Constant-memory mode: every sheet is
 * written strictly row by row, so each sheet's columns, frozen header and
 * autofilter are set before its first row, from counts read beforehand.
 * Every data cell is written with worksheet_write_string (never a formula
 * from data), after a check that it is valid UTF-8 within Excel's limit.
 */
#include "config.h"

#include "report.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <xlsxwriter.h>

#include "charset.h"
#include "cellpack.h"
#include "colmap.h"
#include "norm.h"
#include "plan.h"
#include "xmalloc.h"

/* The sheets besides the Summary, in workbook order. */
enum report_group {
	G_ALL,
	G_CHANGES,
	G_FAILED,
	G_CONFLICT,
	G_NOTFOUND,
	G_INVALID,
	G_UNCHANGED,
	G_DUP,
	G_PENDING,
	G_COUNT
};

#define MAXCOLS		16	/* of the fixed columns of a sheet */
#define REPORT_STR_MAX	32767	/* characters in a cell (Excel) */

enum colkind { K_TEXT, K_ID, K_NUM, K_AFTER };

/*
 * A column's width: its own (0), or from the widest value of a kind
 * (enum store_width + 1), or All rows' message (a problem's column and
 * message, or an outcome's message). Capped, so one long value does not
 * push the rest off the page.
 */
#define BY(w)		(STORE_W_##w + 1)
#define BY_ALLMSG	(STORE_NWIDTH + 1)
#define WIDTH_MIN	8
#define WIDTH_MAX	60

struct colspec {
	const char	*name;
	double		 width;
	enum colkind	 kind;
	int		 by;
};

struct groupspec {
	const char		*name;
	struct colspec		 cols[MAXCOLS];
};

static const struct groupspec report_groups[G_COUNT] = {
	{ "All rows", {
	    { "Row", 8, K_NUM, 0 }, { "Customer ID", 38, K_ID, 0 },
	    { "Company", 30, K_TEXT, BY(COMPANY) },
	    { "Outcome", 12, K_TEXT, 0 },
	    { "Changed fields", 30, K_TEXT, 0 },
	    { "Message", 60, K_TEXT, BY_ALLMSG },
	    { "Request ID", 38, K_ID, 0 }, { "Attempts", 9, K_NUM, 0 } } },
	{ "Changes", {
	    { "Row", 8, K_NUM, 0 }, { "Customer ID", 38, K_ID, 0 },
	    { "Company", 30, K_TEXT, BY(COMPANY) }, { "Field", 16, K_TEXT, 0 },
	    { "Before", 30, K_ID, BY(OLD) }, { "After", 30, K_AFTER, BY(NEW) },
	    { "Outcome", 12, K_TEXT, 0 }, { "Note", 50, K_TEXT, 0 } } },
	{ "Failed", {
	    { "Row", 8, K_NUM, 0 }, { "Customer ID", 38, K_ID, 0 },
	    { "Company", 30, K_TEXT, BY(COMPANY) },
	    { "HTTP status", 11, K_NUM, 0 },
	    { "Error code", 18, K_ID, BY(CODE) },
	    { "Description", 50, K_TEXT, BY(MESSAGE) },
	    { "MS-RequestId", 38, K_ID, 0 },
	    { "MS-CorrelationId", 38, K_ID, 0 },
	    { "Attempts", 9, K_NUM, 0 }, { "Hint", 50, K_TEXT, 0 },
	    { "Column", 18, K_TEXT, BY(PCOL) },
	    { "Cells to fix", 60, K_TEXT, 0 } } },
	{ "Conflicts", {
	    { "Row", 8, K_NUM, 0 }, { "Customer ID", 38, K_ID, 0 },
	    { "Company", 30, K_TEXT, BY(COMPANY) }, { "Field", 16, K_TEXT, 0 },
	    { "Value at check", 26, K_ID, BY(CONFLICT) },
	    { "Value now", 26, K_ID, BY(CONFLICT) },
	    { "Value wanted", 26, K_AFTER, BY(CONFLICT) },
	    { "HTTP status", 11, K_NUM, 0 },
	    { "Error code", 18, K_ID, BY(CODE) },
	    { "Description", 40, K_TEXT, BY(MESSAGE) },
	    { "MS-RequestId", 38, K_ID, 0 },
	    { "MS-CorrelationId", 38, K_ID, 0 },
	    { "Hint", 50, K_TEXT, 0 } } },
	{ "Not found", {
	    { "Row", 8, K_NUM, 0 }, { "Customer ID", 38, K_ID, 0 },
	    { "Company", 30, K_TEXT, BY(COMPANY) },
	    { "HTTP status", 11, K_NUM, 0 },
	    { "Error code", 18, K_ID, BY(CODE) },
	    { "Description", 40, K_TEXT, BY(MESSAGE) },
	    { "MS-RequestId", 38, K_ID, 0 },
	    { "MS-CorrelationId", 38, K_ID, 0 },
	    { "Hint", 50, K_TEXT, 0 } } },
	{ "Invalid", {
	    { "Row", 8, K_NUM, 0 }, { "Customer ID", 38, K_ID, 0 },
	    { "Column", 18, K_TEXT, BY(PCOL) },
	    { "Value", 30, K_ID, BY(PVALUE) }, { "Rule", 18, K_TEXT, 0 },
	    { "Message", 50, K_TEXT, BY(PMESSAGE) },
	    { "Hint", 50, K_TEXT, BY(PHINT) } } },
	{ "Unchanged", {
	    { "Row", 8, K_NUM, 0 }, { "Customer ID", 38, K_ID, 0 },
	    { "Company", 30, K_TEXT, BY(COMPANY) },
	    { "Message", 50, K_TEXT, BY(MESSAGE) } } },
	{ "Duplicates", {
	    { "Row", 8, K_NUM, 0 }, { "Customer ID", 38, K_ID, 0 },
	    { "Company", 30, K_TEXT, BY(COMPANY) },
	    { "Same as row", 12, K_NUM, 0 } } },
	{ "Pending", {
	    { "Row", 8, K_NUM, 0 }, { "Customer ID", 38, K_ID, 0 },
	    { "Company", 30, K_TEXT, BY(COMPANY) }, { "State", 12, K_TEXT, 0 },
	    { "Changed fields", 30, K_TEXT, 0 }, { "Hint", 50, K_TEXT, 0 } } },
};

/* The outcome each of the Summary's lines counts (sending: pending). */
static const enum outcome report_outcomes[REPORT_NOUTCOMES] = {
	OUTCOME_APPLIED, OUTCOME_UNCHANGED, OUTCOME_DUPLICATE, OUTCOME_FAILED,
	OUTCOME_CONFLICT, OUTCOME_NOT_FOUND, OUTCOME_INVALID, OUTCOME_PENDING
};

struct group {
	int			 ncols;		/* with the extra columns */
	double			 width[MAXCOLS];	/* of the fixed ones */
	int64_t			 expected;	/* lines, from the counts */
	lxw_worksheet		**sheets;
	int			 nsheets;
	int			 cur;		/* sheet being written */
	lxw_row_t		 row;		/* next row in it */
	int64_t			 lines;
};

struct report {
	lxw_workbook			*wb;
	lxw_worksheet			*summary;
	lxw_format			*f_head, *f_text, *f_after, *f_date;
	lxw_format			*f_title, *f_bold, *f_bad, *f_good;
	lxw_format			*f_pct, *f_count;
	char				*path;
	char				*fixup_path;
	char				 version[64];
	const struct store_report_run	*rr;
	int64_t				 sheet_rows;
	struct group			 g[G_COUNT];
	/* the input's unknown columns: header names and count */
	char				**extra_names;
	int				 nextra;
	/* the company's input column (-1: none): an invalid row's
	 * company, which has no value, is its cell as written */
	long				 company_input;
	int64_t				 counts[REPORT_NOUTCOMES];
	lxw_error			 lxerr;		/* the first error */
	char				*tmp;		/* sanitized strings */
	size_t				 tmpcap;
	char				*cell;		/* a packed cell */
	size_t				 cellcap;
	char				 buf[1024];
	int				 nsheets;
};

const char *
report_outcome_name(enum report_outcome o)
{
	return o < REPORT_NOUTCOMES ? outcome_name(report_outcomes[o]) : "?";
}

static void
note(struct report *rep, lxw_error e)
{
	if (e != LXW_NO_ERROR && rep->lxerr == LXW_NO_ERROR)
		rep->lxerr = e;
}

/*
 * Returns s as libxlsxwriter may take it: valid UTF-8 (a bad byte becomes
 * U+FFFD) of at most 32,767 characters (longer text is cut, marked with
 * an ellipsis). Usually s itself; else a buffer valid until the next call.
 */
static const char *
safe_text(struct report *rep, const char *s, size_t len)
{
	struct charset_utf8	 u;
	size_t			 i, bad, o = 0, chars = 0;
	int			 ascii = 1;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii && len <= REPORT_STR_MAX)
		return s;
	if (!ascii) {
		memset(&u, 0, sizeof u);
		bad = charset_utf8_check(&u, (const unsigned char *)s, len);
		if (bad == len && !charset_utf8_open(&u) &&
		    norm_length(s, len) <= REPORT_STR_MAX)
			return s;
	}
	if (rep->tmpcap < len * 3 + 8) {
		rep->tmpcap = len * 3 + 8;
		rep->tmp = xreallocarray(rep->tmp, rep->tmpcap, 1);
	}
	for (i = 0; i < len && chars < REPORT_STR_MAX - 1; chars++) {
		unsigned char	c = s[i];
		size_t		k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ?
				    3 : c >= 0xc0 ? 2 : 0;

		memset(&u, 0, sizeof u);
		if (k == 0 || i + k > len || charset_utf8_check(&u,
		    (const unsigned char *)s + i, k) != k ||
		    charset_utf8_open(&u)) {
			memcpy(rep->tmp + o, "\357\277\275", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(rep->tmp + o, s + i, k);
		o += k;
		i += k;
	}
	if (i < len) {
		memcpy(rep->tmp + o, "\342\200\246", 3);	/* ... */
		o += 3;
	}
	rep->tmp[o] = '\0';
	return rep->tmp;
}

/* Writes a data cell as text (nothing for NULL or ""). */
static void
put(struct report *rep, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    const char *s, lxw_format *f)
{
	if (s == NULL || *s == '\0')
		return;
	note(rep, worksheet_write_string(ws, r, c, safe_text(rep, s,
	    strlen(s)), f));
}

static void
put_len(struct report *rep, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    const char *s, size_t len, lxw_format *f)
{
	if (s == NULL || len == 0)
		return;
	/* A packed cell is not NUL-terminated: copy it. */
	if (rep->cellcap < len + 1) {
		rep->cellcap = len + 64;
		rep->cell = xreallocarray(rep->cell, rep->cellcap, 1);
	}
	memcpy(rep->cell, s, len);
	rep->cell[len] = '\0';
	note(rep, worksheet_write_string(ws, r, c, safe_text(rep, rep->cell,
	    len), f));
}

static void
put_num(struct report *rep, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    double v)
{
	note(rep, worksheet_write_number(ws, r, c, v, NULL));
}

static lxw_format *
col_format(struct report *rep, enum colkind k)
{
	switch (k) {
	case K_ID:
		return rep->f_text;
	case K_AFTER:
		return rep->f_after;
	default:
		return NULL;
	}
}

/*
 * Every sheet prints landscape, one page wide (as many pages long as it
 * takes), so no column lands on a page of its own.
 */
static void
print_setup(lxw_worksheet *ws)
{
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
}

/*
 * The width of group g's column c: its content's widest value (and its
 * header's, with room for the filter button), between WIDTH_MIN and
 * WIDTH_MAX; a column of fixed content keeps its own.
 */
static double
col_width(const struct colspec *cs, const struct store_report_sizes *sz)
{
	int64_t	w;

	if (cs->by == 0)
		return cs->width;
	if (cs->by == BY_ALLMSG) {
		w = sz->width[STORE_W_PCOL] + sz->width[STORE_W_PMESSAGE] +
		    12;		/* "column: message (+N more)" */
		if (w < sz->width[STORE_W_MESSAGE])
			w = sz->width[STORE_W_MESSAGE];
	} else
		w = sz->width[cs->by - 1];
	w += 2;
	if (w < (int64_t)strlen(cs->name) + 4)
		w = strlen(cs->name) + 4;
	if (w < WIDTH_MIN)
		w = WIDTH_MIN;
	return w > WIDTH_MAX ? WIDTH_MAX : w;
}

/* Sets up a new sheet of group g holding lines data rows. */
static lxw_worksheet *
add_sheet(struct report *rep, int g, int64_t lines)
{
	const struct groupspec	*gs = &report_groups[g];
	struct group		*gr = &rep->g[g];
	lxw_worksheet		*ws;
	char			 name[32];
	int			 c;

	if (gr->nsheets == 0)
		snprintf(name, sizeof name, "%s", gs->name);
	else
		snprintf(name, sizeof name, "%s (%d)", gs->name,
		    gr->nsheets + 1);
	ws = workbook_add_worksheet(rep->wb, name);
	if (ws == NULL) {
		note(rep, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return NULL;
	}
	rep->nsheets++;
	gr->sheets = xreallocarray(gr->sheets, gr->nsheets + 1,
	    sizeof *gr->sheets);
	gr->sheets[gr->nsheets++] = ws;
	for (c = 0; c < gr->ncols; c++) {
		const struct colspec	*cs = c < MAXCOLS &&
					    gs->cols[c].name != NULL ?
					    &gs->cols[c] : NULL;

		note(rep, worksheet_set_column(ws, c, c, cs != NULL ?
		    gr->width[c] : 18, cs != NULL ?
		    col_format(rep, cs->kind) : rep->f_text));
	}
	print_setup(ws);
	worksheet_freeze_panes(ws, 1, 0);
	note(rep, worksheet_repeat_rows(ws, 0, 0));
	if (lines > 0)
		note(rep, worksheet_autofilter(ws, 0, 0, lines, gr->ncols - 1));
	for (c = 0; c < gr->ncols; c++) {
		if (c < MAXCOLS && gs->cols[c].name != NULL)
			put(rep, ws, 0, c, gs->cols[c].name, rep->f_head);
		else
			put(rep, ws, 0, c, rep->extra_names[c -
			    (gr->ncols - rep->nextra)], rep->f_head);
	}
	return ws;
}

/* The sheet and row of group g's next line. */
static lxw_worksheet *
line_at(struct report *rep, int g, lxw_row_t *row)
{
	struct group	*gr = &rep->g[g];
	int64_t		 per = rep->sheet_rows - 1, left;

	if (gr->nsheets == 0 || gr->row > (lxw_row_t)per) {
		if (gr->nsheets > 0 && gr->cur + 1 < gr->nsheets)
			gr->cur++;
		else {
			/* More lines than counted: a sheet at the end. */
			left = gr->expected - gr->lines;
			if (add_sheet(rep, g, left > 0 ? (left < per ? left :
			    per) : 0) == NULL)
				return NULL;
			gr->cur = gr->nsheets - 1;
		}
		gr->row = 1;
	}
	*row = gr->row++;
	gr->lines++;
	return gr->sheets[gr->cur];
}

static void
make_formats(struct report *rep)
{
	lxw_workbook	*wb = rep->wb;

	rep->f_head = workbook_add_format(wb);
	format_set_bold(rep->f_head);
	format_set_bg_color(rep->f_head, 0xD9E1F2);
	format_set_bottom(rep->f_head, LXW_BORDER_THIN);
	rep->f_text = workbook_add_format(wb);
	format_set_num_format(rep->f_text, "@");
	rep->f_after = workbook_add_format(wb);
	format_set_num_format(rep->f_after, "@");
	format_set_bg_color(rep->f_after, 0xFFF2CC);
	format_set_bold(rep->f_after);
	rep->f_date = workbook_add_format(wb);
	format_set_num_format(rep->f_date, "yyyy-mm-dd hh:mm:ss");
	format_set_align(rep->f_date, LXW_ALIGN_LEFT);
	rep->f_title = workbook_add_format(wb);
	format_set_bold(rep->f_title);
	format_set_font_size(rep->f_title, 14);
	rep->f_bold = workbook_add_format(wb);
	format_set_bold(rep->f_bold);
	rep->f_bad = workbook_add_format(wb);
	format_set_bold(rep->f_bad);
	format_set_font_color(rep->f_bad, LXW_COLOR_WHITE);
	format_set_bg_color(rep->f_bad, LXW_COLOR_RED);
	rep->f_good = workbook_add_format(wb);
	format_set_font_color(rep->f_good, 0x006100);
	format_set_bg_color(rep->f_good, 0xC6EFCE);
	rep->f_pct = workbook_add_format(wb);
	format_set_num_format(rep->f_pct, "0.0%");
	/* A count right-aligned with room before the next column's text. */
	rep->f_count = workbook_add_format(wb);
	format_set_num_format(rep->f_count, "#,##0");
	format_set_align(rep->f_count, LXW_ALIGN_RIGHT);
	format_set_indent(rep->f_count, 1);
}

/* The unknown columns' header names, from the run's header and mapping. */
static void
read_extra_names(struct report *rep, const struct store_report_run *rr)
{
	json_t		*map;
	const char	*name, *cell;
	size_t		 i, n, len;

	map = json_loads(rr->mapping, 0, NULL);
	n = cellpack_unpack_count(rr->header, rr->headerlen);
	rep->extra_names = xcalloc(n + 1, sizeof *rep->extra_names);
	rep->company_input = -1;
	for (i = 0; i < n; i++) {
		name = json_string_value(json_array_get(map, i));
		if (name != NULL && strcmp(name, "company_name") == 0)
			rep->company_input = i;
		if (name == NULL || strcmp(name, "extra") != 0)
			continue;
		if (cellpack_unpack(rr->header, rr->headerlen, i, &cell,
		    &len) == -1)
			continue;
		rep->extra_names[rep->nextra++] = len > 0 ?
		    xstrndup(cell, len) : xasprintf("column %zu", i + 1);
	}
	json_decref(map);
}

struct report *
report_open(const struct report_opts *ro, const struct store_report_run *rr,
    const struct store_report_sizes *sz,
    const struct outcome_counts *oc, struct imp_err *err)
{
	lxw_workbook_options	 wo;
	lxw_doc_properties	 props;
	struct report		*rep;
	struct tm		 tm;
	const char		*stamp;
	int64_t			 per, left, n;
	int			 g, c;

	rep = xcalloc(1, sizeof *rep);
	rep->rr = rr;
	rep->path = xstrdup(ro->path);
	rep->fixup_path = ro->fixup_path != NULL ? xstrdup(ro->fixup_path) :
	    NULL;
	snprintf(rep->version, sizeof rep->version, "%s",
	    ro->version != NULL ? ro->version : "");
	rep->sheet_rows = ro->sheet_rows > 1 && ro->sheet_rows <=
	    REPORT_SHEET_ROWS ? ro->sheet_rows : REPORT_SHEET_ROWS;
	read_extra_names(rep, rr);

	memset(&wo, 0, sizeof wo);
	wo.constant_memory = LXW_TRUE;
	wo.use_zip64 = LXW_TRUE;
	rep->wb = workbook_new_opt(rep->path, &wo);
	if (rep->wb == NULL) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: cannot start the "
		    "workbook", rep->path);
		report_abort(rep);
		return NULL;
	}
	/* Reproducible: the file's date is the run's last step. */
	memset(&props, 0, sizeof props);
	props.title = "Import result report";
	props.author = "importer";
	stamp = rr->submitted_at[0] ? rr->submitted_at : rr->checked_at[0] ?
	    rr->checked_at : rr->staged_at;
	memset(&tm, 0, sizeof tm);
	if (strptime(stamp, "%Y-%m-%dT%H:%M:%SZ", &tm) != NULL)
		props.created = timegm(&tm);
	note(rep, workbook_set_properties(rep->wb, &props));
	make_formats(rep);
	rep->summary = workbook_add_worksheet(rep->wb, "Summary");
	rep->nsheets = 1;

	rep->g[G_ALL].expected = rr->rows;
	rep->g[G_CHANGES].expected = sz->changes;
	rep->g[G_FAILED].expected = oc->n[OUTCOME_FAILED];
	rep->g[G_CONFLICT].expected = sz->conflicts;
	rep->g[G_NOTFOUND].expected = oc->n[OUTCOME_NOT_FOUND];
	rep->g[G_INVALID].expected = sz->problems;
	rep->g[G_UNCHANGED].expected = oc->n[OUTCOME_UNCHANGED];
	rep->g[G_DUP].expected = oc->n[OUTCOME_DUPLICATE];
	rep->g[G_PENDING].expected = oc->n[OUTCOME_PENDING];
	per = rep->sheet_rows - 1;
	for (g = 0; g < G_COUNT; g++) {
		for (c = 0; c < MAXCOLS && report_groups[g].cols[c].name !=
		    NULL; c++)
			;
		rep->g[g].ncols = c + (g == G_ALL ? rep->nextra : 0);
		while (c-- > 0)
			rep->g[g].width[c] = col_width(&report_groups[g].cols[c],
			    sz);
		/* Every sheet of the group now, so the workbook's order
		 * is the groups' order. */
		for (left = rep->g[g].expected; left > 0; left -= n) {
			n = left < per ? left : per;
			if (add_sheet(rep, g, n) == NULL)
				break;
		}
		rep->g[g].cur = 0;
		rep->g[g].row = 1;
	}
	if (rep->lxerr != LXW_NO_ERROR) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", rep->path,
		    lxw_strerror(rep->lxerr));
		report_abort(rep);
		return NULL;
	}
	return rep;
}

/* "email, city" for a row's changes. */
static const char *
changed_fields(struct report *rep, const struct store_report_row *r)
{
	size_t	i, o = 0;
	int	n;

	rep->buf[0] = '\0';
	for (i = 0; i < r->nchanges && o < sizeof rep->buf; i++) {
		n = snprintf(rep->buf + o, sizeof rep->buf - o, "%s%s",
		    i > 0 ? ", " : "", colmap_name(r->changes[i].col));
		if (n < 0)
			break;
		o += n;
	}
	return rep->buf;
}

/*
 * The cells the service named when it refused the row (a 400's data[]),
 * in rep->buf: their columns ("State, ZIP"), or with each its value and
 * why. NULL when it named none.
 */
static const char *
refused_cells(struct report *rep, const struct store_report_row *r,
    int why)
{
	const struct store_report_problem	*p;
	size_t					 i, o = 0;
	int					 n;

	rep->buf[0] = '\0';
	for (i = 0; i < r->nproblems && o < sizeof rep->buf; i++) {
		p = &r->problems[i];
		if (strcmp(p->rule, STORE_RULE_REFUSED) != 0)
			continue;
		if (!why)
			n = snprintf(rep->buf + o, sizeof rep->buf - o, "%s%s",
			    o > 0 ? ", " : "", p->column != NULL ? p->column :
			    "");
		else
			n = snprintf(rep->buf + o, sizeof rep->buf - o,
			    "%s%s '%s': %s", o > 0 ? "; " : "", p->column !=
			    NULL ? p->column : "", p->value != NULL ?
			    p->value : "", p->message);
		if (n < 0)
			break;
		o += n;
	}
	norm_fit(rep->buf);	/* values cut whole */
	return o > 0 ? rep->buf : NULL;
}

static enum report_outcome
outcome_of(enum outcome state)
{
	int	i;

	for (i = 0; i < REPORT_NOUTCOMES; i++)
		if (report_outcomes[i] == state)
			return i;
	return REPORT_PENDING;		/* sending */
}

static const char *
hint_failed(int status)
{
	if (status == 0)
		return "no answer from the service: 'importer retry' sends "
		    "it again";
	if (status == 401 || status == 403)
		return "permission refused: check the account's role and "
		    "token, then 'importer retry'";
	if (status == 404)
		return "the customer or its billing profile was not found: "
		    "check the customer ID";
	if (status == 409 || status == 412)
		return "the account changed meanwhile: 'importer check' "
		    "again, then submit";
	if (status == 429 || status >= 500)
		return "the service was busy or failing: 'importer retry' "
		    "sends it again";
	return "the service refused the values: correct the row in the "
	    "fix-up CSV and stage it again";
}

static const char *
hint_pending(const struct store_report_row *r)
{
	if (!r->checked)
		return "not checked yet: 'importer check' compares it with "
		    "the account";
	if (r->state == OUTCOME_SENDING)
		return "sent, answer unknown: 'importer submit' re-reads the "
		    "account before sending again";
	if (r->review && r->message != NULL && *r->message != '\0')
		return r->message;	/* check's reason, said once */
	if (r->review)
		return "changes both the billing email and the address: "
		    "review, then submit with --allow-flagged";
	return "not sent yet: 'importer submit' sends it";
}

static const char *
outcome_message(struct report *rep, const struct store_report_row *r)
{
	if (r->state == OUTCOME_INVALID && r->nproblems > 0) {
		snprintf(rep->buf, sizeof rep->buf, "%s%s%s%s",
		    r->problems[0].column != NULL ? r->problems[0].column :
		    "", r->problems[0].column != NULL ? ": " : "",
		    r->problems[0].message, "");
		norm_fit(rep->buf);	/* a long header cut whole */
		if (r->nproblems > 1) {
			size_t	o = strlen(rep->buf);

			snprintf(rep->buf + o, sizeof rep->buf - o,
			    " (+%zu more)", r->nproblems - 1);
		}
		return rep->buf;
	}
	if (r->state == OUTCOME_DUPLICATE && r->dup_line > 0) {
		snprintf(rep->buf, sizeof rep->buf, "same as row %lu",
		    r->dup_line);
		return rep->buf;
	}
	/* A valid row's problems are warnings ("warning: ..."): shown
	 * after its outcome's message. */
	if (r->state != OUTCOME_INVALID && r->nproblems > 0) {
		snprintf(rep->buf, sizeof rep->buf, "%s%s%s%s%s",
		    r->message != NULL ? r->message : "",
		    r->message != NULL ? "; " : "",
		    r->problems[0].column != NULL ? r->problems[0].column :
		    "", r->problems[0].column != NULL ? ": " : "",
		    r->problems[0].message);
		if (r->nproblems > 1) {
			size_t	o = strlen(rep->buf);

			snprintf(rep->buf + o, sizeof rep->buf - o,
			    " (+%zu more)", r->nproblems - 1);
		}
		return rep->buf;
	}
	return r->message;
}

/* Line, Customer ID, Company: the first cells of most sheets. */
static lxw_worksheet *
start_line(struct report *rep, int g, const struct store_report_row *r,
    lxw_row_t *row, int company)
{
	lxw_worksheet	*ws;
	const char	*cell;
	size_t		 len;

	ws = line_at(rep, g, row);
	if (ws == NULL)
		return NULL;
	put_num(rep, ws, *row, 0, r->line);
	put(rep, ws, *row, 1, r->norm[COL_CUSTOMER_ID], rep->f_text);
	if (!company)
		return ws;
	if (r->company != NULL && *r->company != '\0')
		put(rep, ws, *row, 2, r->company, NULL);
	else if (r->raw != NULL && rep->company_input >= 0 &&
	    cellpack_unpack(r->raw, r->rawlen, rep->company_input, &cell,
	    &len) == 0)
		put_len(rep, ws, *row, 2, cell, len, NULL);	/* invalid */
	return ws;
}

/* HTTP status, error code, description, request and correlation ids. */
static void
put_service(struct report *rep, lxw_worksheet *ws, lxw_row_t row, int c,
    const struct store_report_row *r)
{
	if (r->http_status != 0)
		put_num(rep, ws, row, c, r->http_status);
	put(rep, ws, row, c + 1, r->error_code, rep->f_text);
	put(rep, ws, row, c + 2, r->message, NULL);
	put(rep, ws, row, c + 3, r->request_id, rep->f_text);
	put(rep, ws, row, c + 4, rep->rr->correlation_id, rep->f_text);
}

int
report_add_row(struct report *rep, const struct store_report_row *r,
    struct imp_err *err)
{
	lxw_worksheet		*ws;
	lxw_row_t		 row;
	enum report_outcome	 o;
	const char		*cell;
	size_t			 i, len;
	int			 base;

	o = outcome_of(r->state);
	rep->counts[o]++;

	/* All rows */
	if ((ws = start_line(rep, G_ALL, r, &row, 1)) == NULL)
		goto fail;
	put(rep, ws, row, 3, outcome_name(r->state), NULL);
	if (r->nchanges > 0)
		put(rep, ws, row, 4, changed_fields(rep, r), NULL);
	put(rep, ws, row, 5, outcome_message(rep, r), NULL);
	put(rep, ws, row, 6, r->request_id, rep->f_text);
	if (r->attempts > 0)
		put_num(rep, ws, row, 7, r->attempts);
	base = rep->g[G_ALL].ncols - rep->nextra;
	for (i = 0; r->extra != NULL && i < (size_t)rep->nextra; i++)
		if (cellpack_unpack(r->extra, r->extralen, i, &cell, &len) == 0)
			put_len(rep, ws, row, base + i, cell, len,
			    rep->f_text);

	/* Changes */
	for (i = 0; i < r->nchanges; i++) {
		if ((ws = start_line(rep, G_CHANGES, r, &row, 1)) == NULL)
			goto fail;
		put(rep, ws, row, 3, colmap_name(r->changes[i].col), NULL);
		put(rep, ws, row, 4, r->changes[i].old, rep->f_text);
		if (*r->changes[i].new == '\0')
			put(rep, ws, row, 5, "(cleared)", rep->f_after);
		else
			put(rep, ws, row, 5, r->changes[i].new, rep->f_after);
		put(rep, ws, row, 6, outcome_name(r->state), NULL);
		if (plan_field_note(r->changes[i].col) != NULL)
			put(rep, ws, row, 7,
			    plan_field_note(r->changes[i].col), NULL);
	}

	switch (o) {
	case REPORT_FAILED:
		if ((ws = start_line(rep, G_FAILED, r, &row, 1)) == NULL)
			goto fail;
		put_service(rep, ws, row, 3, r);
		if (r->attempts > 0)
			put_num(rep, ws, row, 8, r->attempts);
		put(rep, ws, row, 9, hint_failed(r->http_status), NULL);
		if (refused_cells(rep, r, 0) != NULL) {
			put(rep, ws, row, 10, rep->buf, NULL);
			put(rep, ws, row, 11, refused_cells(rep, r, 1), NULL);
		}
		break;
	case REPORT_CONFLICT:
		for (i = 0; i < r->nconflicts || i == 0; i++) {
			if ((ws = start_line(rep, G_CONFLICT, r, &row,
			    1)) == NULL)
				goto fail;
			if (i < r->nconflicts) {
				put(rep, ws, row, 3, colmap_name(
				    r->conflicts[i].col), NULL);
				put(rep, ws, row, 4, r->conflicts[i].at_check,
				    rep->f_text);
				put(rep, ws, row, 5, r->conflicts[i].now,
				    rep->f_text);
				put(rep, ws, row, 6, r->conflicts[i].wanted,
				    rep->f_after);
			}
			put_service(rep, ws, row, 7, r);
			put(rep, ws, row, 12, "someone changed the account "
			    "since check and it was not overwritten: decide "
			    "which value is right, then stage the row again",
			    NULL);
		}
		break;
	case REPORT_NOT_FOUND:
		if ((ws = start_line(rep, G_NOTFOUND, r, &row, 1)) == NULL)
			goto fail;
		put_service(rep, ws, row, 3, r);
		put(rep, ws, row, 8, "no customer with this tenant ID: check "
		    "the ID against Partner Center (Customers)", NULL);
		break;
	case REPORT_INVALID:
		for (i = 0; i < r->nproblems || i == 0; i++) {
			if ((ws = start_line(rep, G_INVALID, r, &row,
			    0)) == NULL)
				goto fail;
			if (i == r->nproblems)
				break;
			put(rep, ws, row, 2, r->problems[i].column, NULL);
			put(rep, ws, row, 3, r->problems[i].value,
			    rep->f_text);
			put(rep, ws, row, 4, r->problems[i].rule, NULL);
			put(rep, ws, row, 5, r->problems[i].message, NULL);
			put(rep, ws, row, 6, r->problems[i].hint, NULL);
		}
		break;
	case REPORT_UNCHANGED:
		if ((ws = start_line(rep, G_UNCHANGED, r, &row, 1)) == NULL)
			goto fail;
		put(rep, ws, row, 3, r->message, NULL);
		break;
	case REPORT_DUPLICATE:
		if ((ws = start_line(rep, G_DUP, r, &row, 1)) == NULL)
			goto fail;
		if (r->dup_line > 0)
			put_num(rep, ws, row, 3, r->dup_line);
		break;
	case REPORT_PENDING:
		if ((ws = start_line(rep, G_PENDING, r, &row, 1)) == NULL)
			goto fail;
		put(rep, ws, row, 3, outcome_name(r->state), NULL);
		if (r->nchanges > 0)
			put(rep, ws, row, 4, changed_fields(rep, r), NULL);
		put(rep, ws, row, 5, hint_pending(r), NULL);
		break;
	default:
		break;
	}
	if (rep->lxerr == LXW_NO_ERROR)
		return 0;
fail:
	return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: line %lu: %s", rep->path,
	    r->line, lxw_strerror(rep->lxerr != LXW_NO_ERROR ? rep->lxerr :
	    LXW_ERROR_MEMORY_MALLOC_FAILED));
}

/* The Summary, written top to bottom. */
struct summary {
	struct report	*rep;
	lxw_worksheet	*ws;
	lxw_row_t	 row;
	int		 kind;		/* repeat kind being listed */
};

static void
s_pair(struct summary *s, const char *label, const char *value)
{
	put(s->rep, s->ws, s->row, 0, label, s->rep->f_bold);
	put(s->rep, s->ws, s->row, 1, value, s->rep->f_text);
	s->row++;
}

/* Whether the service's activity log confirmed the run's writes, as
 * 'importer verify' last found. */
static int
s_verify(struct summary *s, struct store *st, int64_t run,
    struct imp_err *err)
{
	struct store_verify	vf;
	char			v[800];
	int			k;

	k = store_verify_get(st, run, &vf, err);
	if (k == -1)
		return -1;
	if (k == 0)
		snprintf(v, sizeof v, "not verified ('importer verify' matches "
		    "the writes with the service's activity log)");
	else if (vf.note[0] != '\0')
		snprintf(v, sizeof v, "%s (%s)", vf.note, vf.at);
	else
		snprintf(v, sizeof v, "%s: %lld of %lld applied rows matched, "
		    "%lld missing, %lld unexpected write%s (verified %s)",
		    vf.missing == 0 && vf.unexpected == 0 ? "confirmed" :
		    "NOT confirmed", (long long)vf.matched,
		    (long long)(vf.matched + vf.missing),
		    (long long)vf.missing, (long long)vf.unexpected,
		    vf.unexpected == 1 ? "" : "s", vf.at);
	s_pair(s, "Service's log", v);
	return 0;
}

static int
parse_stamp(const char *s, struct tm *tm)
{
	memset(tm, 0, sizeof *tm);
	return s != NULL && *s != '\0' &&
	    strptime(s, "%Y-%m-%dT%H:%M:%SZ", tm) != NULL ? 0 : -1;
}

/* A timestamp as a real date, or text when there is none. */
static void
s_date(struct summary *s, const char *label, const char *stamp,
    const char *none)
{
	struct tm	tm;
	lxw_datetime	dt;

	put(s->rep, s->ws, s->row, 0, label, s->rep->f_bold);
	if (parse_stamp(stamp, &tm) == 0) {
		dt.year = tm.tm_year + 1900;
		dt.month = tm.tm_mon + 1;
		dt.day = tm.tm_mday;
		dt.hour = tm.tm_hour;
		dt.min = tm.tm_min;
		dt.sec = tm.tm_sec;
		note(s->rep, worksheet_write_datetime(s->ws, s->row, 1, &dt,
		    s->rep->f_date));
	} else
		put(s->rep, s->ws, s->row, 1, none, NULL);
	s->row++;
}

/* A count on the Summary, set off from the next column's text. */
static void
s_count(struct summary *s, lxw_col_t c, int64_t n)
{
	note(s->rep, worksheet_write_number(s->ws, s->row, c, n,
	    s->rep->f_count));
}

static int
s_reason(const struct store_reason *re, void *arg)
{
	struct summary	*s = arg;

	put(s->rep, s->ws, s->row, 0, re->reason, NULL);
	s_count(s, 1, re->count);
	put(s->rep, s->ws, s->row, 2, re->example, NULL);
	put(s->rep, s->ws, s->row, 3, re->lines, NULL);
	s->row++;
	return 0;
}

static const char *const repeat_names[STORE_NREPEAT] = {
	"customers that failed again",
	"rows rejected again for the same reason",
	"flip-flops: a field set back to its value before an earlier change",
	"changes an earlier run already applied",
};

/* Repeats arrive grouped by kind; collected, then written in order. */
struct repeat_list {
	struct store_repeat_item	*items;
	char				**strs;
	size_t				 n;
};

static int
s_repeat(const struct store_repeat_item *it, void *arg)
{
	struct repeat_list	*rl = arg;

	rl->items = xreallocarray(rl->items, rl->n + 1, sizeof *rl->items);
	rl->strs = xreallocarray(rl->strs, 2 * (rl->n + 1),
	    sizeof *rl->strs);
	rl->items[rl->n] = *it;
	rl->strs[2 * rl->n] = xstrdup(it->customer_id);
	rl->strs[2 * rl->n + 1] = xstrdup(it->detail != NULL ? it->detail :
	    "");
	rl->n++;
	return 0;
}

static void
s_header(struct summary *s, const char *const *names, int n)
{
	int	c;

	for (c = 0; c < n; c++)
		put(s->rep, s->ws, s->row, c, names[c], s->rep->f_head);
	s->row++;
}

static int
write_summary(struct report *rep, struct store *st, int64_t fixup_rows,
    struct report_result *res, struct imp_err *err)
{
	static const char *const oh[] = { "Outcome", "Rows", "Share" };
	static const char *const rh[] = { "Reason", "Rows", "Example",
	    "Lines (first)" };
	static const char *const ph[] = { "Repeat", "Line", "Customer ID",
	    "Detail", "Earlier run" };
	const struct store_report_run	*rr = rep->rr;
	struct summary			 s;
	struct repeat_list		 rl;
	struct tm			 a, b;
	lxw_chart			*chart;
	lxw_chart_series		*series;
	lxw_chart_options		 co;
	lxw_row_t			 first;
	int64_t				 repeats[STORE_NREPEAT];
	char				 v[1400];
	double				 hours;
	size_t				 i;
	int				 k, rc = -1, snapshot;

	memset(&s, 0, sizeof s);
	memset(&rl, 0, sizeof rl);
	s.rep = rep;
	s.ws = rep->summary;
	note(rep, worksheet_set_column(s.ws, 0, 0, 40, NULL));
	note(rep, worksheet_set_column(s.ws, 1, 1, 44, NULL));
	note(rep, worksheet_set_column(s.ws, 2, 2, 50, NULL));
	note(rep, worksheet_set_column(s.ws, 3, 4, 24, NULL));
	print_setup(s.ws);

	snprintf(v, sizeof v, "Import result report: run %lld",
	    (long long)rr->id);
	put(rep, s.ws, s.row++, 0, v, rep->f_title);
	s.row++;
	s_pair(&s, "Input file", rr->file);
	put(rep, s.ws, s.row, 0, "Size (bytes)", rep->f_bold);
	put_num(rep, s.ws, s.row++, 1, rr->size);
	s_pair(&s, "SHA-256", rr->sha256);
	if (rr->sheet[0] != '\0')
		s_pair(&s, "Workbook sheet", rr->sheet);
	else {
		snprintf(v, sizeof v, "%s%s%s", rr->encoding, rr->bom ?
		    " with BOM" : "", rr->detected ? " (detected)" : "");
		s_pair(&s, "Encoding", v);
		if (rr->delimiter[0] == '\t')
			snprintf(v, sizeof v, "tab");
		else
			snprintf(v, sizeof v, "'%s'", rr->delimiter);
		s_pair(&s, "Delimiter", v);
	}
	s_pair(&s, "Profile", rr->has_profile ? rr->profile : "(none)");
	s_date(&s, "Staged (UTC)", rr->staged_at, "not staged");
	s_date(&s, "Checked (UTC)", rr->checked_at, "not checked yet");
	snapshot = rr->check_source[0] != '\0' &&
	    strncmp(rr->check_source, "http://", 7) != 0 &&
	    strncmp(rr->check_source, "https://", 8) != 0;
	if (rr->check_source[0] == '\0')
		s_pair(&s, "Checked against", "(not checked)");
	else {
		snprintf(v, sizeof v, "%s %s", snapshot ? "snapshot" :
		    "endpoint", rr->check_source);
		norm_fit(v);
		s_pair(&s, "Checked against", v);
	}
	if (snapshot) {
		s_date(&s, "Snapshot file time (UTC)", rr->snapshot_mtime,
		    "unknown");
		if (parse_stamp(rr->snapshot_mtime, &a) == 0 &&
		    parse_stamp(rr->checked_at, &b) == 0) {
			hours = difftime(timegm(&b), timegm(&a)) / 3600;
			if (hours < 48)
				snprintf(v, sizeof v, "%.1f hours old at check",
				    hours);
			else
				snprintf(v, sizeof v, "%.1f days old at check",
				    hours / 24);
			s_pair(&s, "Snapshot age", v);
		}
	}
	s_date(&s, "Submitted (UTC)", rr->submitted_at, "not submitted");
	s_pair(&s, "MS-CorrelationId", rr->correlation_id);
	if (s_verify(&s, st, rr->id, err) == -1)
		goto out;
	s_pair(&s, "Operator", rr->operator);
	/* Four eyes: who prepared the plan, who approved it as it stands. */
	s_pair(&s, "Preparer (ran check)", rr->preparer[0] != '\0' ?
	    rr->preparer : "not recorded");
	s_pair(&s, "Approved by", rr->approvers[0] != '\0' ? rr->approvers :
	    "no approval");
	s_pair(&s, "Plan hash (SHA-256)", rr->plan_hash[0] != '\0' ?
	    rr->plan_hash : "not checked");
	if (strcmp(rr->version, rep->version) == 0 || rep->version[0] == '\0')
		snprintf(v, sizeof v, "%s", rr->version);
	else
		snprintf(v, sizeof v, "%s (report by %s)", rr->version,
		    rep->version);
	s_pair(&s, "Importer version", v);
	if (fixup_rows >= 0 && rep->fixup_path != NULL) {
		snprintf(v, sizeof v, "%s (%lld row%s)", rep->fixup_path,
		    (long long)fixup_rows, fixup_rows == 1 ? "" : "s");
		norm_fit(v);
		s_pair(&s, "Fix-up CSV", v);
	}
	s.row++;

	/* Outcomes, the reconciliation, and their chart. */
	s_header(&s, oh, 3);
	first = s.row;
	res->sum = 0;
	for (k = 0; k < REPORT_NOUTCOMES; k++)
		res->sum += rep->counts[k];
	for (k = 0; k < REPORT_NOUTCOMES; k++) {
		put(rep, s.ws, s.row, 0, report_outcome_name(k), NULL);
		s_count(&s, 1, rep->counts[k]);
		if (res->sum > 0)
			note(rep, worksheet_write_number(s.ws, s.row, 2,
			    (double)rep->counts[k] / res->sum, rep->f_pct));
		s.row++;
	}
	put(rep, s.ws, s.row, 0, "Sum of outcomes", rep->f_bold);
	s_count(&s, 1, res->sum);
	s.row++;
	put(rep, s.ws, s.row, 0, "Rows in", rep->f_bold);
	s_count(&s, 1, rr->rows);
	s.row++;
	res->rows_in = rr->rows;
	put(rep, s.ws, s.row, 0, "Reconciliation", rep->f_bold);
	if (res->sum == rr->rows)
		snprintf(v, sizeof v, "OK: rows in = sum of outcomes "
		    "(%lld = %lld)", (long long)rr->rows,
		    (long long)res->sum);
	else
		snprintf(v, sizeof v, "MISMATCH: rows in = sum of outcomes "
		    "does not hold (%lld rows in, %lld in outcomes): do not "
		    "rely on this report", (long long)rr->rows,
		    (long long)res->sum);
	put(rep, s.ws, s.row++, 1, v, res->sum == rr->rows ? rep->f_good :
	    rep->f_bad);
	if (rr->blank > 0) {
		snprintf(v, sizeof v, "%lld blank record%s skipped, not "
		    "rows", (long long)rr->blank, rr->blank == 1 ? "" : "s");
		s_pair(&s, "Blank records", v);
	}

	/* Columns, so the categories read left to right in the table's
	 * order (a bar chart lists them bottom up); beside the table, on
	 * the first page. */
	chart = workbook_add_chart(rep->wb, LXW_CHART_COLUMN);
	if (chart != NULL) {
		series = chart_add_series(chart, NULL, NULL);
		chart_series_set_categories(series, "Summary", first, 0,
		    first + REPORT_NOUTCOMES - 1, 0);
		chart_series_set_values(series, "Summary", first, 1,
		    first + REPORT_NOUTCOMES - 1, 1);
		chart_series_set_name(series, "Rows");
		chart_title_set_name(chart, "Outcomes");
		chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
		memset(&co, 0, sizeof co);
		co.x_offset = 8;
		co.x_scale = 0.7;
		co.y_scale = 0.9;
		note(rep, worksheet_insert_chart_opt(s.ws, first - 1, 3, chart,
		    &co));
	}
	s.row++;

	/* Top reasons. */
	put(rep, s.ws, s.row++, 0, "Top reasons for invalid rows",
	    rep->f_bold);
	s_header(&s, rh, 4);
	if (store_report_reasons(st, rr, 0, 10, s_reason, &s, err) == -1)
		goto out;
	if (rep->counts[REPORT_INVALID] == 0)
		put(rep, s.ws, s.row++, 0, "(no invalid rows)", NULL);
	s.row++;
	put(rep, s.ws, s.row++, 0, "Top reasons for failed rows",
	    rep->f_bold);
	s_header(&s, rh, 4);
	if (store_report_reasons(st, rr, 1, 10, s_reason, &s, err) == -1)
		goto out;
	if (rep->counts[REPORT_FAILED] == 0)
		put(rep, s.ws, s.row++, 0, "(no failed rows)", NULL);
	s.row++;

	/* The comparison with earlier runs of the profile. */
	if (store_report_repeats(st, rr, 20, repeats, s_repeat, &rl,
	    err) == -1)
		goto out;
	if (rr->prev != 0)
		snprintf(v, sizeof v, "Compared with run %lld, the previous "
		    "run of the same profile", (long long)rr->prev);
	else
		snprintf(v, sizeof v, "Compared with earlier runs: none of "
		    "the same profile");
	put(rep, s.ws, s.row++, 0, v, rep->f_bold);
	for (k = 0; k < STORE_NREPEAT; k++) {
		put(rep, s.ws, s.row, 0, repeat_names[k], NULL);
		s_count(&s, 1, repeats[k]);
		s.row++;
	}
	if (rl.n > 0) {
		s.row++;
		s_header(&s, ph, 5);
		for (i = 0; i < rl.n; i++) {
			put(rep, s.ws, s.row, 0,
			    repeat_names[rl.items[i].kind], NULL);
			s_count(&s, 1, rl.items[i].line);
			put(rep, s.ws, s.row, 2, rl.strs[2 * i], rep->f_text);
			put(rep, s.ws, s.row, 3, rl.strs[2 * i + 1], NULL);
			put_num(rep, s.ws, s.row++, 4,
			    rl.items[i].earlier_run);
		}
	}
	memcpy(res->counts, rep->counts, sizeof res->counts);
	rc = 0;
out:
	for (i = 0; i < 2 * rl.n; i++)
		free(rl.strs[i]);
	free(rl.strs);
	free(rl.items);
	return rc;
}

static void
report_free(struct report *rep)
{
	int	i;

	for (i = 0; i < G_COUNT; i++)
		free(rep->g[i].sheets);
	for (i = 0; i < rep->nextra; i++)
		free(rep->extra_names[i]);
	free(rep->extra_names);
	free(rep->tmp);
	free(rep->cell);
	free(rep->path);
	free(rep->fixup_path);
	free(rep);
}

int
report_close(struct report *rep, struct store *st, int64_t fixup_rows,
    struct report_result *res, struct imp_err *err)
{
	lxw_error	e;
	mode_t		mask;

	memset(res, 0, sizeof *res);
	if (write_summary(rep, st, fixup_rows, res, err) == -1) {
		report_abort(rep);
		return -1;
	}
	res->sheets = rep->nsheets;
	if (rep->lxerr != LXW_NO_ERROR) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", rep->path,
		    lxw_strerror(rep->lxerr));
		report_abort(rep);
		return -1;
	}
	/* libxlsxwriter creates the file at close: personal data, so 0600
	 * like the database, and a file written before keeps no other mode. */
	mask = umask(077);
	e = workbook_close(rep->wb);
	umask(mask);
	rep->wb = NULL;
	if (e == LXW_NO_ERROR && chmod(rep->path, 0600) == -1)
		e = LXW_ERROR_CREATING_XLSX_FILE;
	if (e != LXW_NO_ERROR) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", rep->path,
		    lxw_strerror(e));
		unlink(rep->path);
		report_free(rep);
		return -1;
	}
	report_free(rep);
	return 0;
}

void
report_abort(struct report *rep)
{
	if (rep == NULL)
		return;
	if (rep->wb != NULL)
		lxw_workbook_free(rep->wb);
	unlink(rep->path);
	report_free(rep);
}
