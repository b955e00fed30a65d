/*
 * numfmt_show.c: t_numfmt.sh's helper. Reads "code<TAB>value" lines
 * (value in C notation, optionally "<TAB>1904"), writes one line each:
 * the rendering, a tab, and numfmt_render's return.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"

int
main(void)
{
	char		 line[4096], out[1024];
	char		*tab, *val, *end, *opt;
	struct numfmt	*f;
	double		 v;
	int		 rc;

	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		tab = strchr(line, '\t');
		if (tab == NULL) {
			fprintf(stderr, "numfmt_show: no tab: %s\n", line);
			return 1;
		}
		*tab = '\0';
		val = tab + 1;
		opt = strchr(val, '\t');
		if (opt != NULL)
			*opt++ = '\0';
		v = strtod(val, &end);
		if (end == val || *end != '\0') {
			fprintf(stderr, "numfmt_show: not a number: %s\n", val);
			return 1;
		}
		f = numfmt_new(line);
		rc = numfmt_render(f, v, opt != NULL && strcmp(opt, "1904") ==
		    0, out, sizeof out);
		numfmt_free(f);
		printf("%s\t%d\n", out, rc);
	}
	return 0;
}
