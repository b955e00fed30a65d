/*
 * fuzz_profile.c: libFuzzer harness for the profile parser (profile.h):
 * the input is the INI file, through a memfd so profile_load reads a path
 * as it always does. A profile that loads has its [columns] applied to a
 * header, as staging does.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "colmap.h"
#include "importer.h"
#include "profile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const header[] = {
	"Customer ID", "Company", "Email", "Kunde", "ZIP", "Notes", ""
};

static int	 fd = -1;
static char	 path[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile	 pf;
	struct imp_err	 err;
	struct colmap	*cm;
	size_t		 i;

	if (fd == -1) {
		fd = memfd_create("fuzz_profile", 0);
		if (fd == -1) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();

	memset(&err, 0, sizeof err);
	if (profile_load(&pf, path, &err) == 0) {
		for (i = 0; i < pf.ncolumns; i++)
			if (pf.columns[i].header == NULL ||
			    (pf.columns[i].col < 0 &&
			    pf.columns[i].col != COLMAP_IGNORE) ||
			    pf.columns[i].col >= COL_COUNT)
				abort();
		if (pf.clear_token == NULL)
			abort();
		cm = colmap_new(header, sizeof header / sizeof header[0],
		    pf.columns, pf.ncolumns, pf.required, &err);
		colmap_free(cm);
	} else if (memchr(err.msg, '\0', sizeof err.msg) == NULL)
		abort();
	profile_free(&pf);
	return 0;
}
