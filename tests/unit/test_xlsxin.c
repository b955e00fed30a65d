/*
 * test_xlsxin.c: xlsxin.h on workbooks this test writes itself (libzip,
 * the XML parts as strings): every record's fields, rows, index and
 * flags; strings, values, number formats, sheets, warnings; the damaged
 * files, the refusals and the limits (a zip bomb among them), each with
 * its exit code and a message naming the file.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>
#include <zlib.h>

#include "xlsxin.h"
#include "xmalloc.h"
#include "../tap.h"

#define NS_MAIN	"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_R	"http://schemas.openxmlformats.org/officeDocument/2006/" \
		"relationships"
#define NS_PKG	"http://schemas.openxmlformats.org/package/2006/relationships"
#define REL	NS_R "/"

/* A worksheet around rows (and what goes before and after sheetData). */
#define SHEET2(before, rows, after)					\
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"	\
	"<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\">"	\
	before "<sheetData>" rows "</sheetData>" after "</worksheet>"
#define SHEET(rows)	SHEET2("", rows, "")
#define SST(si)		"<sst xmlns=\"" NS_MAIN "\">" si "</sst>"
/* An inline string cell. */
#define IS(ref, text)	"<c r=\"" ref "\" t=\"inlineStr\"><is><t>" text \
			"</t></is></c>"
#define WORKBOOK(pr, sheets)						\
	"<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\">" pr	\
	"<sheets>" sheets "</sheets></workbook>"
#define RELS(x)		"<Relationships xmlns=\"" NS_PKG "\">" x \
			"</Relationships>"
#define RELN(id, type, target)						\
	"<Relationship Id=\"" id "\" Type=\"" REL type "\" Target=\""	\
	target "\"/>"

#define MAXREC	40	/* records kept */
#define E7	"\xc3\xa9"	/* two bytes of UTF-8 */

struct part {
	const char	*name;
	const char	*text;		/* NULL: leave the default part out */
	size_t		 len;		/* 0: strlen(text) */
};

/* The parts of a one-sheet workbook; a test replaces some by name. */
static const struct part defaults[] = {
	{ "[Content_Types].xml",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	  "content-types\"><Default Extension=\"rels\" ContentType=\""
	  "application/vnd.openxmlformats-package.relationships+xml\"/>"
	  "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	  "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
	  "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
	  "</Types>", 0 },
	{ "_rels/.rels",
	  RELS(RELN("rId1", "officeDocument", "xl/workbook.xml")), 0 },
	{ "xl/workbook.xml",
	  WORKBOOK("<workbookPr/>",
	  "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"), 0 },
	{ "xl/_rels/workbook.xml.rels",
	  RELS(RELN("rId1", "worksheet", "worksheets/sheet1.xml")
	  RELN("rId2", "styles", "styles.xml")
	  RELN("rId3", "sharedStrings", "sharedStrings.xml")), 0 },
	/*
	 * cellXfs by index: 0 General, 1 "00000", 2 id 5 (a locale's
	 * currency), 3 "@", 4 id 42 (a locale's accounting), 5 "0",
	 * 6 "0000000000", 7 "000-0000", 8 "0.00", 9 id 14 (a date),
	 * 10 id 2 (built-in "0.00"), 11 "yyyy-mm-dd". The cellStyleXfs
	 * before them must not shift the indexes.
	 */
	{ "xl/styles.xml",
	  "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"5\">"
	  "<numFmt numFmtId=\"164\" formatCode=\"00000\"/>"
	  "<numFmt numFmtId=\"165\" formatCode=\"0000000000\"/>"
	  "<numFmt numFmtId=\"166\" formatCode=\"000-0000\"/>"
	  "<numFmt numFmtId=\"167\" formatCode=\"0.00\"/>"
	  "<numFmt numFmtId=\"168\" formatCode=\"yyyy-mm-dd\"/></numFmts>"
	  "<cellStyleXfs count=\"1\"><xf numFmtId=\"164\"/></cellStyleXfs>"
	  "<cellXfs count=\"12\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
	  "<xf numFmtId=\"5\"/><xf numFmtId=\"49\"/><xf numFmtId=\"42\"/>"
	  "<xf numFmtId=\"1\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/>"
	  "<xf numFmtId=\"167\"/><xf numFmtId=\"14\"/><xf numFmtId=\"2\"/>"
	  "<xf numFmtId=\"168\"/></cellXfs></styleSheet>", 0 },
	{ "xl/sharedStrings.xml", SST(""), 0 },
	{ "xl/worksheets/sheet1.xml", SHEET(""), 0 },
};
#define NDEFAULTS	(sizeof defaults / sizeof defaults[0])

/* What one file gave: its records copied out of the callback. */
struct result {
	int		 opened;
	int		 rc;		/* xlsxin_read's; -1 when not opened */
	struct imp_err	 err;
	size_t		 n;
	unsigned long	 row[MAXREC];
	size_t		 nf[MAXREC];
	char		*text[MAXREC];	/* fields joined with '|' */
	char		*flags[MAXREC];	/* "n", "nu", "e", "v" or "-", by ',' */
	int		 index_ok;	/* rec->index 0, 1, 2, ... */
	int		 rows_ok;	/* rec->row increasing */
	int		 nul_ok;	/* every field NUL-terminated at its len */
	size_t		 stop_at;	/* the callback fails here (0: never) */
	char		 sheet[128];
	size_t		 nwarn;
	char		 warn[2048];	/* the warnings, joined with '\n' */
	uint64_t	 size;
	char		 sha[65];
	double		 secs;		/* xlsxin_read's */
};

static char	tmpdir_path[1024];
static int	nbook;

/* --- writing workbooks --------------------------------------------------- */

/*
 * Writes a zip of the default parts, each replaced by the one in over of
 * the same name, and the other parts of over added; its path into path.
 * With base 0, the defaults are left out (a zip of over only).
 */
static int
zip_parts(char *path, size_t size, int base, const struct part *over,
    size_t nover)
{
	struct part	 all[64];
	zip_t		*za;
	zip_source_t	*src;
	size_t		 n = 0, i, k;
	int		 zerr;

	snprintf(path, size, "%s/book%d.xlsx", tmpdir_path, ++nbook);
	for (i = 0; base && i < NDEFAULTS; i++) {
		for (k = 0; k < nover; k++)
			if (strcmp(over[k].name, defaults[i].name) == 0)
				break;
		if (k == nover)
			all[n++] = defaults[i];
	}
	for (k = 0; k < nover && n < 64; k++)
		all[n++] = over[k];
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (za == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (all[i].text == NULL)
			continue;
		src = zip_source_buffer(za, all[i].text, all[i].len > 0 ?
		    all[i].len : strlen(all[i].text), 0);
		if (src == NULL || zip_file_add(za, all[i].name, src,
		    ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(src);
			zip_discard(za);
			return -1;
		}
	}
	return zip_close(za) == 0 ? 0 : -1;
}

static int
book(char *path, size_t size, const struct part *over, size_t nover)
{
	return zip_parts(path, size, 1, over, nover);
}

/* A workbook of the defaults with this sheet and these shared strings. */
static int
book_sheet(char *path, size_t size, const char *sheet, const char *sst)
{
	struct part	p[2];

	p[0].name = "xl/worksheets/sheet1.xml";
	p[0].text = sheet;
	p[0].len = 0;
	p[1].name = "xl/sharedStrings.xml";
	p[1].text = sst != NULL ? sst : SST("");
	p[1].len = 0;
	return book(path, size, p, 2);
}

/* --- reading them -------------------------------------------------------- */

static void
result_free(struct result *r)
{
	size_t	i;

	for (i = 0; i < MAXREC; i++) {
		free(r->text[i]);
		free(r->flags[i]);
	}
	memset(r, 0, sizeof *r);
}

static int
collect(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	struct result	*r = arg;
	size_t		 i, len = 0, o;
	unsigned char	 f;

	if (rec->index != r->n)
		r->index_ok = 0;
	if (r->n > 0 && r->n <= MAXREC && rec->row <= r->row[r->n - 1])
		r->rows_ok = 0;
	for (i = 0; i < rec->nfields; i++) {
		if (rec->fields[i][rec->lens[i]] != '\0' ||
		    strlen(rec->fields[i]) != rec->lens[i])
			r->nul_ok = 0;
		len += rec->lens[i] + 1;
	}
	if (rec->flags == NULL)
		r->nul_ok = 0;
	if (r->n < MAXREC) {
		r->row[r->n] = rec->row;
		r->nf[r->n] = rec->nfields;
		r->text[r->n] = xcalloc(len + 1, 1);
		r->flags[r->n] = xcalloc(rec->nfields * 5 + 1, 1);
		for (i = 0, o = 0; i < rec->nfields; i++) {
			if (i > 0)
				strcat(r->text[r->n], "|");
			strcat(r->text[r->n], rec->fields[i]);
			if (i > 0)
				r->flags[r->n][o++] = ',';
			f = rec->flags != NULL ? rec->flags[i] : 0;
			if (f & XLSXIN_NUMBER)
				r->flags[r->n][o++] = 'n';
			if (f & XLSXIN_UNSURE)
				r->flags[r->n][o++] = 'u';
			if (f & XLSXIN_ERROR)
				r->flags[r->n][o++] = 'e';
			if (f & XLSXIN_NOVALUE)
				r->flags[r->n][o++] = 'v';
			if (f == 0)
				r->flags[r->n][o++] = '-';
		}
	}
	r->n++;
	if (r->stop_at != 0 && r->n == r->stop_at)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "stopped by the callback");
	return 0;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Opens and reads path with opts (NULL: defaults) into r. */
static void
read_path(const char *path, const struct xlsxin_opts *opts,
    struct result *r)
{
	struct xlsxin	*in;
	size_t		 stop_at = r->stop_at, i;
	double		 t0;

	result_free(r);
	r->stop_at = stop_at;
	r->index_ok = r->rows_ok = r->nul_ok = 1;
	r->rc = -1;
	in = xlsxin_open(path, opts, &r->err);
	if (in != NULL) {
		r->opened = 1;
		snprintf(r->sheet, sizeof r->sheet, "%s", xlsxin_sheet(in));
		t0 = now();
		r->rc = xlsxin_read(in, collect, r, &r->err);
		r->secs = now() - t0;
		r->nwarn = xlsxin_nwarnings(in);
		for (i = 0; i < r->nwarn; i++)
			snprintf(r->warn + strlen(r->warn), sizeof r->warn -
			    strlen(r->warn), "%s%s", i > 0 ? "\n" : "",
			    xlsxin_warning(in, i));
		if (xlsxin_warning(in, r->nwarn) != NULL)
			r->nul_ok = 0;
		r->size = xlsxin_size(in);
		snprintf(r->sha, sizeof r->sha, "%s", xlsxin_sha256(in));
		xlsxin_close(in);
	}
}

/* Reads path with the sheet named, then removes it. */
static void
read_book(const char *path, const char *sheet, struct result *r)
{
	struct xlsxin_opts	opts;

	memset(&opts, 0, sizeof opts);
	opts.sheet = sheet;
	read_path(path, &opts, r);
}

/* Field k of record i (none holds '|'), in a static buffer. */
static const char *
field(const struct result *r, size_t i, size_t k)
{
	static char	 out[256];
	const char	*p;
	size_t		 n;

	if (i >= r->n || i >= MAXREC)
		return "(no such record)";
	for (p = r->text[i]; k > 0; k--)
		if ((p = strchr(p, '|')) == NULL)
			return "(no such field)";
		else
			p++;
	n = strcspn(p, "|");
	snprintf(out, sizeof out, "%.*s", (int)n, p);
	return out;
}

/* Checks record i: row, index (i itself), fields and flags. */
static void
rec_is(const struct result *r, size_t i, unsigned long row,
    const char *text, const char *flags, const char *what)
{
	if (i >= r->n || i >= MAXREC) {
		ok(0, "%s: record %zu read (only %zu)", what, i, r->n);
		return;
	}
	is_int(r->row[i], row, "%s: record %zu is row %lu", what, i, row);
	is_str(r->text[i], text, "%s: record %zu's fields", what, i);
	if (flags != NULL)
		is_str(r->flags[i], flags, "%s: record %zu's flags", what, i);
}

/* Checks that a read went through, with n records, all well formed. */
static void
read_ok(const struct result *r, size_t n, const char *what)
{
	if (!ok(r->opened && r->rc == 0, "%s: read", what))
		printf("# %s\n", r->err.msg);
	is_int(r->n, n, "%s: %zu records", what, n);
	ok(r->index_ok && r->rows_ok && r->nul_ok, "%s: indexes count up, "
	    "rows go forward, fields end in NUL at their lengths", what);
}

/* Checks a failure: its code, its message naming path and saying want. */
static void
fails(const struct result *r, const char *path, int code, const char *want,
    const char *what)
{
	ok(!r->opened || r->rc == -1, "%s: refused", what);
	is_int(r->err.code, code, "%s: exit code %d", what, code);
	if (!ok(strstr(r->err.msg, path) != NULL && strstr(r->err.msg, want) !=
	    NULL, "%s: the message names the file and says '%s'", what, want))
		printf("# got: %s\n", r->err.msg);
}

/* Nonzero if s is UTF-8 (no overlong forms or surrogates looked at). */
static int
is_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	int			 k;

	while (*p != '\0') {
		k = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
		    (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (k == -1)
			return 0;
		for (p++; k > 0; k--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* --- the tests ----------------------------------------------------------- */

static void
test_strings(void)
{
	struct result	r;
	char		path[1100];

	memset(&r, 0, sizeof r);
	book_sheet(path, sizeof path, SHEET(
	    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
	    "<c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
	    "</row>"
	    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c>"
	    "<c r=\"B2\" t=\"s\"><v>4</v></c>"
	    "<c r=\"C2\" t=\"inlineStr\"><is><r><t>in</t></r><r><rPr><b/>"
	    "</rPr><t>line</t></r><rPh sb=\"0\" eb=\"1\"><t>IN</t></rPh>"
	    "</is></c></row>"
	    "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>5</v></c>"
	    "<c r=\"B3\" t=\"s\"><v>6</v></c><c r=\"C3\" t=\"s\"><v>7</v></c>"
	    "</row>"
	    "<row r=\"4\">" IS("A4", "x_x0009_y_x00e9__x6771_")
	    "<c r=\"B4\" t=\"b\"><v>1</v></c><c r=\"C4\" t=\"b\"><v>0</v></c>"
	    "</row>"
	    "<row r=\"5\">" IS("A5", "a &amp; &lt;b&gt;")
	    "<c r=\"B5\" t=\"s\"><v>8</v></c>" IS("C5", "_x41_ _xZZZZ_")
	    "</row>"
	    "<row r=\"6\">" IS("A6", "_x0000_,_xD83D__xDE00_,_xDE00_,"
	    "_xD83D_x") "<c r=\"B6\" t=\"s\"><v>9</v></c></row>"),
	    SST("<si><t>id</t></si><si><t>name</t></si><si><t>note</t></si>"
	    "<si><r><t>Hel</t></r><r><rPr><b/></rPr><t>lo</t></r></si>"
	    "<si><t>\xe6\x9d\xb1\xe4\xba\xac</t><rPh sb=\"0\" eb=\"2\">"
	    "<t>\xe3\x83\x88\xe3\x82\xa6\xe3\x82\xad\xe3\x83\xa7\xe3\x82\xa6"
	    "</t></rPh><phoneticPr fontId=\"1\"/></si>"
	    "<si><t>a_x000D_b</t></si><si><t>_x005F_x000D_</t></si>"
	    "<si><t xml:space=\"preserve\"> sp </t></si>"
	    "<si><r><t>caf</t></r><r><t>\xc3\xa9</t></r><rPh><t>K</t></rPh>"
	    "</si><si><t>a_x0000_b</t></si>"));
	read_book(path, NULL, &r);
	read_ok(&r, 6, "strings");
	is_str(r.sheet, "Sheet1", "strings: the one sheet is read");
	rec_is(&r, 0, 1, "id|name|note", "-,-,-", "shared strings");
	rec_is(&r, 1, 2, "Hello|\xe6\x9d\xb1\xe4\xba\xac|inline", "-,-,-",
	    "rich text runs joined, phonetic runs left out (shared, inline)");
	rec_is(&r, 2, 3, "a\rb|_x000D_| sp ", "-,-,-",
	    "_x000D_ is a CR, _x005F_ an underscore, spaces kept");
	rec_is(&r, 3, 4, "x\ty\xc3\xa9\xe6\x9d\xb1|TRUE|FALSE", "-,-,-",
	    "escapes in an inline string (1, 2 and 3 UTF-8 bytes); booleans");
	rec_is(&r, 4, 5, "a & <b>|caf\xc3\xa9|_x41_ _xZZZZ_", "-,-,-",
	    "entities; a rich shared string; no escape without 4 hex digits");
	rec_is(&r, 5, 6, "_x0000_,\xf0\x9f\x98\x80,_xDE00_,_xD83D_x|"
	    "a_x0000_b|", "-,-,-",
	    "escapes of a NUL or a lone surrogate kept as written, a "
	    "surrogate pair is one character");
	result_free(&r);
	unlink(path);
}

static void
test_values(void)
{
	struct result	r;
	char		path[1100];

	memset(&r, 0, sizeof r);
	book_sheet(path, sizeof path, SHEET(
	    "<row r=\"1\">" IS("A1", "a") IS("B1", "b") IS("C1", "c")
	    IS("D1", "d") "</row>"
	    /* errors and formulas */
	    "<row r=\"2\"><c r=\"A2\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
	    "<c r=\"B2\" t=\"str\"><f>A1&amp;\"x\"</f><v>ax</v></c>"
	    "<c r=\"C2\"><f>SUM(1,2)</f></c>"
	    "<c r=\"D2\"><f>1+1</f><v>2</v></c></row>"
	    /* General, 00000, a locale's currency, @ */
	    "<row r=\"3\"><c r=\"A3\"><v>42</v></c>"
	    "<c r=\"B3\" s=\"1\"><v>2134</v></c>"
	    "<c r=\"C3\" s=\"2\"><v>1234.5</v></c>"
	    "<c r=\"D3\" s=\"3\"><v>123</v></c></row>"
	    /* accounting, "0", a negative, 0000000000 */
	    "<row r=\"4\"><c r=\"A4\" s=\"4\"><v>-7</v></c>"
	    "<c r=\"B4\" s=\"5\"><v>7</v></c>"
	    "<c r=\"C4\" t=\"n\"><v>-17</v></c>"
	    "<c r=\"D4\" s=\"6\"><v>1234</v></c></row>"
	    /* what the real number formats will show (TODO below) */
	    "<row r=\"5\"><c r=\"A5\" s=\"7\"><v>1234567</v></c>"
	    "<c r=\"B5\" s=\"8\"><v>2.675</v></c>"
	    "<c r=\"C5\" s=\"9\"><v>45000</v></c>"
	    "<c r=\"D5\"><v>123456789012</v></c></row>"
	    "<row r=\"6\"><c r=\"A6\" s=\"10\"><v>0.5</v></c>"
	    "<c r=\"B6\" s=\"11\"><v>45000.75</v></c>"
	    "<c r=\"C6\"><v>0.1</v></c>"
	    "<c r=\"D6\" t=\"e\"><v>#N/A</v></c></row>"
	    /* an error formula without a value; an empty string result */
	    "<row r=\"7\"><c r=\"A7\" t=\"str\"><f>\"\"</f><v></v></c>"
	    "<c r=\"B7\" s=\"99\"><v>5</v></c>"
	    "<c r=\"C7\" t=\"b\"><f>TRUE()</f><v>1</v></c>"
	    "<c r=\"D7\" t=\"s\"><f>X</f></c></row>"), NULL);
	read_book(path, NULL, &r);
	read_ok(&r, 7, "values");
	rec_is(&r, 0, 1, "a|b|c|d", "-,-,-,-", "values: header");
	rec_is(&r, 1, 2, "#DIV/0!|ax||2", "e,-,v,n",
	    "an error as text; a formula's cached string; a formula without "
	    "a value (NOVALUE); a cached number");
	rec_is(&r, 2, 3, "42|02134|1234.5|123", "n,n,nu,n",
	    "General; 00000 pads; id 5 (a locale's currency) is UNSURE; @");
	rec_is(&r, 3, 4, "-7|7|-17|0000001234", "nu,n,n,n",
	    "id 42 is UNSURE; \"0\"; a negative; ten zeros pad");
	is_int(r.nf[4], 4, "values: row 5 has its 4 cells");
	if (r.n > 5) {
		is_str(r.flags[4], "n,n,n,n", "values: row 5 cells are numbers "
		    "shown exactly");
		is_str(r.text[5] + strlen(r.text[5]) - 4, "#N/A",
		    "values: an error cell without a formula");
		is_str(strchr(r.flags[5], ',') != NULL ? strrchr(r.flags[5],
		    ',') + 1 : "", "e", "values: #N/A is flagged an error");
	}
	rec_is(&r, 6, 7, "|5|TRUE|", "-,n,-,v",
	    "an empty cached string is a value; a style index past cellXfs "
	    "is General; a cached boolean; a shared-string formula without "
	    "a value");
	is_str(field(&r, 4, 0), "123-4567", "values: 000-0000");
	is_str(field(&r, 4, 1), "2.68", "values: 0.00 rounds 2.675 as Excel");
	is_str(field(&r, 4, 2), "2023-03-15", "values: built-in 14, a date, "
	    "as YYYY-MM-DD");
	is_str(field(&r, 4, 3), "1.23457E+11", "values: 12 digits in General");
	is_str(field(&r, 5, 0), "0.50", "values: built-in 2, 0.00");
	is_str(field(&r, 5, 1), "2023-03-15", "values: yyyy-mm-dd of a date "
	    "and time shows the date");
	is_str(field(&r, 5, 2), "0.1", "values: General 0.1");
	result_free(&r);
	unlink(path);
}

static void
test_rows(void)
{
	struct result	r;
	char		path[1100];

	memset(&r, 0, sizeof r);
	/*
	 * 2026-12-06: the header spans the sheet's <dimension>, as a CSV
	 * export's does, so that a note past the header's last name is a
	 * column without a name, not a row wider than its header.
	 */
	book_sheet(path, sizeof path, SHEET2("<dimension ref=\"A1:D3\"/>",
	    "<row>" IS("A1", "a") IS("B1", "b") "</row>"
	    "<row>" IS("A2", "x") IS("B2", "y") IS("D2", "note") "</row>"
	    "<row>" IS("A3", "z") "</row>", ""), NULL);
	read_book(path, NULL, &r);
	read_ok(&r, 3, "a <dimension> wider than the header");
	rec_is(&r, 0, 1, "a|b||", NULL, "the header as wide as A1:D3");
	rec_is(&r, 1, 2, "x|y||note", NULL, "the note in D, no wider");
	rec_is(&r, 2, 3, "z|||", NULL, "a short row as wide as the header");
	unlink(path);
	/* One that is not a range, or lower case: the header's own width. */
	book_sheet(path, sizeof path, SHEET2("<dimension ref=\"c1\"/>",
	    "<row>" IS("A1", "a") IS("B1", "b") "</row>", ""), NULL);
	read_book(path, NULL, &r);
	read_ok(&r, 1, "a <dimension> of c1");
	rec_is(&r, 0, 1, "a|b", NULL, "the header as wide as its names");
	unlink(path);
	book_sheet(path, sizeof path, SHEET2("<dimension ref=\"C1\"/>",
	    "<row>" IS("A1", "a") "</row>", ""), NULL);
	read_book(path, NULL, &r);
	rec_is(&r, 0, 1, "a||", NULL, "a <dimension> of one cell, C1");
	unlink(path);
	book_sheet(path, sizeof path, SHEET(
	    /* leading rows without a value: skipped */
	    "<row r=\"1\" ht=\"30\" customHeight=\"1\"/>"
	    "<row r=\"2\"><c r=\"A2\" s=\"1\"/><c r=\"B2\" t=\"s\"><v>0</v></c>"
	    "</row>"
	    /* the header on row 3, its cells without r */
	    "<row r=\"3\"><c t=\"inlineStr\"><is><t>h1</t></is></c>"
	    "<c t=\"s\"><v>1</v></c><c t=\"inlineStr\"><is><t>h3</t></is></c>"
	    "</row>"
	    /* a short row */
	    "<row r=\"4\">" IS("A4", "x") "</row>"
	    /* rows 5 and 6 missing: blank records */
	    "<row r=\"7\"><c r=\"B7\"><v>5</v></c></row>"
	    /* no r on the row nor its cells, wider than the header */
	    "<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c>"
	    "<c><v>4</v></c></row>"
	    /* a cell without r after one with */
	    "<row r=\"10\"><c r=\"B10\"><v>6</v></c><c><v>7</v></c></row>"
	    /* an empty row that is in the file */
	    "<row r=\"11\" hidden=\"0\"></row>"
	    "<row r=\"12\">" IS("C12", "z") "</row>"),
	    SST("<si><t></t></si><si><t>h2</t></si>"));
	read_book(path, NULL, &r);
	read_ok(&r, 10, "rows");
	rec_is(&r, 0, 3, "h1|h2|h3", "-,-,-",
	    "the first row with a value is the header, cells without r");
	rec_is(&r, 1, 4, "x||", "-,-,-", "a short row is padded");
	rec_is(&r, 2, 5, "||", "-,-,-", "a missing row is a blank record");
	rec_is(&r, 3, 6, "||", "-,-,-", "another one, as wide as the header");
	rec_is(&r, 4, 7, "|5|", "-,n,-", "a cell in B");
	rec_is(&r, 5, 8, "1|2|3|4", "n,n,n,n",
	    "a row without r follows the last; wider than the header");
	rec_is(&r, 6, 9, "||", NULL, "the row skipped after it");
	rec_is(&r, 7, 10, "|6|7", "-,n,n", "a cell without r follows B10");
	rec_is(&r, 8, 11, "||", "-,-,-", "an empty row in the file");
	rec_is(&r, 9, 12, "||z", "-,-,-", "a cell in C");
	is_int(r.nwarn, 0, "rows: no warnings");
	result_free(&r);
	unlink(path);

	/* A sheet without any value: no records, no error. */
	book_sheet(path, sizeof path, SHEET("<row r=\"1\"><c r=\"A1\" "
	    "s=\"1\"/></row>"), NULL);
	read_book(path, NULL, &r);
	read_ok(&r, 0, "an empty sheet");
	result_free(&r);
	unlink(path);

	/* The callback stops the read: its error comes back. */
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h") "</row>"
	    "<row>" IS("A2", "1") "</row><row r=\"5\">" IS("A5", "2")
	    "</row>"), NULL);
	r.stop_at = 2;
	read_book(path, NULL, &r);
	is_int(r.rc, -1, "a callback's -1 stops the read");
	is_int(r.n, 2, "after the record it refused");
	is_str(r.err.msg, "stopped by the callback", "with its message");
	is_int(r.err.code, IMP_EXIT_SOFTWARE, "and its code");
	r.stop_at = 3;
	read_book(path, NULL, &r);
	is_int(r.rc, -1, "a callback's -1 on a blank record stops the read");
	is_int(r.n, 3, "there");
	result_free(&r);
	unlink(path);
}

static void
test_warnings(void)
{
	struct result	r;
	char		path[1100];

	memset(&r, 0, sizeof r);
	book_sheet(path, sizeof path, SHEET2(
	    "<cols><col min=\"1\" max=\"1\" width=\"9\"/>"
	    "<col min=\"2\" max=\"2\" hidden=\"1\" width=\"0\"/>"
	    "<col min=\"4\" max=\"9\" hidden=\"true\"/></cols>",
	    "<row r=\"1\">" IS("A1", "id") IS("B1", "secret") IS("C1", "c")
	    IS("D1", "dd") "</row>"
	    "<row r=\"2\" hidden=\"1\">" IS("A2", "1") "</row>"
	    "<row r=\"3\">" IS("A3", "2") "</row>"
	    "<row r=\"4\" hidden=\"1\">" IS("A4", "3") "</row>"
	    "<row r=\"5\" hidden=\"1\"/>",
	    "<autoFilter ref=\"A1:D4\"/><mergeCells count=\"2\">"
	    "<mergeCell ref=\"A3:B3\"/><mergeCell ref=\"C4:D5\"/>"
	    "</mergeCells>"), NULL);
	read_book(path, NULL, &r);
	read_ok(&r, 5, "warnings");
	is_int(r.nwarn, 4, "four warnings");
	if (!ok(strstr(r.warn, "2 hidden rows (rows 2, 4)") != NULL,
	    "hidden rows, a blank one not among them"))
		printf("# %s\n", r.warn);
	ok(strstr(r.warn, "hidden columns B (secret), D (dd)") != NULL,
	    "hidden columns with their headers");
	ok(strstr(r.warn, "2 merged cell ranges (A3:B3, C4:D5)") != NULL,
	    "merged cells");
	ok(strstr(r.warn, "a filter is in place on A1:D4") != NULL,
	    "the autoFilter");
	unlink(path);

	/* Headers and ranges are cut in a warning, never inside a character. */
	book_sheet(path, sizeof path, SHEET2(
	    "<cols><col min=\"1\" max=\"1\" hidden=\"1\"/></cols>",
	    "<row r=\"1\">" IS("A1", "a" E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7
	    E7 E7 E7 E7 E7) "</row>",
	    "<autoFilter ref=\"A1:A10" E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7
	    E7 E7 E7 E7 E7 E7 E7 E7 "\"/>"), NULL);
	read_book(path, NULL, &r);
	read_ok(&r, 1, "long headers in warnings");
	ok(strstr(r.warn, "hidden column A (a" E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7
	    E7 E7 E7 "):") != NULL, "a header cut at 30 bytes, before the "
	    "character that would not fit");
	ok(strstr(r.warn, "a filter is in place on A1:A10" E7 E7 E7 E7 E7 E7 E7
	    E7 E7 E7 E7 E7 E7 E7 E7 E7 ":") != NULL, "a filter's range "
	    "cut at 39 bytes, the same way");
	result_free(&r);
	unlink(path);
}

/* A workbook of four sheets: hidden, a chart, two of cells. */
static int
book_sheets(char *path, size_t size, const char *states)
{
	struct part	p[6];
	char		*wb;
	int		 rc;

	/* states: the first sheet's and the third's */
	wb = xasprintf(WORKBOOK("", "<sheet name=\"Hidden\" sheetId=\"1\" "
	    "state=\"%s\" r:id=\"rId1\"/><sheet name=\"Chart1\" sheetId=\"2\" "
	    "r:id=\"rId5\"/><sheet name=\"Data\" sheetId=\"3\" state=\"%s\" "
	    "r:id=\"rId4\"/><sheet name=\"Other\" sheetId=\"4\" "
	    "r:id=\"rId6\"/>"), states, states + strlen(states) + 1);
	p[0].name = "xl/workbook.xml";
	p[0].text = wb;
	p[1].name = "xl/_rels/workbook.xml.rels";
	p[1].text = RELS(RELN("rId1", "worksheet", "worksheets/sheet1.xml")
	    RELN("rId2", "styles", "styles.xml")
	    RELN("rId5", "chartsheet", "chartsheets/sheet1.xml")
	    RELN("rId4", "worksheet", "/xl/worksheets/sheet2.xml")
	    RELN("rId6", "worksheet", "worksheets/../worksheets/sheet3.xml"));
	p[2].name = "xl/worksheets/sheet1.xml";
	p[2].text = SHEET("<row>" IS("A1", "hidden") "</row>");
	p[3].name = "xl/worksheets/sheet2.xml";
	p[3].text = SHEET("<row>" IS("A1", "data") "</row>");
	p[4].name = "xl/worksheets/sheet3.xml";
	p[4].text = SHEET("<row>" IS("A1", "other") "</row>");
	p[5].name = "xl/chartsheets/sheet1.xml";
	p[5].text = "<chartsheet xmlns=\"" NS_MAIN "\"><sheetData><row>"
	    IS("A1", "chart") "</row></sheetData></chartsheet>";
	p[0].len = p[1].len = p[2].len = p[3].len = p[4].len = p[5].len = 0;
	rc = book(path, size, p, 6);
	free(wb);
	return rc;
}

static void
test_sheets(void)
{
	struct result	r;
	char		path[1100];

	memset(&r, 0, sizeof r);
	book_sheets(path, sizeof path, "hidden\0visible");
	read_book(path, NULL, &r);
	read_ok(&r, 1, "sheets");
	is_str(r.sheet, "Data", "the first visible sheet of cells, past a "
	    "hidden one and a chart");
	rec_is(&r, 0, 1, "data", NULL, "its cells");
	is_int(r.nwarn, 0, "no warning");

	read_book(path, "Other", &r);
	is_str(r.sheet, "Other", "--sheet by name");
	rec_is(&r, 0, 1, "other", NULL, "its cells (a target with ../)");
	read_book(path, "4", &r);
	is_str(r.sheet, "Other", "--sheet 4: the fourth");
	read_book(path, "3", &r);
	is_str(r.sheet, "Data", "--sheet 3: the third (an absolute target)");
	read_book(path, "Hidden", &r);
	is_str(r.sheet, "Hidden", "a hidden sheet when named");
	rec_is(&r, 0, 1, "hidden", NULL, "its cells");
	ok(r.nwarn == 1 && strstr(r.warn, "sheet 'Hidden' is hidden") != NULL,
	    "with a warning");
	read_book(path, "1", &r);
	is_str(r.sheet, "Hidden", "or by position");

	read_book(path, "Nope", &r);
	fails(&r, path, IMP_EXIT_USAGE, "no sheet 'Nope'", "an unknown sheet");
	ok(strstr(r.err.msg, "'Hidden', 'Data', 'Other'") != NULL &&
	    strstr(r.err.msg, "Chart1") == NULL,
	    "the message lists the sheets of cells");
	read_book(path, "Chart1", &r);
	fails(&r, path, IMP_EXIT_USAGE, "no sheet 'Chart1'", "a chart sheet");
	read_book(path, "2", &r);
	fails(&r, path, IMP_EXIT_USAGE, "no sheet '2'", "a chart by position");
	read_book(path, "5", &r);
	fails(&r, path, IMP_EXIT_USAGE, "no sheet '5'", "past the last");
	read_book(path, "0", &r);
	fails(&r, path, IMP_EXIT_USAGE, "no sheet '0'", "position 0");
	read_book(path, "1x", &r);
	fails(&r, path, IMP_EXIT_USAGE, "no sheet '1x'", "not a number");
	read_book(path, "", &r);
	fails(&r, path, IMP_EXIT_USAGE, "no sheet ''", "an empty name");
	unlink(path);

	book_sheets(path, sizeof path, "hidden\0veryHidden");
	read_book(path, NULL, &r);
	read_ok(&r, 1, "sheets, a very hidden one");
	is_str(r.sheet, "Other", "veryHidden is hidden too");
	unlink(path);

	{
		struct part	p = { "xl/workbook.xml", WORKBOOK("",
		    "<sheet name=\"S\" sheetId=\"1\" state=\"hidden\" "
		    "r:id=\"rId1\"/>"), 0 };

		book(path, sizeof path, &p, 1);
		read_book(path, NULL, &r);
		fails(&r, path, IMP_EXIT_DATAERR, "no visible sheet",
		    "only a hidden sheet");
		read_book(path, "S", &r);
		read_ok(&r, 0, "only a hidden sheet, named");
		unlink(path);
	}

	{
		/* Long names, in a message and a warning: whole characters. */
		struct part	 p[2];
		char		 name[601], *sheets = xstrdup(""), *t;
		int		 i;

		for (i = 0; i < 300; i++)
			memcpy(name + 2 * i, E7, 2);
		name[600] = '\0';
		for (i = 0; i < 12; i++) {
			t = xasprintf("%s<sheet name=\"%d%.80s\" sheetId=\"%d\""
			    "%s r:id=\"rId1\"/>", sheets, i, name, i + 1,
			    i == 0 ? " state=\"hidden\"" : "");
			free(sheets);
			sheets = t;
		}
		t = xasprintf("%s<sheet name=\"%s\" sheetId=\"99\" "
		    "state=\"hidden\" r:id=\"rId1\"/>", sheets, name);
		free(sheets);
		sheets = xasprintf(WORKBOOK("", "%s"), t);
		free(t);
		p[0].name = "xl/workbook.xml";
		p[0].text = sheets;
		p[0].len = 0;
		p[1].name = "xl/worksheets/sheet1.xml";
		p[1].text = SHEET("<row>" IS("A1", "h") "</row>");
		p[1].len = 0;
		book(path, sizeof path, p, 2);
		read_book(path, "Nope", &r);
		fails(&r, path, IMP_EXIT_USAGE, "no sheet 'Nope'",
		    "long sheet names");
		ok(is_utf8(r.err.msg) && strstr(r.err.msg, E7 "', '1" E7) !=
		    NULL && strstr(r.err.msg, ", ...") != NULL,
		    "the list holds whole names, then '...'");
		read_book(path, name, &r);
		read_ok(&r, 1, "a hidden sheet of 300 characters, named");
		ok(r.nwarn == 1 && is_utf8(r.warn), "its warning is UTF-8");
		free(sheets);
		unlink(path);
	}
	result_free(&r);
}

static void
test_1904(void)
{
	struct result	r;
	struct part	p[2] = {
		{ "xl/workbook.xml", WORKBOOK("<workbookPr date1904=\"1\"/>",
		  "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"), 0 },
		{ "xl/worksheets/sheet1.xml", SHEET("<row>" IS("A1", "d")
		  "</row><row><c s=\"11\"><v>1</v></c></row>"
		  "<row><c s=\"9\"><v>0</v></c></row>"), 0 },
	};
	char		path[1100];

	memset(&r, 0, sizeof r);
	book(path, sizeof path, p, 2);
	read_book(path, NULL, &r);
	read_ok(&r, 3, "the 1904 date system");
	is_str(r.flags[1], "n", "a date is a number cell");
	is_int(r.row[2], 3, "1904: rows 2 and 3");
	is_str(r.text[1], "1904-01-02", "1904: serial 1");
	is_str(r.text[2], "1904-01-01", "1904: serial 0");
	unlink(path);

	p[0].text = WORKBOOK("<workbookPr date1904=\"false\"/>",
	    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>");
	book(path, sizeof path, p, 2);
	read_book(path, NULL, &r);
	read_ok(&r, 3, "the 1900 date system");
	is_str(r.text[1], "1900-01-01", "1900: serial 1");
	unlink(path);
	result_free(&r);
}

static void
test_namespaces(void)
{
	struct result	r;
	struct part	p[5] = {
		{ "xl/workbook.xml", "<x:workbook xmlns:x=\"" NS_MAIN "\" "
		  "xmlns:rel=\"" NS_R "\"><x:sheets><x:sheet name=\"P\" "
		  "sheetId=\"1\" rel:id=\"rId1\"/></x:sheets></x:workbook>", 0 },
		{ "xl/worksheets/sheet1.xml", "<x:worksheet xmlns:x=\"" NS_MAIN
		  "\"><x:sheetData><x:row x:r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0"
		  "</x:v></x:c><x:c r=\"B1\" t=\"inlineStr\"><x:is><x:r><x:t>"
		  "in</x:t></x:r><x:rPh><x:t>NO</x:t></x:rPh></x:is></x:c>"
		  "</x:row><x:row r=\"2\"><x:c r=\"A2\" s=\"1\"><x:v>7</x:v>"
		  "</x:c></x:row></x:sheetData></x:worksheet>", 0 },
		{ "xl/sharedStrings.xml", "<s:sst xmlns:s=\"" NS_MAIN "\"><s:si>"
		  "<s:t>pre</s:t><s:rPh><s:t>NO</s:t></s:rPh></s:si></s:sst>",
		  0 },
		{ "xl/styles.xml", "<st:styleSheet xmlns:st=\"" NS_MAIN "\">"
		  "<st:numFmts><st:numFmt numFmtId=\"170\" formatCode=\"000\"/>"
		  "</st:numFmts><st:cellXfs><st:xf numFmtId=\"0\"/>"
		  "<st:xf numFmtId=\"170\"/></st:cellXfs></st:styleSheet>", 0 },
		{ "_rels/.rels", "<p:Relationships xmlns:p=\"" NS_PKG "\">"
		  "<p:Relationship Id=\"r\" Type=\"" REL "officeDocument\" "
		  "Target=\"/xl/workbook.xml\"/></p:Relationships>", 0 },
	};
	char		path[1100];

	memset(&r, 0, sizeof r);
	book(path, sizeof path, p, 5);
	read_book(path, NULL, &r);
	read_ok(&r, 2, "prefixed element names");
	is_str(r.sheet, "P", "the sheet's name");
	rec_is(&r, 0, 1, "pre|in", "-,-", "x:c, x:is, s:si, phonetics out");
	rec_is(&r, 1, 2, "007|", "n,-", "st:numFmt, st:xf");
	result_free(&r);
	unlink(path);
}

static void
test_doctype(void)
{
	struct result	r;
	char		path[1100];
	struct part	p = { "xl/workbook.xml", "<?xml version=\"1.0\"?>"
			    "<!DOCTYPE workbook [<!ENTITY a \"aaaaaaaa\">"
			    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
			    WORKBOOK("", "<sheet name=\"&b;\" sheetId=\"1\" "
			    "r:id=\"rId1\"/>"), 0 };

	memset(&r, 0, sizeof r);
	book_sheet(path, sizeof path, "<?xml version=\"1.0\"?>"
	    "<!DOCTYPE worksheet SYSTEM \"http://example.com/x.dtd\">"
	    "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row>" IS("A1", "h")
	    "</row></sheetData></worksheet>", NULL);
	read_book(path, NULL, &r);
	ok(r.opened, "a sheet with a DOCTYPE opens (its parts are fine)");
	fails(&r, path, IMP_EXIT_DATAERR, "xl/worksheets/sheet1.xml declares "
	    "a DTD", "a DOCTYPE in the sheet");
	is_int(r.n, 0, "no record from it");
	unlink(path);

	book(path, sizeof path, &p, 1);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "xl/workbook.xml declares a DTD",
	    "entities in the workbook");
	unlink(path);

	p.name = "xl/sharedStrings.xml";
	p.text = "<!DOCTYPE sst>" SST("");
	book(path, sizeof path, &p, 1);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "declares a DTD",
	    "a DOCTYPE in the shared strings");
	unlink(path);
	result_free(&r);
}

static void
test_damaged(void)
{
	struct result	r;
	char		path[1100];
	struct part	p[3];
	FILE		*fp;
	struct stat	 sb;

	memset(&r, 0, sizeof r);
	memset(p, 0, sizeof p);

	book_sheet(path, sizeof path, SHEET("<row><c t=\"s\"><v>0</v></c>"
	    "<c t=\"s\"><v>1</v></c></row>"), SST("<si><t>a</t></si>"));
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "cell B1 refers to shared string 1",
	    "a shared string out of range");
	is_int(r.n, 0, "no record of that row");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row><c t=\"s\"><v>-1</v></c>"
	    "</row>"), SST("<si><t>a</t></si>"));
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "shared string -1",
	    "a negative shared string index");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h") "</row>"
	    "<row><c r=\"A2\"><v>12abc</v></c></row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "cell A2 holds '12abc' as a number",
	    "a number cell holding text");
	is_int(r.n, 1, "the rows before it were read");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h") "</row>"
	    "<row><c r=\"A2\"><v>nan</v></c></row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "cell A2 holds 'nan' as a number",
	    "a number cell holding nan");
	unlink(path);
	book_sheet(path, sizeof path, SHEET("<row><c r=\"A1\"><v>-1e999</v>"
	    "</c></row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "cell A1 holds '-1e999' as a number",
	    "a number cell past a double");
	unlink(path);
	book_sheet(path, sizeof path, SHEET("<row><c r=\"A1\"><v> 1</v>"
	    "</c></row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "cell A1 holds ' 1' as a number",
	    "a number cell with a space");
	unlink(path);

	/* Cut in a message, never inside a character. */
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h") "</row>"
	    "<row><c r=\"A2\"><v>1" E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7
	    E7 E7 E7 E7 E7 E7 E7 E7 "</v></c></row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "cell A2 holds '1" E7 E7 E7 E7 E7 E7
	    E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 E7 "' as a number",
	    "a number cell holding long text");
	ok(is_utf8(r.err.msg), "its message is UTF-8");
	unlink(path);
	book_sheet(path, sizeof path, SHEET("<row><c r=\"A" E7 E7 E7 E7 E7 E7
	    E7 E7 E7 E7 E7 "\"/></row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "holds a cell named 'A" E7 E7 E7 E7
	    E7 E7 E7 E7 E7 "'", "a cell named in long text");
	ok(is_utf8(r.err.msg), "its message is UTF-8");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row r=\"3\">" IS("A3", "h")
	    "</row><row r=\"2\">" IS("A2", "x") "</row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "row 2 comes after row 3",
	    "rows out of order");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row r=\"3\">" IS("A3", "h")
	    "</row><row r=\"3\">" IS("A3", "x") "</row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "row 3 comes after row 3",
	    "a row twice");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row r=\"1\">" IS("A1", "h")
	    "<row r=\"2\">" IS("A2", "x") "</row></row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "row 2 inside row 1",
	    "a row inside a row");
	ok(r.rows_ok, "no row passed twice");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row r=\"1\">" IS("B1", "h")
	    IS("A1", "x") "</row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "cell A1 is out of order",
	    "cells out of order");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row r=\"1\">" IS("A2", "h")
	    "</row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "holds a cell named 'A2'",
	    "a cell of another row");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row r=\"1\">" IS("a1", "h")
	    "</row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "holds a cell named 'a1'",
	    "a malformed cell reference");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row r=\"1048577\">"
	    IS("A1048577", "h") "</row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "past row 1048576", "past row "
	    "1048576");
	unlink(path);

	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h")
	    "<c></row>"), NULL);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "xl/worksheets/sheet1.xml in the "
	    "workbook is not well-formed XML", "a sheet that is not XML");
	unlink(path);

	p[0].name = "xl/worksheets/sheet1.xml";
	book(path, sizeof path, p, 1);
	read_book(path, NULL, &r);
	ok(r.opened, "a workbook without its sheet's part opens");
	fails(&r, path, IMP_EXIT_DATAERR, "sheet 'Sheet1' is missing",
	    "a missing sheet part");
	unlink(path);

	p[0].name = "xl/_rels/workbook.xml.rels";
	book(path, sizeof path, p, 1);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "no visible sheet",
	    "a workbook without its relationships");
	unlink(path);

	{
		struct part	q[3] = {
			{ "xl/sharedStrings.xml", NULL, 0 },
			{ "xl/styles.xml", NULL, 0 },
			{ "xl/worksheets/sheet1.xml", SHEET("<row>"
			  IS("A1", "h") "</row><row><c s=\"3\"><v>5</v></c>"
			  "</row>"), 0 },
		};

		book(path, sizeof path, q, 3);
		read_book(path, NULL, &r);
		read_ok(&r, 2, "a workbook without styles or shared strings");
		rec_is(&r, 1, 2, "5", "n", "a style past none is General");
		unlink(path);
	}

	{
		struct part	q = { "xl/_rels/workbook.xml.rels", RELS(
		    RELN("rId1", "worksheet", "worksheets/sheet1.xml")
		    RELN("rId1", "worksheet", "worksheets/sheet2.xml")
		    RELN("rId3", "sharedStrings", "sharedStrings.xml")
		    RELN("rId3", "sharedStrings", "nothing.xml")), 0 };

		book(path, sizeof path, &q, 1);
		read_book(path, NULL, &r);
		read_ok(&r, 0, "a relationship's id twice: the first counts");
		unlink(path);
	}

	/* Zips that are not workbooks. */
	p[0].name = "hello.txt";
	p[0].text = "hello";
	zip_parts(path, sizeof path, 0, p, 1);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "a ZIP archive, but not a workbook",
	    "a zip that is not a workbook");
	unlink(path);

	p[0].name = "[Content_Types].xml";
	p[0].text = defaults[0].text;
	p[1].name = "_rels/.rels";
	p[1].text = RELS(RELN("rId1", "officeDocument", "xl/workbook.bin"));
	p[2].name = "xl/workbook.bin";
	p[2].text = "\x83\x01\x00\x80\x01";
	p[2].len = 5;
	zip_parts(path, sizeof path, 0, p, 3);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "a binary workbook (.xlsb)",
	    "an .xlsb");
	unlink(path);
	zip_parts(path, sizeof path, 0, p + 2, 1);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "a binary workbook (.xlsb)",
	    "an .xlsb without its relationships");
	unlink(path);

	p[0].name = "mimetype";
	p[0].text = "application/vnd.oasis.opendocument.spreadsheet";
	p[1].name = "content.xml";
	p[1].text = "<office:document-content xmlns:office=\"urn:oasis:names:"
	    "tc:opendocument:xmlns:office:1.0\"/>";
	p[2].len = 0;
	zip_parts(path, sizeof path, 0, p, 2);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "an OpenDocument spreadsheet (.ods)",
	    "an .ods");
	unlink(path);

	/* Files that are not zips. */
	snprintf(path, sizeof path, "%s/not-a-zip.xlsx", tmpdir_path);
	fp = fopen(path, "w");
	fputs("id,name\n1,a\n", fp);
	fclose(fp);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "not a readable workbook",
	    "a CSV named .xlsx");
	unlink(path);

	fp = fopen(path, "w");
	fclose(fp);
	read_book(path, NULL, &r);
	ok(r.err.code == IMP_EXIT_DATAERR && strstr(r.err.msg, path) != NULL,
	    "an empty file: 65 and the file's name");
	unlink(path);

	/* A workbook cut short. */
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h") "</row>"),
	    NULL);
	if (stat(path, &sb) == -1 || truncate(path, sb.st_size / 2) == -1)
		ok(0, "truncate %s", path);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "not a readable workbook",
	    "a workbook cut in half");
	unlink(path);

	snprintf(path, sizeof path, "%s/no-such.xlsx", tmpdir_path);
	read_book(path, NULL, &r);
	fails(&r, path, IMP_EXIT_NOINPUT, "No such file", "a missing file");
	read_book(tmpdir_path, NULL, &r);
	ok(!r.opened && (r.err.code == IMP_EXIT_NOINPUT || r.err.code ==
	    IMP_EXIT_DATAERR) && strstr(r.err.msg, tmpdir_path) != NULL,
	    "a directory: refused, named");
	result_free(&r);
}

static void
test_ole(void)
{
	unsigned char	 head[1536];
	struct imp_err	 err;
	static const unsigned char	magic[8] = { 0xd0, 0xcf, 0x11, 0xe0,
					    0xa1, 0xb1, 0x1a, 0xe1 };
	const char	*name;
	size_t		 i;

	memset(head, 0, sizeof head);
	memcpy(head, magic, 8);
	/* a directory entry's name, UTF-16LE, where a sector starts */
	for (name = "Workbook", i = 0; name[i] != '\0'; i++)
		head[1024 + 2 * i] = (unsigned char)name[i];
	memset(&err, 0, sizeof err);
	is_int(xlsxin_refuse_ole("old.xls", head, sizeof head, &err), -1,
	    "a legacy .xls is refused");
	is_int(err.code, IMP_EXIT_DATAERR, "with 65");
	ok(strstr(err.msg, "old.xls: a legacy Excel 97-2003 workbook (XLS)")
	    != NULL, "naming the file and what it is");

	memset(head + 512, 0, sizeof head - 512);
	for (name = "EncryptedPackage", i = 0; name[i] != '\0'; i++)
		head[1024 + 2 * i] = (unsigned char)name[i];
	memset(&err, 0, sizeof err);
	is_int(xlsxin_refuse_ole("secret.xlsx", head, sizeof head, &err), -1,
	    "an encrypted workbook is refused");
	is_int(err.code, IMP_EXIT_DATAERR, "with 65");
	ok(strstr(err.msg, "secret.xlsx: the workbook is encrypted") != NULL,
	    "naming the file and what it is");
	/* only the name in the bytes given counts */
	is_int(xlsxin_refuse_ole("secret.xlsx", head, 1040, &err), -1,
	    "an OLE file cut before its names: refused as .xls");
	ok(strstr(err.msg, "(XLS)") != NULL, "as a legacy workbook");

	memset(&err, 0, sizeof err);
	is_int(xlsxin_refuse_ole("a.csv", (const unsigned char *)"id,name\n",
	    8, &err), 0, "a CSV's first bytes pass");
	is_int(xlsxin_refuse_ole("a.x", magic, 7, &err), 0,
	    "seven bytes of the magic pass");
	is_int(xlsxin_refuse_ole("a.x", magic, 0, &err), 0, "no bytes pass");
	is_int(err.code, 0, "err untouched");
	ok(xlsxin_is_zip((const unsigned char *)"PK\3\4xx", 6) &&
	    !xlsxin_is_zip((const unsigned char *)"PK\5\6", 4) &&
	    !xlsxin_is_zip((const unsigned char *)"PK\3", 3),
	    "xlsxin_is_zip: a local header's signature");
}

/* --- a zip bomb, written by hand ----------------------------------------- */

struct bits {
	unsigned char	*p;
	size_t		 n;
	unsigned long	 acc;
	int		 nb;
};

/* n bits of v, least significant first (deflate's order for data). */
static void
bits_put(struct bits *b, unsigned v, int n)
{
	b->acc |= (unsigned long)v << b->nb;
	b->nb += n;
	while (b->nb >= 8) {
		b->p[b->n++] = (unsigned char)(b->acc & 0xff);
		b->acc >>= 8;
		b->nb -= 8;
	}
}

/* A Huffman code, most significant bit first. */
static void
huff_put(struct bits *b, unsigned code, int len)
{
	unsigned	r = 0;
	int		i;

	for (i = 0; i < len; i++)
		r |= ((code >> i) & 1) << (len - 1 - i);
	bits_put(b, r, len);
}

static void
lit_put(struct bits *b, unsigned char c)
{
	if (c < 144)
		huff_put(b, 0x30 + c, 8);
	else
		huff_put(b, 0x190 + c - 144, 9);
}

/* Length 258 at distance 1 in the fixed codes: 258 more of the last. */
static void
run_put(struct bits *b)
{
	huff_put(b, 0xc5, 8);		/* length code 285 */
	huff_put(b, 0, 5);		/* distance code 0 */
}

/*
 * Deflates pre, nsp spaces and post into one fixed-Huffman block, without
 * the cost of compressing nsp bytes: once the bits are byte-aligned,
 * eight runs are 13 bytes that repeat. Returns the allocation; its length
 * into *len.
 */
static unsigned char *
deflate_spaces(const char *pre, uint64_t nsp, const char *post, size_t *len)
{
	struct bits	 b;
	uint64_t	 left = nsp - 1, k;
	unsigned char	 pat[13];
	size_t		 i;

	memset(&b, 0, sizeof b);
	b.p = xmalloc(nsp / 258 * 13 / 8 + strlen(pre) * 2 + strlen(post) * 2 +
	    1024);
	bits_put(&b, 1, 1);		/* the last block */
	bits_put(&b, 1, 2);		/* fixed codes */
	for (i = 0; pre[i] != '\0'; i++)
		lit_put(&b, (unsigned char)pre[i]);
	lit_put(&b, ' ');
	while (left >= 258 && b.nb != 0) {
		run_put(&b);
		left -= 258;
	}
	if (left >= 258 * 16) {
		for (i = 0; i < 8; i++)
			run_put(&b);
		left -= 258 * 8;
		memcpy(pat, b.p + b.n - 13, 13);
		for (k = left / (258 * 8); k > 0; k--) {
			memcpy(b.p + b.n, pat, 13);
			b.n += 13;
		}
		left %= 258 * 8;
	}
	for (; left >= 258; left -= 258)
		run_put(&b);
	for (; left > 0; left--)
		lit_put(&b, ' ');
	for (i = 0; post[i] != '\0'; i++)
		lit_put(&b, (unsigned char)post[i]);
	huff_put(&b, 0, 7);		/* end of block */
	if (b.nb > 0)
		bits_put(&b, 0, 8 - b.nb);
	*len = b.n;
	return b.p;
}

/* CRC-32 of pre, nsp spaces and post, by zlib's combination of CRCs. */
static unsigned long
crc_spaces(const char *pre, uint64_t nsp, const char *post)
{
	unsigned long	crc, blk, sp = 0;
	uint64_t	blen = 1, n;

	blk = crc32(0, (const Bytef *)" ", 1);
	for (n = nsp; n > 0; n >>= 1) {
		if (n & 1)
			sp = crc32_combine(sp, blk, (z_off_t)blen);
		blk = crc32_combine(blk, blk, (z_off_t)blen);
		blen *= 2;
	}
	crc = crc32(0, (const Bytef *)pre, (uInt)strlen(pre));
	crc = crc32_combine(crc, sp, (z_off_t)nsp);
	return crc32(crc, (const Bytef *)post, (uInt)strlen(post));
}

static void
le16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8 & 0xff);
}

static void
le32(unsigned char *p, unsigned long v)
{
	le16(p, (unsigned)(v & 0xffff));
	le16(p + 2, (unsigned)(v >> 16 & 0xffff));
}

/*
 * Writes a zip of the default parts, stored, and of the sheet: a
 * worksheet holding nsp spaces inside its sheetData, deflated by hand.
 */
static int
write_bomb(const char *path, uint64_t nsp)
{
	static const char	 pre[] = "<worksheet xmlns=\"" NS_MAIN "\">"
				    "<sheetData>";
	static const char	 post[] = "</sheetData></worksheet>";
	unsigned char		 h[64], *data, *cd = NULL;
	const char		*name, *text;
	unsigned long		 crc, off[NDEFAULTS], usize;
	size_t			 i, clen, nlen, cdlen = 0, pos = 0;
	int			 method;
	FILE			*fp;

	if ((fp = fopen(path, "wb")) == NULL)
		return -1;
	for (i = 0; i < NDEFAULTS; i++) {
		name = defaults[i].name;
		text = defaults[i].text;
		nlen = strlen(name);
		if (strcmp(name, "xl/worksheets/sheet1.xml") == 0) {
			method = 8;
			data = deflate_spaces(pre, nsp, post, &clen);
			crc = crc_spaces(pre, nsp, post);
			usize = (unsigned long)(strlen(pre) + nsp +
			    strlen(post));
		} else {
			method = 0;
			clen = strlen(text);
			data = (unsigned char *)xstrdup(text);
			crc = crc32(0, data, (uInt)clen);
			usize = (unsigned long)clen;
		}
		/* the local header */
		memset(h, 0, sizeof h);
		le32(h, 0x04034b50);
		le16(h + 4, 20);
		le16(h + 8, (unsigned)method);
		le32(h + 14, crc);
		le32(h + 18, (unsigned long)clen);
		le32(h + 22, usize);
		le16(h + 26, (unsigned)nlen);
		off[i] = (unsigned long)pos;
		fwrite(h, 1, 30, fp);
		fwrite(name, 1, nlen, fp);
		fwrite(data, 1, clen, fp);
		pos += 30 + nlen + clen;
		free(data);
		/* its central directory entry */
		cd = xreallocarray(cd, cdlen + 46 + nlen, 1);
		memset(cd + cdlen, 0, 46);
		le32(cd + cdlen, 0x02014b50);
		le16(cd + cdlen + 4, 20);
		le16(cd + cdlen + 6, 20);
		le16(cd + cdlen + 10, (unsigned)method);
		le32(cd + cdlen + 16, crc);
		le32(cd + cdlen + 20, (unsigned long)clen);
		le32(cd + cdlen + 24, usize);
		le16(cd + cdlen + 28, (unsigned)nlen);
		le32(cd + cdlen + 42, off[i]);
		memcpy(cd + cdlen + 46, name, nlen);
		cdlen += 46 + nlen;
	}
	fwrite(cd, 1, cdlen, fp);
	memset(h, 0, sizeof h);
	le32(h, 0x06054b50);
	le16(h + 8, NDEFAULTS);
	le16(h + 10, NDEFAULTS);
	le32(h + 12, (unsigned long)cdlen);
	le32(h + 16, (unsigned long)pos);
	fwrite(h, 1, 22, fp);
	free(cd);
	return fclose(fp) == 0 ? 0 : -1;
}

static void
test_bomb(void)
{
	struct xlsxin_opts	 opts;
	struct result		 r;
	char			 path[1100];
	struct stat		 sb;
	zip_t			*za;
	zip_stat_t		 st;
	int			 zerr;

	memset(&r, 0, sizeof r);
	memset(&opts, 0, sizeof opts);
	snprintf(path, sizeof path, "%s/bomb.xlsx", tmpdir_path);
	/* 1 GiB of spaces in about 6.5 MB */
	if (write_bomb(path, (uint64_t)1 << 30) == -1) {
		ok(0, "the zip bomb written");
		return;
	}
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	ok(za != NULL && zip_stat(za, "xl/worksheets/sheet1.xml", 0, &st) ==
	    0 && st.size > ((uint64_t)1 << 30) && stat(path, &sb) == 0 &&
	    sb.st_size < 8 << 20, "the bomb: a zip of a 1 GiB sheet in "
	    "under 8 MB");
	if (za != NULL)
		zip_discard(za);

	opts.max_total = 1 << 20;
	read_path(path, &opts, &r);
	ok(r.opened, "the bomb opens (its other parts are small)");
	fails(&r, path, IMP_EXIT_DATAERR, "the workbook inflates to more than "
	    "1 MiB (a zip bomb", "a zip bomb");
	if (!ok(r.secs < 1.0, "it stops early (%.3f s for 1 GiB)", r.secs))
		printf("# %.3f s\n", r.secs);

	/* And at the default limit, 4 GiB, 1 GiB of spaces is a sheet. */
	if (getenv("XLSXIN_TEST_SLOW") != NULL) {
		read_path(path, NULL, &r);
		read_ok(&r, 0, "the bomb under the default limit");
	}
	unlink(path);
	result_free(&r);
}

static void
test_limits(void)
{
	struct xlsxin_opts	 opts;
	struct result		 r;
	char			 path[1100];

	memset(&r, 0, sizeof r);
	memset(&opts, 0, sizeof opts);

	/* the bytes the small parts inflate to: a limit below them */
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h") "</row>"),
	    NULL);
	opts.max_total = 1000;
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "inflates to more than 0 MiB",
	    "max_total below the workbook's parts");
	opts.max_total = 1 << 20;
	read_path(path, &opts, &r);
	read_ok(&r, 1, "max_total above them");
	unlink(path);

	/* the members of the zip: the defaults are 7 */
	memset(&opts, 0, sizeof opts);
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h") "</row>"),
	    NULL);
	opts.max_entries = 6;
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "the zip holds more than 6 members",
	    "max_entries");
	opts.max_entries = 7;
	read_path(path, &opts, &r);
	read_ok(&r, 1, "max_entries, as many as there are");
	unlink(path);

	/* a cell's length */
	memset(&opts, 0, sizeof opts);
	opts.max_cell = 8;
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "12345678")
	    "<c t=\"s\"><v>0</v></c></row>"), SST("<si><t>1234</t>"
	    "<rPh><t>phonetic runs do not count</t></rPh><t>5678</t></si>"));
	read_path(path, &opts, &r);
	read_ok(&r, 1, "cells of max_cell bytes");
	rec_is(&r, 0, 1, "12345678|12345678", NULL, "read whole");
	unlink(path);
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h") "</row>"
	    "<row>" IS("A2", "123456789") "</row>"), NULL);
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "cell A2 is longer than a cell can "
	    "be (8 bytes)", "an inline string past max_cell");
	is_int(r.n, 1, "the rows before it were read");
	unlink(path);
	book_sheet(path, sizeof path, SHEET("<row><c><v>1.2345678901</v>"
	    "</c></row>"), NULL);
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "cell A1 is longer than a cell can "
	    "be", "a number's text past max_cell");
	unlink(path);
	book_sheet(path, sizeof path, SHEET(""), SST("<si><t>1234</t></si>"
	    "<si><r><t>12345</t></r><r><t>6789</t></r></si>"));
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "shared string 2 is longer than a "
	    "cell can be (8 bytes)", "a shared string past max_cell");
	ok(!r.opened, "refused when opened");
	unlink(path);

	/* shared strings: their count and bytes */
	memset(&opts, 0, sizeof opts);
	book_sheet(path, sizeof path, SHEET("<row><c t=\"s\"><v>2</v></c>"
	    "</row>"), SST("<si><t>a</t></si><si><t>b</t></si>"
	    "<si><t>c</t></si>"));
	opts.max_strings = 2;
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "more shared strings than importer "
	    "reads (2 strings", "max_strings");
	opts.max_strings = 3;
	read_path(path, &opts, &r);
	read_ok(&r, 1, "max_strings, as many as there are");
	rec_is(&r, 0, 1, "c", NULL, "the last one");
	opts.max_strings = 0;
	opts.max_sst_bytes = 5;
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "more shared strings",
	    "max_sst_bytes");
	opts.max_sst_bytes = 6;
	read_path(path, &opts, &r);
	read_ok(&r, 1, "max_sst_bytes, as many as they take with NULs");
	unlink(path);

	/*
	 * 2026-12-06: a row's text, bounded as a CSV record's is: 16384
	 * cells of max_cell bytes each were 2 GiB of one row in memory.
	 */
	memset(&opts, 0, sizeof opts);
	opts.max_record = 16;
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "12345678")
	    IS("B1", "1234567") "</row><row>" IS("A2", "12345678")
	    IS("B2", "12345678") "</row>"), NULL);
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "row 2 is longer than a row can be "
	    "(16 bytes) at cell B2", "max_record");
	is_int(r.n, 1, "a row of max_record bytes, the NULs between its cells counted, was read");
	unlink(path);
	{
		struct part	 p;
		char		*s, *o;
		size_t		 i;

		/* 64 cells of 100 KiB: 6.4 MiB in one row, at the default */
		p.name = "xl/worksheets/sheet1.xml";
		s = o = xmalloc(64 * (102400 + 64) + 1024);
		o += sprintf(o, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
		    "<row r=\"1\">");
		for (i = 0; i < 64; i++) {
			o += sprintf(o, "<c t=\"inlineStr\"><is><t>");
			memset(o, 'a' + (int)(i % 26), 102400);
			o += 102400;
			o += sprintf(o, "</t></is></c>");
		}
		sprintf(o, "</row></sheetData></worksheet>");
		p.text = s;
		p.len = 0;
		book(path, sizeof path, &p, 1);
		free(s);
		read_path(path, NULL, &r);
		fails(&r, path, IMP_EXIT_DATAERR, "row 1 is longer than a row "
		    "can be (4194304 bytes)", "a row of 6.4 MiB");
		unlink(path);
	}

	/* columns */
	memset(&opts, 0, sizeof opts);
	opts.max_cols = 3;
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "a")
	    IS("C1", "c") "</row><row>" IS("D2", "d") "</row>"), NULL);
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "row 2: cell D2 is out of order or "
	    "past column 3", "max_cols");
	is_int(r.n, 1, "the rows before it were read");
	unlink(path);
	book_sheet(path, sizeof path, SHEET("<row>" IS("XFD1", "last")
	    "</row><row>" IS("XFE2", "past") "</row>"), NULL);
	read_path(path, NULL, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "holds a cell named 'XFE2'",
	    "a column past XFD");
	ok(r.n == 1 && r.nf[0] == 16384, "XFD is column 16384");
	unlink(path);
	result_free(&r);
}

/*
 * 2026-12-06: one piece of markup (a comment, a tag's attributes) is
 * kept whole by expat until it ends, and scanned again with every chunk;
 * and every open element is kept too. A small zip of either took GiBs
 * and minutes, in any part. Both are bounded.
 */
static char *
markup(const char *pre, char fill, size_t n, const char *post, size_t *len)
{
	size_t	 lp = strlen(pre), lq = strlen(post);
	char	*s = xmalloc(lp + n + lq + 1);

	memcpy(s, pre, lp);
	memset(s + lp, fill, n);
	memcpy(s + lp + n, post, lq + 1);
	*len = lp + n + lq;
	return s;
}

/* Nested n deep: n times open, then n times close, around mid. */
static char *
nested(const char *pre, size_t n, const char *mid, const char *post,
    size_t *len)
{
	size_t	 lp = strlen(pre), lm = strlen(mid), lq = strlen(post), i;
	char	*s = xmalloc(lp + n * 7 + lm + lq + 1), *o = s;

	memcpy(o, pre, lp);
	o += lp;
	for (i = 0; i < n; i++, o += 3)
		memcpy(o, "<x>", 3);
	memcpy(o, mid, lm);
	o += lm;
	for (i = 0; i < n; i++, o += 4)
		memcpy(o, "</x>", 4);
	memcpy(o, post, lq + 1);
	*len = (size_t)(o - s) + lq;
	return s;
}

static void
test_markup(void)
{
	static const struct {
		const char	*part, *pre, *post, *what;
		char		 fill;
	} big[] = {
		{ "xl/workbook.xml", "<!--", "-->" WORKBOOK("", "<sheet "
		  "name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"),
		  "a comment in workbook.xml", ' ' },
		{ "xl/styles.xml", "<styleSheet xmlns=\"" NS_MAIN "\">"
		  "<numFmts><numFmt numFmtId=\"170\" formatCode=\"",
		  "\"/></numFmts></styleSheet>",
		  "an attribute in styles.xml", '0' },
		{ "xl/sharedStrings.xml", "<sst xmlns=\"" NS_MAIN "\"><?pi ",
		  "?></sst>", "a processing instruction in sharedStrings.xml",
		  'p' },
		{ "xl/worksheets/sheet1.xml", "<worksheet xmlns=\"" NS_MAIN
		  "\"><sheetData><row>" IS("A1", "h") "</row><!--",
		  "--></sheetData></worksheet>", "a comment in the sheet", ' ' },
	};
	static const char *deep[] = {
		"xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml",
		"xl/worksheets/sheet1.xml",
	};
	struct xlsxin_opts	 opts;
	struct result		 r;
	struct part		 p;
	char			 path[1100], what[128];
	double			 t0;
	size_t			 i;

	memset(&r, 0, sizeof r);
	memset(&opts, 0, sizeof opts);
	for (i = 0; i < sizeof big / sizeof big[0]; i++) {
		p.name = big[i].part;
		p.text = markup(big[i].pre, big[i].fill, 32 << 20,
		    big[i].post, &p.len);
		book(path, sizeof path, &p, 1);
		free((char *)p.text);
		t0 = now();
		read_path(path, NULL, &r);
		snprintf(what, sizeof what, "%s of 32 MiB", big[i].what);
		fails(&r, path, IMP_EXIT_DATAERR, "holds one piece of markup "
		    "(a tag, a comment) longer than", what);
		ok(strstr(r.err.msg, big[i].part) != NULL, "%s: the message "
		    "names the part", what);
		if (!ok(now() - t0 < 5.0, "%s: refused at once", what))
			printf("# %.3f s\n", now() - t0);
		unlink(path);
	}

	/* Below the limit and past it (it is checked between the chunks
	 * a part is inflated in, 256 KiB for a sheet). */
	p.name = "xl/worksheets/sheet1.xml";
	p.text = markup("<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row>"
	    IS("A1", "h") "</row><!--", ' ', 600000, "--></sheetData>"
	    "</worksheet>", &p.len);
	book(path, sizeof path, &p, 1);
	free((char *)p.text);
	opts.max_token = 1 << 20;
	read_path(path, &opts, &r);
	read_ok(&r, 1, "a comment of 600000 bytes, max_token 1 MiB");
	opts.max_token = 1 << 18;
	read_path(path, &opts, &r);
	fails(&r, path, IMP_EXIT_DATAERR, "longer than 256 KiB",
	    "the same, max_token 256 KiB");
	unlink(path);

	/*
	 * What the small parts hold is kept in memory: number formats of
	 * 512 KiB each (expat takes them whole, under max_token) were kept
	 * by the thousand, up to the inflated-bytes limit.
	 */
	{
		char	*s, *o;
		size_t	 k;

		p.name = "xl/styles.xml";
		s = o = xmalloc(40 * (524288 + 64) + 1024);
		o += sprintf(o, "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts>");
		for (k = 0; k < 40; k++) {
			o += sprintf(o, "<numFmt numFmtId=\"%zu\" "
			    "formatCode=\"", 164 + k);
			memset(o, '0', 524288);
			o += 524288;
			o += sprintf(o, "\"/>");
		}
		sprintf(o, "</numFmts></styleSheet>");
		p.text = s;
		p.len = 0;
		book(path, sizeof path, &p, 1);
		free(s);
		read_path(path, NULL, &r);
		fails(&r, path, IMP_EXIT_DATAERR, "xl/styles.xml in the workbook "
		    "holds more than 16 MiB of names", "40 number formats of "
		    "512 KiB");
		unlink(path);
	}

	/* Nesting: as deep as a workbook's parts go, and a million deep. */
	p.name = "xl/worksheets/sheet1.xml";
	p.text = nested("<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row>"
	    IS("A1", "h") "</row></sheetData><extLst>", 40, "",
	    "</extLst></worksheet>", &p.len);
	book(path, sizeof path, &p, 1);
	free((char *)p.text);
	read_path(path, NULL, &r);
	read_ok(&r, 1, "elements nested 43 deep");
	unlink(path);
	for (i = 0; i < sizeof deep / sizeof deep[0]; i++) {
		p.name = deep[i];
		p.text = nested("<root>", 1000000, "", "</root>", &p.len);
		book(path, sizeof path, &p, 1);
		free((char *)p.text);
		t0 = now();
		read_path(path, NULL, &r);
		snprintf(what, sizeof what, "%s nested a million deep",
		    deep[i]);
		fails(&r, path, IMP_EXIT_DATAERR, "nests elements more than "
		    "256 deep", what);
		ok(strstr(r.err.msg, deep[i]) != NULL, "%s: the message "
		    "names the part", what);
		if (!ok(now() - t0 < 5.0, "%s: refused at once", what))
			printf("# %.3f s\n", now() - t0);
		unlink(path);
	}
	result_free(&r);
}

static void
test_sha256(void)
{
	struct result	 r;
	char		 path[1100], cmd[1200], want[65] = "";
	struct stat	 sb;
	FILE		*fp;

	memset(&r, 0, sizeof r);
	book_sheet(path, sizeof path, SHEET("<row>" IS("A1", "h") "</row>"),
	    NULL);
	snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
	if ((fp = popen(cmd, "r")) != NULL) {
		if (fscanf(fp, "%64s", want) != 1)
			want[0] = '\0';
		pclose(fp);
	}
	read_book(path, NULL, &r);
	read_ok(&r, 1, "size and hash");
	ok(stat(path, &sb) == 0 && r.size == (uint64_t)sb.st_size,
	    "xlsxin_size is the file's size");
	if (want[0] != '\0')
		is_str(r.sha, want, "xlsxin_sha256 equals sha256sum's");
	else
		ok(0, "sha256sum did not run");
	unlink(path);
	result_free(&r);
}

int
main(void)
{
	const char	*t = getenv("TMPDIR");

	snprintf(tmpdir_path, sizeof tmpdir_path, "%s/importer-xlsxin.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir_path) == NULL) {
		perror(tmpdir_path);
		return 1;
	}
	test_strings();
	test_values();
	test_rows();
	test_warnings();
	test_sheets();
	test_1904();
	test_namespaces();
	test_doctype();
	test_damaged();
	test_ole();
	test_bomb();
	test_limits();
	test_markup();
	test_sha256();
	rmdir(tmpdir_path);
	return done_testing();
}
