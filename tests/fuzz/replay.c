/*
 * replay.c: runs one fuzz harness's LLVMFuzzerTestOneInput on every file
 * of its seed corpus and its regression inputs, without libFuzzer, as a
 * TAP test of make check: the plain, sanitizer and valgrind builds all
 * replay every crash found so far. Files named open-* are crashes not
 * fixed yet: listed as skipped (tests/fuzz/README.md).
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#ifndef FUZZ_HARNESS
#error "FUZZ_HARNESS must name the harness: -DFUZZ_HARNESS='\"fuzz_x\"'"
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct files {
	char	**path;
	size_t	  n;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the files of dir (sorted, no dot files) to fl. */
static void
add_dir(struct files *fl, const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	size_t		 first = fl->n;

	d = opendir(dir);
	if (d == NULL)
		return;		/* a harness without regressions */
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fl->path = xreallocarray(fl->path, fl->n + 1,
		    sizeof *fl->path);
		fl->path[fl->n++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(fl->path + first, fl->n - first, sizeof *fl->path, by_name);
}

/* Reads path into an allocation of exactly its size (ASan sees over-reads). */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	uint8_t	*buf;
	long	 n;

	fp = fopen(path, "rb");
	if (fp == NULL || fseek(fp, 0, SEEK_END) == -1 ||
	    (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) == -1) {
		if (fp != NULL)
			fclose(fp);
		return NULL;
	}
	buf = xmalloc(n > 0 ? (size_t)n : 1);
	if (fread(buf, 1, n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	struct files	 fl = { NULL, 0 };
	const char	*src, *base, *name;
	char		 dir[4096];
	uint8_t		*buf;
	size_t		 i, len;
	int		 failed = 0;

	if (argc > 1) {
		for (i = 1; i < (size_t)argc; i++)
			add_dir(&fl, argv[i]);
	} else {
		src = getenv("TESTS_SRCDIR");
		if (src == NULL)
			src = "tests";
		snprintf(dir, sizeof dir, "%s/fuzz/corpus/%s", src,
		    FUZZ_HARNESS);
		add_dir(&fl, dir);
		snprintf(dir, sizeof dir, "%s/fuzz/regress/%s", src,
		    FUZZ_HARNESS);
		add_dir(&fl, dir);
	}
	printf("1..%zu\n", fl.n);
	for (i = 0; i < fl.n; i++) {
		/* Named from its corpus/ or regress/ folder on. */
		name = strstr(fl.path[i], "/fuzz/");
		name = name != NULL ? name + 6 : fl.path[i];
		base = strrchr(fl.path[i], '/');
		base = base != NULL ? base + 1 : fl.path[i];
		if (strncmp(base, "open-", 5) == 0) {
			printf("ok %zu - %s # SKIP a crash not fixed yet\n",
			    i + 1, name);
			continue;
		}
		buf = slurp(fl.path[i], &len);
		if (buf == NULL) {
			printf("not ok %zu - %s: cannot read\n", i + 1, name);
			failed = 1;
			continue;
		}
		/* A crash ends the program here: the test fails. */
		fflush(stdout);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		printf("ok %zu - %s\n", i + 1, name);
	}
	for (i = 0; i < fl.n; i++)
		free(fl.path[i]);
	free(fl.path);
	return failed;
}
