/*
 * cmd.h: the command table. Each cmd_<verb>.c exports one entry; main.c
 * looks commands up by name, and prints help from the same table.
 */
#ifndef IMPORTER_CMD_H
#define IMPORTER_CMD_H

#include "importer.h"

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* "stage FILE [--encoding NAME] ..." */
	const char	*summary;	/* one line for the command list */
	const char	*help;		/* the options, one per line */
	int		(*exec)(int argc, char **argv);	/* an exit code */
};

extern const struct cmd_entry cmd_stage_entry;
extern const struct cmd_entry cmd_history_entry;

/* Prints "importer: <msg>" on stderr and returns err->code (70 if unset). */
int	cmd_fail(const struct imp_err *err);
/* Prints the command's usage line on stderr and returns 64. */
int	cmd_usage(const struct cmd_entry *ce, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
