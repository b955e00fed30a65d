/* numfmt.h: (stub until the module lands) */
#ifndef IMPORTER_NUMFMT_H
#define IMPORTER_NUMFMT_H
#include <stddef.h>
struct numfmt;
struct numfmt	*numfmt_new(const char *code);
void		 numfmt_free(struct numfmt *);
const char	*numfmt_builtin(unsigned id);
int		 numfmt_is_date(const struct numfmt *);
int		 numfmt_is_text(const struct numfmt *);
int		 numfmt_render(const struct numfmt *f, double v, int date1904, char *buf, size_t size);
int		 numfmt_general(double v, char *buf, size_t size);
#endif
