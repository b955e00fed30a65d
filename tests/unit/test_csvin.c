/*
 * test_csvin.c: csvin.h on temporary files: records, fields and the
 * physical line each record starts on, delimiter sniffing, charsets, the
 * refusals (exit codes and messages) and the file's SHA-256.
 */
#include "config.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "../tap.h"

#define MAXR	16	/* records kept in detail */
#define MAXF	8	/* fields kept per record */

/* What csvin_read gave, copied out of the callback. */
struct got {
	size_t		 n;
	unsigned long	 lines[MAXR];
	size_t		 nfields[MAXR];
	char		*cells[MAXR][MAXF];
	int		 seq;		/* record i started on line i + 1 */
	int		 index_ok;	/* rec->index counted 0, 1, 2, ... */
	unsigned long	 last_line;
	size_t		 stop_at;	/* fail at this record (0: never) */
};

/* One file read from start to end. */
struct result {
	int		 opened;
	int		 rc;		/* csvin_read's, -1 when not opened */
	struct imp_err	 err;
	char		 encoding[64];
	int		 bom;
	int		 detected;
	int		 delimiter;
	int		 sniffed;
	char		 sha256[65];
	unsigned long long size;
	struct got	 got;
};

static char tmpdir_path[1024];

static int
collect(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	struct got	*g = arg;
	size_t		 i;

	if (rec->index != g->n)
		g->index_ok = 0;
	if (rec->line != g->n + 1)
		g->seq = 0;
	g->last_line = rec->line;
	if (g->n < MAXR) {
		g->lines[g->n] = rec->line;
		g->nfields[g->n] = rec->nfields;
		for (i = 0; i < rec->nfields && i < MAXF; i++) {
			g->cells[g->n][i] = malloc(rec->lens[i] + 1);
			memcpy(g->cells[g->n][i], rec->fields[i],
			    rec->lens[i] + 1);
		}
	}
	g->n++;
	if (g->stop_at != 0 && g->n == g->stop_at)
		return imp_errf(err, 70, "stopped by the callback");
	return 0;
}

static void
got_free(struct got *g)
{
	size_t	r, i;

	for (r = 0; r < MAXR; r++)
		for (i = 0; i < MAXF; i++) {
			free(g->cells[r][i]);
			g->cells[r][i] = NULL;
		}
}

/* Writes data to a new temporary file; its path goes into path. */
static int
write_tmp(const void *data, size_t len, char *path, size_t size)
{
	FILE	*fp;
	int	 fd;

	snprintf(path, size, "%s/importer-csvin.XXXXXX", tmpdir_path);
	fd = mkstemp(path);
	if (fd == -1)
		return -1;
	fp = fdopen(fd, "w");
	if (fp == NULL || fwrite(data, 1, len, fp) != len) {
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	return fclose(fp) == 0 ? 0 : -1;
}

/* Opens and reads path with opts into res. */
static void
read_path(const char *path, const struct csvin_opts *opts,
    struct result *res)
{
	struct csvin	*in;

	got_free(&res->got);
	memset(res, 0, sizeof *res);
	res->got.seq = res->got.index_ok = 1;
	res->rc = -1;
	in = csvin_open(path, opts, &res->err);
	if (in == NULL)
		return;
	res->opened = 1;
	res->rc = csvin_read(in, collect, &res->got, &res->err);
	snprintf(res->encoding, sizeof res->encoding, "%s",
	    csvin_encoding(in));
	res->bom = csvin_bom(in);
	res->detected = csvin_detected(in);
	res->delimiter = csvin_delimiter(in);
	res->sniffed = csvin_delimiter_sniffed(in);
	res->size = csvin_size(in);
	if (res->rc == 0)
		snprintf(res->sha256, sizeof res->sha256, "%s",
		    csvin_sha256(in));
	csvin_close(in);
}

/* Writes data to a temporary file, reads it into res, removes it. */
static void
read_data(const void *data, size_t len, const struct csvin_opts *opts,
    struct result *res, char *path, size_t pathsize)
{
	char	local[4096];

	if (path == NULL) {
		path = local;
		pathsize = sizeof local;
	}
	if (write_tmp(data, len, path, pathsize) == -1) {
		got_free(&res->got);
		memset(res, 0, sizeof *res);
		res->rc = -1;
		snprintf(res->err.msg, sizeof res->err.msg,
		    "cannot write %.400s", path);
		return;
	}
	read_path(path, opts, res);
	unlink(path);
}

static void
read_str(const char *s, const struct csvin_opts *opts, struct result *res)
{
	read_data(s, strlen(s), opts, res, NULL, 0);
}

/* Cell (r, i) or NULL when not kept. */
static const char *
cell(const struct result *res, size_t r, size_t i)
{
	if (r >= MAXR || i >= MAXF || r >= res->got.n ||
	    i >= res->got.nfields[r])
		return NULL;
	return res->got.cells[r][i];
}

static int
has(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

/* Returns a newly allocated conversion of s (caller frees), or NULL. */
static char *
recode(const char *to, const char *s, size_t *outlen)
{
	iconv_t	 cd;
	char	*out, *ip = (char *)s, *op;
	size_t	 len = strlen(s), cap = len * 4 + 16, oleft = cap;

	cd = iconv_open(to, "UTF-8");
	if (cd == (iconv_t)-1)
		return NULL;
	out = malloc(cap);
	op = out;
	if (iconv(cd, &ip, &len, &op, &oleft) == (size_t)-1) {
		free(out);
		out = NULL;
	} else
		*outlen = op - out;
	iconv_close(cd);
	return out;
}

static void
test_records(void)
{
	struct csvin_opts	opts;
	struct result		res;

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);

	read_str("customer_id,name,city\n1,Contoso,Seattle\n2,Fabrikam,\n",
	    &opts, &res);
	is_int(res.rc, 0, "plain file reads");
	is_int(res.got.n, 3, "header and two records");
	ok(res.got.index_ok, "record indexes count from 0 (the header)");
	ok(res.got.nfields[0] == 3 && res.got.nfields[1] == 3 &&
	    res.got.nfields[2] == 3, "three fields in every record");
	is_str(cell(&res, 0, 0), "customer_id", "header field 1");
	is_str(cell(&res, 1, 1), "Contoso", "record 1 field 2");
	is_str(cell(&res, 2, 2), "", "a trailing empty field is empty");
	ok(res.got.lines[0] == 1 && res.got.lines[1] == 2 &&
	    res.got.lines[2] == 3, "lines 1, 2, 3");
	is_str(res.encoding, "UTF-8", "ASCII is read as UTF-8");
	ok(!res.bom && !res.detected, "no BOM, nothing guessed");

	read_str("id,name\n1,\"  spaces kept  \"\n2,\"say \"\"hi\"\"\"\n3,x",
	    &opts, &res);
	is_int(res.rc, 0, "quotes, doubled quotes, no final newline");
	is_str(cell(&res, 1, 1), "  spaces kept  ",
	    "spaces inside a field are kept");
	is_str(cell(&res, 2, 1), "say \"hi\"", "doubled quotes unescaped");
	is_str(cell(&res, 3, 1), "x", "last record without a newline");
	is_int(res.got.lines[3], 4, "it starts on line 4");

	got_free(&res.got);
}

/* A callback's -1 stops the read and keeps its error. */
static void
test_stop(void)
{
	struct csvin_opts	 opts;
	struct csvin		*in;
	struct imp_err		 err;
	struct got		 g;
	char			 path[4096];
	int			 rc = 0;

	memset(&opts, 0, sizeof opts);
	memset(&g, 0, sizeof g);
	memset(&err, 0, sizeof err);
	g.seq = g.index_ok = 1;
	g.stop_at = 2;
	if (write_tmp("id,name\n1,a\n2,b\n3,c\n", 20, path,
	    sizeof path) == -1)
		path[0] = '\0';
	in = csvin_open(path, &opts, &err);
	if (in != NULL)
		rc = csvin_read(in, collect, &g, &err);
	is_int(rc, -1, "a callback returning -1 stops the read");
	is_int(g.n, 2, "no record is delivered after the stop");
	is_int(err.code, 70, "the callback's error is kept");
	csvin_close(in);
	unlink(path);
	got_free(&g);
}

static void
test_lines(void)
{
	struct csvin_opts	opts;
	struct result		res;

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);

	read_str("id,note\n1,\"two\nlines\"\n2,\"three\n\nlines\"\n3,x\n",
	    &opts, &res);
	is_int(res.rc, 0, "quoted newlines read");
	is_int(res.got.n, 4, "quoted newlines do not split records");
	is_str(cell(&res, 1, 1), "two\nlines", "embedded newline kept");
	is_str(cell(&res, 2, 1), "three\n\nlines",
	    "embedded blank line kept");
	ok(res.got.lines[1] == 2 && res.got.lines[2] == 4 &&
	    res.got.lines[3] == 7, "lines 2, 4, 7 after quoted newlines "
	    "(got %lu, %lu, %lu)", res.got.lines[1], res.got.lines[2],
	    res.got.lines[3]);

	read_str("id,note\r\n1,\"a\r\nb\"\r\n2,x\r\n", &opts, &res);
	is_int(res.rc, 0, "CRLF reads");
	is_int(res.got.n, 3, "CRLF: three records");
	is_str(cell(&res, 0, 1), "note", "CRLF: no CR left in the field");
	is_str(cell(&res, 1, 1), "a\r\nb", "CRLF inside quotes kept as is");
	ok(res.got.lines[1] == 2 && res.got.lines[2] == 4,
	    "CRLF lines 2, 4 (got %lu, %lu)", res.got.lines[1],
	    res.got.lines[2]);

	read_str("id,n\n\n1,a\n\n\n2,b\n\n", &opts, &res);
	is_int(res.rc, 0, "blank lines read");
	is_int(res.got.n, 3, "blank lines are no records");
	ok(res.got.lines[1] == 3 && res.got.lines[2] == 6,
	    "lines 3, 6 across blank lines (got %lu, %lu)", res.got.lines[1],
	    res.got.lines[2]);

	read_str("id,n\r\n\r\n1,a\r\n\r\n2,b\r\n", &opts, &res);
	ok(res.rc == 0 && res.got.n == 3 && res.got.lines[1] == 3 &&
	    res.got.lines[2] == 5, "CRLF blank lines: lines 3, 5 (got "
	    "%lu, %lu)", res.got.lines[1], res.got.lines[2]);

	read_str("id,n\r1,a\r\r2,\"b\rc\"\r3,d\r", &opts, &res);
	is_int(res.rc, 0, "CR-only file reads");
	is_int(res.got.n, 4, "CR-only: four records");
	is_str(cell(&res, 1, 1), "a", "CR-only: no CR in the field");
	is_str(cell(&res, 2, 1), "b\rc", "CR-only: quoted CR kept");
	ok(res.got.lines[1] == 2 && res.got.lines[2] == 4 &&
	    res.got.lines[3] == 6, "CR-only lines 2, 4, 6 (got %lu, %lu, "
	    "%lu)", res.got.lines[1], res.got.lines[2], res.got.lines[3]);
	got_free(&res.got);
}

/*
 * A file of more than one read chunk (256 KiB) whose line break eol
 * falls across the boundary: the line count must not skip or repeat.
 */
static void
test_lines_chunks(const char *eol, const char *what)
{
	struct csvin_opts	 opts;
	struct result		 res;
	size_t			 cap = 600 * 1024, len = 0, elen = strlen(eol);
	size_t			 target = 256 * 1024 - 1, rows = 1, pad;
	char			*buf = malloc(cap);

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);
	len += sprintf(buf + len, "id,text%s", eol);
	while (len < 520 * 1024) {
		/* The row reaching the boundary puts its first EOL byte on
		 * the chunk's last byte. */
		if (len < target && len + 40 > target) {
			pad = target - len - 6;
			len += sprintf(buf + len, "%05zu,", rows);
			memset(buf + len, 'p', pad);
			len += pad;
			memcpy(buf + len, eol, elen);
			len += elen;
		} else
			len += sprintf(buf + len, "%05zu,row text %s", rows,
			    eol);
		rows++;
	}
	ok(buf[target] == eol[0], "%s: a line break at the chunk's last "
	    "byte", what);
	read_data(buf, len, &opts, &res, NULL, 0);
	is_int(res.rc, 0, "%s: a multi-chunk file reads", what);
	is_int(res.got.n, rows, "%s: every record", what);
	ok(res.got.seq, "%s: record i starts on line i + 1 throughout "
	    "(last %lu)", what, res.got.last_line);
	got_free(&res.got);
	free(buf);
}

static void
test_delimiters(void)
{
	struct csvin_opts	opts;
	struct result		res;

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);

	read_str("id,name,city\n1,a,b\n2,c,d\n", &opts, &res);
	ok(res.delimiter == ',' && res.sniffed, "',' sniffed");

	read_str("id;name;city\n1;a,x;b\n2;c;d\n", &opts, &res);
	ok(res.delimiter == ';' && res.sniffed, "';' sniffed");
	is_str(cell(&res, 1, 1), "a,x", "with ';' a comma is data");

	read_str("id\tname\tcity\n1\ta\tb\n2\tc\td\n", &opts, &res);
	ok(res.delimiter == '\t' && res.sniffed, "tab sniffed");
	is_str(cell(&res, 2, 2), "d", "tab-delimited field");

	read_str("id|name|city\n1|a|b\n2|c|d\n", &opts, &res);
	ok(res.delimiter == '|' && res.sniffed, "'|' sniffed");

	read_str("customer_id\n1f4e2b7c\n2a5f3c8d\n", &opts, &res);
	ok(res.rc == 0 && res.got.n == 3 && res.got.nfields[1] == 1 &&
	    res.delimiter == ',', "a single-column file: one field per "
	    "record, ',' assumed");

	/* A quote inside an unquoted field is taken literally. */
	read_str("id,item\n1,12\" pipe\n2,x\n", &opts, &res);
	ok(res.rc == 0 && res.got.n == 3, "a bare quote inside a field is "
	    "read: %s", res.err.msg);
	is_str(cell(&res, 1, 1), "12\" pipe", "and kept as written");

	read_str("name;note;city\n\"Contoso, Inc.\";\"a, b, c\";Paris\n"
	    "\"Fabrikam, Ltd, UK\";\"x, y\";Lyon\n", &opts, &res);
	is_int(res.delimiter, ';', "commas inside quotes do not win over ';'");
	is_str(cell(&res, 1, 0), "Contoso, Inc.", "quoted comma field");
	is_int(res.got.nfields[2], 3, "three fields with ';'");

	opts.delimiter = ';';
	read_str("id,name;x\n1,a;b\n", &opts, &res);
	ok(res.delimiter == ';' && !res.sniffed, "a given delimiter is used, "
	    "not sniffed");
	is_str(cell(&res, 1, 0), "1,a", "given ';': commas are data");
	opts.delimiter = '"';
	read_str("id,name\n", &opts, &res);
	ok(!res.opened && res.err.code == 64,
	    "the quote as delimiter is a usage error (code %d)",
	    res.err.code);
	opts.delimiter = 0;

	read_str("sep=;\nid;name\n1;a,b\n", &opts, &res);
	is_int(res.rc, 0, "Excel's sep=; line reads");
	is_int(res.delimiter, ';', "sep=; sets the delimiter");
	is_int(res.got.n, 2, "the sep= line is not a record");
	is_str(cell(&res, 0, 0), "id", "the header follows sep=");
	is_str(cell(&res, 1, 1), "a,b", "sep=;: commas are data");
	ok(res.got.lines[0] == 2 && res.got.lines[1] == 3,
	    "sep=: header on line 2, record on line 3 (got %lu, %lu)",
	    res.got.lines[0], res.got.lines[1]);

	read_str("sep=|\r\nid|name\r\n1|a;b,c\r\n", &opts, &res);
	ok(res.rc == 0 && res.delimiter == '|' && res.got.n == 2 &&
	    res.got.lines[1] == 3, "sep=| with CRLF");
	got_free(&res.got);
}

static void
test_charsets(void)
{
	static const char	 u8[] =
	    "customer_id\tcompany_name\tcity\r\n"
	    "1\t北京科技有限公司\tCafé\r\n"
	    "2\t\"多行\r\n名称\"\t東京\r\n";
	struct csvin_opts	 opts;
	struct result		 res;
	char			*conv, *buf, *big;
	size_t			 len, i;

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);

	read_str("\357\273\277customer_id,name\n1,a\n", &opts, &res);
	is_int(res.rc, 0, "UTF-8 with BOM reads");
	is_str(cell(&res, 0, 0), "customer_id", "BOM stripped from the "
	    "first header");
	ok(res.bom && strcmp(res.encoding, "UTF-8") == 0,
	    "BOM recorded, encoding UTF-8");

	/* Excel's "Unicode text": UTF-16LE with BOM, tab-delimited. */
	conv = recode("UTF-16LE", u8, &len);
	buf = malloc(len + 2);
	memcpy(buf, "\377\376", 2);
	memcpy(buf + 2, conv, len);
	read_data(buf, len + 2, &opts, &res, NULL, 0);
	is_int(res.rc, 0, "UTF-16LE with BOM reads: %s", res.err.msg);
	is_str(res.encoding, "UTF-16LE", "encoding UTF-16LE");
	ok(res.bom, "UTF-16LE BOM recorded");
	is_int(res.delimiter, '\t', "UTF-16 tab delimiter sniffed");
	is_int(res.got.n, 3, "UTF-16LE: three records");
	is_str(cell(&res, 0, 0), "customer_id", "UTF-16LE: BOM stripped");
	is_str(cell(&res, 1, 1), "北京科技有限公司",
	    "UTF-16LE: Chinese comes out as UTF-8");
	is_str(cell(&res, 1, 2), "Café", "UTF-16LE: accented letter");
	is_str(cell(&res, 2, 1), "多行\r\n名称", "UTF-16LE: quoted CRLF");
	ok(res.got.lines[2] == 3, "UTF-16LE: record 2 on line 3");
	free(buf);
	free(conv);

	/* UTF-16LE without a BOM (some exporters): found by its NULs. */
	conv = recode("UTF-16LE", "customer_id,name\r\n"
	    "1f4e2b7c-0000-4000-8000-000000000000,Zo\303\253\r\n", &len);
	read_data(conv, len, &opts, &res, NULL, 0);
	ok(res.rc == 0 && strcmp(res.encoding, "UTF-16LE") == 0 && !res.bom,
	    "BOM-less UTF-16LE reads as UTF-16LE: %s", res.err.msg);
	is_str(cell(&res, 1, 1), "Zo\303\253", "BOM-less UTF-16LE field");
	free(conv);

	/* GB18030 named by the caller. */
	opts.encoding = "gb18030";
	conv = recode("GB18030", "id,公司,城市\n1,北京科技有限公司,海淀区\n",
	    &len);
	read_data(conv, len, &opts, &res, NULL, 0);
	is_int(res.rc, 0, "GB18030 with opts.encoding reads: %s",
	    res.err.msg);
	is_str(res.encoding, "GB18030", "encoding name normalized to "
	    "upper case");
	ok(!res.detected, "a given encoding is not 'detected'");
	is_str(cell(&res, 0, 1), "公司", "GB18030 header converted");
	is_str(cell(&res, 1, 2), "海淀区", "GB18030 field converted");
	free(conv);

	/* A UTF-8 BOM contradicting the given encoding. */
	read_str("\357\273\277id,name\n", &opts, &res);
	ok(!res.opened && res.err.code == 65 && has(res.err.msg, "byte "
	    "order mark"), "BOM against --encoding: refused: %s",
	    res.err.msg);
	opts.encoding = NULL;

	/* GB18030 without a name: a few KB are enough for uchardet. */
	big = malloc(64 * 1024);
	strcpy(big, "customer_id,company_name,city\n");
	for (i = 0; i < 60; i++)
		sprintf(big + strlen(big), "%zu,北京科技有限公司第%zu分公司,"
		    "北京市海淀区中关村大街\n", i, i);
	conv = recode("GB18030", big, &len);
	read_data(conv, len, &opts, &res, NULL, 0);
	is_int(res.rc, 0, "GB18030 without --encoding reads: %s",
	    res.err.msg);
	ok(res.detected, "and was detected");
	is_str(res.encoding, "GB18030", "detected as GB18030");
	is_str(cell(&res, 2, 1), "北京科技有限公司第1分公司",
	    "detected GB18030 converted");
	free(conv);
	free(big);
	got_free(&res.got);
}

static void
test_refusals(void)
{
	static const char	 xlsx[] = "PK\003\004\024\0\006\0\010\0"
	    "\0\0!\0[Content_Types].xml....xl/workbook.xml....";
	struct csvin_opts	 opts;
	struct result		 res;
	char			 path[4096], want[4200];
	char			*big;
	size_t			 len, i;

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);

	snprintf(path, sizeof path, "%s/importer-csvin-no-such-file.csv",
	    tmpdir_path);
	read_path(path, &opts, &res);
	ok(!res.opened, "a missing file does not open");
	is_int(res.err.code, 66, "missing file: code 66");
	ok(has(res.err.msg, path), "the message names the file: %s",
	    res.err.msg);

	read_path(tmpdir_path, &opts, &res);
	ok(!res.opened && res.err.code == 66, "a folder: code 66 (%s)",
	    res.err.msg);

	read_data("", 0, &opts, &res, path, sizeof path);
	ok(!res.opened, "an empty file does not open");
	is_int(res.err.code, 65, "empty file: code 65");
	ok(has(res.err.msg, "empty"), "the message says empty: %s",
	    res.err.msg);

	read_data(xlsx, sizeof xlsx - 1, &opts, &res, path, sizeof path);
	ok(!res.opened, "an XLSX named .csv does not open");
	is_int(res.err.code, 65, "XLSX: code 65");
	ok(has(res.err.msg, "Excel workbook"), "the message says it is an "
	    "Excel workbook: %s", res.err.msg);
	ok(has(res.err.msg, path), "and names the file");

	/* Windows-1252 'é' (E9) on line 3, no encoding given. */
	read_str("id,name\n1,ok\n2,caf\351 au lait\n3,x\n", &opts, &res);
	ok(!res.opened || res.rc == -1, "invalid UTF-8 is refused");
	is_int(res.err.code, 65, "invalid UTF-8: code 65");
	ok(has(res.err.msg, ":3:"), "the message names line 3: %s",
	    res.err.msg);
	ok(has(res.err.msg, "--encoding"), "and suggests --encoding");

	/* The same past the first read chunk: found by csvin_read. */
	big = malloc(400 * 1024);
	len = 0;
	len += sprintf(big, "id,name\n");
	for (i = 2; len < 300 * 1024; i++)
		len += sprintf(big + len, "%zu,plain ascii text\n", i);
	len += sprintf(big + len, "%zu,caf\351\n", i);
	len += sprintf(big + len, "%zu,after\n", i + 1);
	read_data(big, len, &opts, &res, NULL, 0);
	ok(res.opened, "a file valid in its first chunk opens");
	is_int(res.rc, -1, "invalid UTF-8 in a later chunk fails the read");
	is_int(res.err.code, 65, "later-chunk invalid UTF-8: code 65");
	snprintf(want, sizeof want, ":%zu:", i);
	ok(has(res.err.msg, want), "the message names line %zu: %s", i,
	    res.err.msg);
	free(big);

	read_str("id,name\n1,ok\n2,\"never closed\n3,x\n4,y\n", &opts, &res);
	ok(res.opened, "a file with an unterminated quote opens");
	is_int(res.rc, -1, "unterminated quote: the read fails");
	is_int(res.err.code, 65, "unterminated quote: code 65");
	ok(has(res.err.msg, ":3:"), "the message names line 3, where the "
	    "record started: %s", res.err.msg);

	read_str("id,name\n1,ok\n2,\"ab\"c,d\n3,x\n", &opts, &res);
	ok(res.rc == -1 && res.err.code == 65 && has(res.err.msg, ":3:"),
	    "text after a closing quote: code 65 on line 3: %s",
	    res.err.msg);
	got_free(&res.got);
}

static void
test_limits(void)
{
	struct csvin_opts	 opts;
	struct result		 res;
	char			*big;
	size_t			 i;

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);

	opts.max_field = 16;
	read_str("id,name\n1,sixteen-bytes-ok\n", &opts, &res);
	is_int(res.rc, 0, "a field of exactly max_field bytes is read");
	read_str("id,name\n1,ok\n2,seventeen-bytes-x\n", &opts, &res);
	is_int(res.rc, -1, "a field over max_field fails");
	is_int(res.err.code, 65, "field too long: code 65");
	ok(has(res.err.msg, "longer than 16") && has(res.err.msg, ":3:"),
	    "'longer than 16' on line 3: %s", res.err.msg);
	read_str("id,name\n1,\"a quoted field, closed\"\n", &opts, &res);
	ok(res.rc == -1 && res.err.code == 65 &&
	    has(res.err.msg, "longer than 16") && has(res.err.msg, ":2:"),
	    "a long quoted field is stopped by max_field too: %s",
	    res.err.msg);
	big = malloc(20000);
	memcpy(big, "id,name\n1,\"never closed ", 23);
	memset(big + 23, 'x', 20000 - 23);
	for (i = 100; i < 20000; i += 100)
		big[i] = '\n';
	read_data(big, 20000, &opts, &res, NULL, 0);
	ok(res.rc == -1 && res.err.code == 65 &&
	    has(res.err.msg, "longer than 16") && has(res.err.msg, ":2:"),
	    "a quote never closed is stopped long before the end of the "
	    "file: %s", res.err.msg);
	free(big);
	opts.max_field = 0;

	opts.max_cols = 4;
	read_str("a,b,c,d\n1,2,3,4\n", &opts, &res);
	is_int(res.rc, 0, "max_cols fields are read");
	read_str("a,b,c,d\n1,2,3,4\n1,2,3,4,5\n", &opts, &res);
	is_int(res.rc, -1, "one field more than max_cols fails");
	is_int(res.err.code, 65, "too many columns: code 65");
	ok(has(res.err.msg, "more than 4") && has(res.err.msg, ":3:"),
	    "'more than 4' on line 3: %s", res.err.msg);
	opts.max_cols = 0;

	opts.max_record = 16;
	read_str("a,b\n1,2\n", &opts, &res);
	is_int(res.rc, 0, "a short record fits max_record");
	read_str("a,b\n1,2\n12345,12345,12345,12345\n", &opts, &res);
	is_int(res.rc, -1, "a record over max_record fails");
	is_int(res.err.code, 65, "record too long: code 65");
	ok(has(res.err.msg, "record longer than 16") &&
	    has(res.err.msg, ":3:"), "'record longer than 16' on line 3: %s",
	    res.err.msg);
	got_free(&res.got);
}

/* The SHA-256 of path as sha256sum prints it, into out[65]. */
static int
sha256sum(const char *path, char *out)
{
	char	 cmd[4200];
	FILE	*fp;
	int	 n;

	snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
	fp = popen(cmd, "r");
	if (fp == NULL)
		return -1;
	n = fscanf(fp, "%64s", out);
	pclose(fp);
	return n == 1 ? 0 : -1;
}

static void
test_sha256(void)
{
	struct csvin_opts	 opts;
	struct result		 res;
	char			 path[4096], want[65];
	char			*big;
	size_t			 len = 0, i;
	int			 have;

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);

	read_str("abc", &opts, &res);
	is_str(res.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
	    "b410ff61f20015ad", "SHA-256 of 'abc' (FIPS 180-2 example)");
	is_int(res.size, 3, "size of 'abc'");

	/* Several chunks, a BOM: every byte counts, the BOM too. */
	big = malloc(700 * 1024);
	memcpy(big, "\357\273\277id,name\r\n", 12);
	len = 12;
	for (i = 0; len < 600 * 1024; i++)
		len += sprintf(big + len, "%zu,\"name %zu\"\r\n", i, i * 7);
	if (write_tmp(big, len, path, sizeof path) == -1)
		path[0] = '\0';
	have = path[0] != '\0' && sha256sum(path, want) == 0;
	read_path(path, &opts, &res);
	is_int(res.rc, 0, "a 600 KB file reads");
	if (have)
		is_str(res.sha256, want, "csvin_sha256 equals sha256sum's");
	else
		ok(0, "sha256sum did not run");
	is_int(res.size, len, "csvin_size is the file's size");
	unlink(path);
	free(big);
	got_free(&res.got);
}

int
main(void)
{
	const char	*t = getenv("TMPDIR");

	snprintf(tmpdir_path, sizeof tmpdir_path, "%s",
	    t != NULL && *t != '\0' ? t : "/tmp");
	test_records();
	test_stop();
	test_lines();
	test_lines_chunks("\n", "LF");
	test_lines_chunks("\r\n", "CRLF");
	test_lines_chunks("\r", "CR");
	test_delimiters();
	test_charsets();
	test_refusals();
	test_limits();
	test_sha256();
	return done_testing();
}
