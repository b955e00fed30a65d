/*
 * importer.h: types shared by every module: exit codes, the error buffer
 * and the global options parsed by main.c.
 */
#ifndef IMPORTER_IMPORTER_H
#define IMPORTER_IMPORTER_H

#include <stddef.h>

/* Exit codes, fixed by DESIGN.md (sysexits.h values). */
enum imp_exit {
	IMP_EXIT_OK = 0,		/* every row ended well */
	IMP_EXIT_ROWS = 1,		/* completed, some rows did not */
	IMP_EXIT_USAGE = 64,		/* EX_USAGE */
	IMP_EXIT_DATAERR = 65,		/* EX_DATAERR: input unusable */
	IMP_EXIT_NOINPUT = 66,		/* EX_NOINPUT */
	IMP_EXIT_UNAVAILABLE = 69,	/* EX_UNAVAILABLE: service unreachable */
	IMP_EXIT_SOFTWARE = 70,		/* EX_SOFTWARE: internal error */
	IMP_EXIT_TEMPFAIL = 75,		/* EX_TEMPFAIL: another importer is
					 * working on the database */
	IMP_EXIT_NOPERM = 77		/* EX_NOPERM: authentication refused */
};

/*
 * A failure message written by the failing module and printed by the
 * caller. Fixed size, so the error path never allocates.
 */
struct imp_err {
	int	code;		/* an enum imp_exit the failure maps to */
	char	msg[512];
};

/* Fills err (code and message) and returns -1. */
int	imp_errf(struct imp_err *err, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Global options, set by main.c before a command runs. */
struct imp_opts {
	const char	*db;		/* --db, $IMPORTER_DB or "importer.db" */
	int		 db_given;	/* --db was given */
	const char	*profile;	/* --profile FILE or NULL */
	int		 json;		/* --json */
	int		 quiet;		/* -q */
	int		 verbose;	/* -v */
	const char	*as;		/* --as NAME: the operator, or NULL */
};
extern struct imp_opts imp_opts;

#endif
