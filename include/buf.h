/*
 * buf.h: a growable byte buffer, its bytes always followed by a NUL.
 * Zeroed, it is empty; growing it cannot fail (xmalloc.h).
 */
#ifndef IMPORTER_BUF_H
#define IMPORTER_BUF_H

#include <stddef.h>

struct buf {
	char	*s;
	size_t	 len, cap;
};

/* Appends s[0..n); n may be 0 (s unused), to have the NUL. */
void	buf_add(struct buf *b, const void *s, size_t n);
void	buf_free(struct buf *b);

#endif
