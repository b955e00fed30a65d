/*
 * colmap.h: the mapping of a file's header onto the canonical columns
 * (column.h): loose matching (case, spaces, '_', '-'), common aliases, and the
 * profile's own [columns] mappings.
 */
#ifndef IMPORTER_COLMAP_H
#define IMPORTER_COLMAP_H

#include <stddef.h>

#include "column.h"
#include "importer.h"

#define COLMAP_EXTRA	(-1)	/* unknown column: carried along */
#define COLMAP_IGNORE	(-2)	/* mapped away by the profile */

/* A profile's mapping of one header to a canonical name or "ignore". */
struct colmap_rule {
	char		*header;
	int		 col;		/* enum colmap_col or COLMAP_IGNORE */
};

/* The canonical name of col ("customer_id", ...). */
const char	*colmap_name(int col);
/* The canonical column for a name (exact canonical name), or -1. */
int		 colmap_lookup(const char *name);

struct colmap;

/*
 * Maps header names onto columns. rules (may be NULL) come first, then the
 * canonical names and aliases. Fails with err (code 65) on a missing
 * customer_id, a missing required column (mask of 1 << col), or two
 * columns meaning the same thing.
 */
struct colmap	*colmap_new(const char *const *names, size_t n,
		    const struct colmap_rule *rules, size_t nrules,
		    unsigned required, struct imp_err *err);
void		 colmap_free(struct colmap *cm);
size_t		 colmap_ninput(const struct colmap *cm);
/* The column input index i maps to: enum colmap_col or COLMAP_EXTRA/IGNORE. */
int		 colmap_column(const struct colmap *cm, size_t i);
/* The input index of col, or (size_t)-1 when the file lacks it. */
size_t		 colmap_input(const struct colmap *cm, int col);
/* The header as written (borrowed; "column N" when empty). */
const char	*colmap_header(const struct colmap *cm, size_t i);
/* Writes the loose form of s (for matching) into out; returns out. */
char		*colmap_loose(const char *s, char *out, size_t outsize);

#endif
