/*
 * buf.c: a growable byte buffer.
 */
#include "config.h"

#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void
buf_reserve(struct buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
}

void
buf_add(struct buf *b, const void *s, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	/* Whole, never cut: a value in a message (a conflict's, the
	 * service's) may be long, and a cut one would end in half a
	 * character. */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_free(struct buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}
