/*
 * csv2xlsx.c: writes a UTF-8 CSV file as a workbook with libxlsxwriter, in
 * constant-memory mode, for the tests and the benchmark: a workbook whose
 * cells are known to be the CSV's, written by a third library.
 *
 *	csv2xlsx [-S] [-t] [-s SHEET] IN.csv OUT.xlsx
 *
 * -S writes the strings once, in the shared-string table, as Excel does
 * (libxlsxwriter's default mode, which holds the sheet in memory while it
 * writes); without it, in constant-memory mode, every string is inline.
 * -t types the cells a person would type as numbers: up to 11 digits (no
 * sign, no point) become numbers, shown with a format of as many zeros as
 * digits when they start with 0 (a ZIP 02134 is the number 2134 formatted
 * 00000), so that the sheet shows exactly the CSV's text.
 */
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <xlsxwriter.h>

struct ctx {
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	lxw_format	*zeros[12];	/* "0", "00", ... by digits */
	int		 typed;
	lxw_row_t	 row;
	lxw_col_t	 col;
	int		 fields;	/* in this record */
	int		 last;		/* the last record's terminator */
	int		 failed;
};

static lxw_format *
zeros(struct ctx *c, size_t n)
{
	char	code[16];

	if (c->zeros[n] == NULL) {
		memset(code, '0', n);
		code[n] = '\0';
		c->zeros[n] = workbook_add_format(c->wb);
		format_set_num_format(c->zeros[n], code);
	}
	return c->zeros[n];
}

static void
on_field(void *s, size_t len, void *arg)
{
	struct ctx	*c = arg;
	char		*v;
	size_t		 i;
	lxw_error	 e;

	if (c->row == 0 && c->col == 0 && len >= 3 &&
	    memcmp(s, "\357\273\277", 3) == 0) {
		s = (char *)s + 3;
		len -= 3;
	}
	c->fields++;
	if (len == 0) {
		c->col++;
		return;
	}
	v = malloc(len + 1);
	memcpy(v, s, len);
	v[len] = '\0';
	for (i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
		;
	if (c->typed && c->row > 0 && i == len && len <= 11)
		e = worksheet_write_number(c->ws, c->row, c->col, atof(v),
		    v[0] == '0' ? zeros(c, len) : NULL);
	else
		e = worksheet_write_string(c->ws, c->row, c->col, v, NULL);
	if (e != LXW_NO_ERROR)
		c->failed = 1;
	free(v);
	c->col++;
}

static void
on_record(int ch, void *arg)
{
	struct ctx	*c = arg;

	/* Blank lines are rows too (CSV_REPALL_NL), but not the LF of a
	 * record's CRLF. */
	if (c->fields == 0 && ch == '\n' && c->last == '\r') {
		c->last = 0;
		return;
	}
	c->last = ch;
	c->row++;
	c->col = 0;
	c->fields = 0;
}

int
main(int argc, char **argv)
{
	lxw_workbook_options	 wo = { .constant_memory = LXW_TRUE };
	struct csv_parser	 p;
	struct ctx		 c;
	const char		*sheet = NULL;
	char			 buf[65536];
	size_t			 n;
	FILE			*f;
	int			 ch;

	memset(&c, 0, sizeof c);
	while ((ch = getopt(argc, argv, "Sts:")) != -1) {
		switch (ch) {
		case 'S':
			wo.constant_memory = LXW_FALSE;
			break;
		case 't':
			c.typed = 1;
			break;
		case 's':
			sheet = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		goto usage;
	if ((f = fopen(argv[0], "rb")) == NULL) {
		perror(argv[0]);
		return 1;
	}
	c.wb = workbook_new_opt(argv[1], &wo);
	c.ws = c.wb != NULL ? workbook_add_worksheet(c.wb, sheet) : NULL;
	if (c.ws == NULL) {
		fprintf(stderr, "csv2xlsx: %s: cannot create\n", argv[1]);
		return 1;
	}
	csv_init(&p, CSV_APPEND_NULL | CSV_REPALL_NL);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_record, &c) != n) {
			fprintf(stderr, "csv2xlsx: %s: %s\n", argv[0],
			    csv_strerror(csv_error(&p)));
			return 1;
		}
	csv_fini(&p, on_field, on_record, &c);
	csv_free(&p);
	fclose(f);
	if (workbook_close(c.wb) != LXW_NO_ERROR || c.failed) {
		fprintf(stderr, "csv2xlsx: %s: write failed\n", argv[1]);
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: csv2xlsx [-S] [-t] [-s SHEET] IN.csv "
	    "OUT.xlsx\n");
	return 64;
}
