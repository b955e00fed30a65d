/*
 * tempfile.c: temporary files and folders, one way for every module.
 */
#include "config.h"

#include "tempfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

/* mkstemp's six placeholder characters. */
#define PLACEHOLDERS	"X" "X" "X" "X" "X" "X"

const char *
tempfile_dir(void)
{
	const char	*dir = getenv("TMPDIR");

	return dir != NULL && *dir != '\0' ? dir : "/tmp";
}

char *
tempfile_template(const char *name)
{
	return xasprintf("%s/importer-%s.%s", tempfile_dir(), name,
	    PLACEHOLDERS);
}

int
tempfile_open(const char *name, struct imp_err *err)
{
	char	*path = tempfile_template(name);
	int	 fd;

	if ((fd = mkstemp(path)) == -1)
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", path,
		    strerror(errno));
	else
		unlink(path);
	free(path);
	return fd;
}
