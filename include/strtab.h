/*
 * strtab.h: a table of strings by number, in bounded memory: a workbook's
 * shared strings. Strings are kept in memory up to a budget; past it the
 * table moves to an unlinked temporary file, read back through a small
 * cache of blocks (a sheet asks for its strings mostly in the order they
 * were added, so most reads hit the cache or the next block).
 */
#ifndef IMPORTER_STRTAB_H
#define IMPORTER_STRTAB_H

#include <stddef.h>

#include "importer.h"

#define STRTAB_MEMORY	(8u << 20)	/* bytes kept before spilling */

struct strtab;

/* A new table keeping up to memory bytes in memory (0: STRTAB_MEMORY). */
struct strtab	*strtab_new(size_t memory);
void		 strtab_free(struct strtab *);
/* Adds s[0..n) as the next string; -1 with err if the disk refuses. */
int		 strtab_add(struct strtab *, const char *s, size_t n,
		    struct imp_err *err);
size_t		 strtab_count(const struct strtab *);
/* Nonzero once the table lives in its temporary file. */
int		 strtab_spilled(const struct strtab *);
/*
 * String i, NUL-terminated, its length in *len. The pointer is valid
 * until the next call on the table. NULL with err if i is out of range
 * (code 65) or the file cannot be read (70).
 */
const char	*strtab_get(struct strtab *, size_t i, size_t *len,
		    struct imp_err *err);

#endif
