/*
 * xmalloc.h: allocation that cannot fail: out of memory prints and exits 70.
 */
#ifndef IMPORTER_XMALLOC_H
#define IMPORTER_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; caller frees. */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
