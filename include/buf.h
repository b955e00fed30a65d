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

/* Makes room for n more bytes and the NUL, for a caller writing them
 * into s + len itself (and the NUL after them). */
void	buf_reserve(struct buf *b, size_t n);
/* Appends s[0..n); n may be 0 (s unused), to have the NUL. */
void	buf_add(struct buf *b, const void *s, size_t n);
/* Appends the formatted text, whole. */
void	buf_addf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_free(struct buf *b);

#endif
