/*
 * fuzz_numfmt.c: libFuzzer harness for numfmt (numfmt.h): the input is a
 * format code as a workbook's styles part would hold it; it is compiled
 * and a few values are rendered in both date systems. Beyond the
 * sanitizers it checks the contract: a return of -1, 0 or 1; the text
 * always NUL-terminated inside the buffer; -1 exactly when the text did
 * not fit, and then the cut text a prefix of the whole one.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const double values[] = {
	0, 1, -1, 0.5, -1234.5678, 2.675, 45266.75, 60, 1e-7, 123456789012.0,
	1e300, -1e-300, 2958466, NAN, INFINITY
};

static void
render(const struct numfmt *f, double v, int date1904)
{
	char	 big[4096], small[8];
	size_t	 len;
	int	 rc, rc2;

	rc = numfmt_render(f, v, date1904, big, sizeof big);
	if (rc < -1 || rc > 1 || memchr(big, '\0', sizeof big) == NULL)
		abort();
	if (rc == -1)
		return;		/* a code with thousands of literals */
	len = strlen(big);
	memset(small, 'x', sizeof small);
	rc2 = numfmt_render(f, v, date1904, small, sizeof small);
	if (memchr(small, '\0', sizeof small) == NULL)
		abort();
	if (len < sizeof small ? rc2 != rc || strcmp(small, big) != 0 :
	    rc2 != -1 || strncmp(small, big, sizeof small - 1) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct numfmt	*f;
	char		*code;
	size_t		 i;

	code = xstrndup((const char *)data, size);
	f = numfmt_new(code);
	(void)numfmt_is_date(f);
	(void)numfmt_is_text(f);
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		render(f, values[i], 0);
		render(f, values[i], 1);
	}
	numfmt_free(f);
	free(code);
	return 0;
}
