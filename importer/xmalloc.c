/*
 * xmalloc.c: allocation wrappers. Running out of memory is fatal: no other
 * code checks allocation results (as tmux and htop do).
 */
#include "config.h"

#include "xmalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importer.h"

static void __attribute__((noreturn))
xmalloc_fatal(size_t size)
{
	fprintf(stderr, "importer: out of memory (%zu bytes)\n", size);
	exit(IMP_EXIT_SOFTWARE);
}

void *
xmalloc(size_t size)
{
	void	*p;

	p = malloc(size ? size : 1);
	if (p == NULL)
		xmalloc_fatal(size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		xmalloc_fatal(nmemb * size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void	*p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		xmalloc_fatal(SIZE_MAX);
	p = realloc(ptr, nmemb * size != 0 ? nmemb * size : 1);
	if (p == NULL)
		xmalloc_fatal(nmemb * size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		xmalloc_fatal(strlen(fmt));
	va_end(ap);
	return s;
}
