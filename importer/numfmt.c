/* stub */
#include "config.h"
#include "numfmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
struct numfmt { char *code; };
struct numfmt *numfmt_new(const char *code) { struct numfmt *f = calloc(1, sizeof *f); f->code = strdup(code); return f; }
void numfmt_free(struct numfmt *f) { if (f) { free(f->code); free(f); } }
const char *numfmt_builtin(unsigned id) { return id == 0 ? "General" : id == 1 ? "0" : id == 49 ? "@" : id == 14 ? "mm-dd-yy" : NULL; }
int numfmt_is_date(const struct numfmt *f) { return strchr(f->code, 'y') != NULL; }
int numfmt_is_text(const struct numfmt *f) { return strcmp(f->code, "@") == 0; }
int numfmt_general(double v, char *buf, size_t size) { snprintf(buf, size, "%.11g", v); return 0; }
int numfmt_render(const struct numfmt *f, double v, int d, char *buf, size_t size) {
	(void)d;
	if (strspn(f->code, "0") == strlen(f->code) && *f->code) { snprintf(buf, size, "%0*.0f", (int)strlen(f->code), v); return 0; }
	return numfmt_general(v, buf, size);
}
