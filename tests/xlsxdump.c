/*
 * xlsxdump.c: prints a workbook's sheet as the workbook reader (xlsxin)
 * reads it, for the tests: one CSV line a record, its sheet row number
 * first, then its cells; a cell's flags (XLSXIN_*) follow its text after a
 * tab when it has any. The sheet's warnings go to stderr.
 *
 *	xlsxdump [-m BYTES] FILE.xlsx [SHEET]
 *
 * -m: the shared strings' memory budget (xlsxin_opts.sst_memory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importer.h"
#include "xlsxin.h"

static void
field(const char *s, size_t n, unsigned flags)
{
	size_t	i;

	putchar('"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			putchar('"');
		putchar(s[i]);
	}
	if (flags != 0)
		printf("\t%u", flags);
	putchar('"');
}

static int
on_record(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	size_t	i;

	(void)arg, (void)err;
	printf("%lu", rec->row);
	for (i = 0; i < rec->nfields; i++) {
		putchar(',');
		field(rec->fields[i], rec->lens[i],
		    rec->flags != NULL ? rec->flags[i] : 0);
	}
	putchar('\n');
	return 0;
}

int
main(int argc, char **argv)
{
	struct xlsxin_opts	 o;
	struct xlsxin		*in;
	struct imp_err		 err;
	size_t			 i;

	memset(&o, 0, sizeof o);
	memset(&err, 0, sizeof err);
	if (argc > 2 && strcmp(argv[1], "-m") == 0) {
		o.sst_memory = strtoul(argv[2], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: xlsxdump [-m BYTES] FILE.xlsx "
		    "[SHEET]\n");
		return 64;
	}
	o.sheet = argc == 3 ? argv[2] : NULL;
	if ((in = xlsxin_open(argv[1], &o, &err)) == NULL ||
	    xlsxin_read(in, on_record, NULL, &err) == -1) {
		fprintf(stderr, "xlsxdump: %s\n", err.msg);
		xlsxin_close(in);
		return err.code;
	}
	for (i = 0; i < xlsxin_nwarnings(in); i++)
		fprintf(stderr, "warning: %s\n", xlsxin_warning(in, i));
	xlsxin_close(in);
	return 0;
}
