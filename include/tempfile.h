/*
 * tempfile.h: where importer puts what it only needs while it runs (a
 * check's spill, a workbook's shared strings, an evidence pack's parts):
 * $TMPDIR, else /tmp, in files and folders only the user can read.
 */
#ifndef IMPORTER_TEMPFILE_H
#define IMPORTER_TEMPFILE_H

#include "importer.h"

/* $TMPDIR, else /tmp. */
const char	*tempfile_dir(void);
/* A new path template in it, importer-NAME. and mkstemp's placeholders;
 * the caller frees it. */
char		*tempfile_template(const char *name);
/*
 * An unlinked file (mode 0600) in tempfile_dir(), open for reading and
 * writing: gone when closed, whatever happens. Its descriptor, or -1 with
 * err (70).
 */
int		 tempfile_open(const char *name, struct imp_err *err);

#endif
