/*
 * err.c: the caller-owned error buffer every module fills on failure.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "importer.h"

struct imp_opts imp_opts;

int
imp_errf(struct imp_err *err, int code, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}
