/*
 * xlsxfloor.c: the floor under reading a workbook, for the benchmark:
 * inflate its first sheet with libzip and parse it with expat, handlers
 * empty, on one thread: what the two libraries cost before importer does
 * anything with a cell.
 *
 *	xlsxfloor FILE.xlsx [MEMBER]	(default xl/worksheets/sheet1.xml)
 */
#include <stdio.h>
#include <stdlib.h>

#include <expat.h>
#include <zip.h>

static unsigned long	elements;

static void XMLCALL
on_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	(void)arg, (void)name, (void)atts;
	elements++;
}

static void XMLCALL
on_end(void *arg, const XML_Char *name)
{
	(void)arg, (void)name;
}

static void XMLCALL
on_text(void *arg, const XML_Char *s, int len)
{
	(void)arg, (void)s, (void)len;
}

int
main(int argc, char **argv)
{
	static char	 buf[256 * 1024];
	const char	*member = argc > 2 ? argv[2] : "xl/worksheets/sheet1.xml";
	zip_t		*z;
	zip_file_t	*f;
	XML_Parser	 p;
	zip_int64_t	 n;
	int		 e;

	if (argc < 2) {
		fprintf(stderr, "usage: xlsxfloor FILE.xlsx [MEMBER]\n");
		return 64;
	}
	if ((z = zip_open(argv[1], ZIP_RDONLY, &e)) == NULL ||
	    (f = zip_fopen(z, member, 0)) == NULL) {
		fprintf(stderr, "xlsxfloor: %s: cannot open %s\n", argv[1],
		    member);
		return 1;
	}
	p = XML_ParserCreate("UTF-8");
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	do {
		if ((n = zip_fread(f, buf, sizeof buf)) < 0 ||
		    XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			fprintf(stderr, "xlsxfloor: %s: read or parse failed\n",
			    argv[1]);
			return 1;
		}
	} while (n > 0);
	printf("%lu elements\n", elements);
	XML_ParserFree(p);
	zip_fclose(f);
	zip_discard(z);
	return 0;
}
