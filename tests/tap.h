/*
 * tap.h: a minimal TAP producer for the unit tests (automake's
 * tap-driver.sh reads it). ok() counts; done_testing() prints the plan.
 */
#ifndef IMPORTER_TAP_H
#define IMPORTER_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;
/* Set between todo_start() and todo_end(): tests that are expected to
 * fail for now, printed with "# TODO why" and not counted as failures
 * (tap-driver.sh shows them as XFAIL, and as XPASS once they pass). */
static const char *tap_todo __attribute__((unused));

#define todo_start(why)	(tap_todo = (why))
#define todo_end()	(tap_todo = NULL)

static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list	ap;

	tap_n++;
	if (!cond && tap_todo == NULL)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (tap_todo != NULL)
		printf(" # TODO %s", tap_todo);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Compares strings, printing both on failure. */
#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!ok(g_ != NULL && w_ != NULL ? strcmp(g_, w_) == 0 : g_ == w_, \
	    __VA_ARGS__))						\
		printf("# got: '%s'\n# want: '%s'\n", g_ ? g_ : "(null)", \
		    w_ ? w_ : "(null)");				\
} while (0)

#define is_int(got, want, ...) do {					\
	long long g_ = (got), w_ = (want);				\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		printf("# got: %lld\n# want: %lld\n", g_, w_);		\
} while (0)

static void __attribute__((unused))
skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
}

static int __attribute__((unused))
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
