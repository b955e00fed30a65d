/*
 * test_spectrum.c: the csv-spectrum acid test. Every file in csvs/ must read
 * to exactly the records of the matching json/ file (an array of objects
 * keyed by the header; one file holds a single object). Skips where the
 * suite is absent ($CSV_SPECTRUM_DIR, e.g. in make distcheck's tree).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csvin.h"
#include "xmalloc.h"

#include "../tap.h"

/*
 * Where the suite's expected data disagrees with its own CSV bytes, the
 * bytes win. 2026-11-25: location_coordinates.json says the phone number is
 * "1234567890"; location_coordinates.csv holds 2095257564.
 */
static const struct {
	const char	*file, *key, *json, *csv;
} errata[] = {
	{ "location_coordinates.json", "Contact Phone Number", "1234567890",
	    "2095257564" },
};

struct got {
	char		**header;
	size_t		  nheader;
	json_t		 *records;
};

static int
on_record(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	struct got	*g = arg;
	json_t		*o;
	size_t		 i;

	(void)err;
	if (rec->index == 0) {
		g->header = xcalloc(rec->nfields, sizeof *g->header);
		for (i = 0; i < rec->nfields; i++)
			g->header[i] = xstrndup(rec->fields[i], rec->lens[i]);
		g->nheader = rec->nfields;
		return 0;
	}
	o = json_object();
	for (i = 0; i < rec->nfields && i < g->nheader; i++)
		json_object_set_new(o, g->header[i],
		    json_stringn(rec->fields[i], rec->lens[i]));
	if (rec->nfields != g->nheader)
		json_object_set_new(o, "(field count)",
		    json_integer(rec->nfields));
	json_array_append_new(g->records, o);
	return 0;
}

static void
apply_errata(const char *name, json_t *want)
{
	size_t	 i, k;
	json_t	*o, *v;

	for (i = 0; i < sizeof errata / sizeof errata[0]; i++) {
		if (strcmp(errata[i].file, name) != 0)
			continue;
		json_array_foreach(want, k, o) {
			v = json_object_get(o, errata[i].key);
			if (v != NULL && strcmp(json_string_value(v),
			    errata[i].json) == 0) {
				printf("# %s: expecting %s = %s as in the CSV, "
				    "not %s as in the JSON\n", name,
				    errata[i].key, errata[i].csv,
				    errata[i].json);
				json_object_set_new(o, errata[i].key,
				    json_string(errata[i].csv));
			}
		}
	}
}

static void
check_file(const char *dir, const char *csvname)
{
	struct csvin_opts	 opts;
	struct imp_err		 err;
	struct csvin		*in;
	struct got		 g;
	json_error_t		 je;
	json_t			*want;
	char			 csvpath[4096], jsonpath[4096], jname[256];
	char			*a, *b;
	size_t			 i;
	int			 rc;

	snprintf(csvpath, sizeof csvpath, "%s/csvs/%s", dir, csvname);
	snprintf(jname, sizeof jname, "%.*s.json",
	    (int)(strlen(csvname) - 4), csvname);
	snprintf(jsonpath, sizeof jsonpath, "%s/json/%s", dir, jname);
	want = json_load_file(jsonpath, 0, &je);
	if (!ok(want != NULL, "%s: expected records load", jname)) {
		printf("# %s\n", je.text);
		return;
	}
	if (json_is_object(want)) {
		json_t	*arr = json_array();

		json_array_append_new(arr, want);
		want = arr;
	}
	apply_errata(jname, want);

	memset(&opts, 0, sizeof opts);
	memset(&g, 0, sizeof g);
	g.records = json_array();
	in = csvin_open(csvpath, &opts, &err);
	rc = in != NULL ? csvin_read(in, on_record, &g, &err) : -1;
	if (!ok(rc == 0, "%s reads", csvname))
		printf("# %s\n", err.msg);
	a = json_dumps(g.records, JSON_SORT_KEYS | JSON_COMPACT);
	b = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
	if (!ok(json_equal(g.records, want), "%s reads to its records",
	    csvname))
		printf("# got:  %s\n# want: %s\n", a, b);
	free(a);
	free(b);
	csvin_close(in);
	for (i = 0; i < g.nheader; i++)
		free(g.header[i]);
	free(g.header);
	json_decref(g.records);
	json_decref(want);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(void)
{
	const char	*dir = getenv("CSV_SPECTRUM_DIR");
	char		 path[4096];
	char		*names[256];
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0, i, len;

	if (dir == NULL || *dir == '\0') {
		skip_all("CSV_SPECTRUM_DIR is not set");
		return 0;
	}
	snprintf(path, sizeof path, "%s/csvs", dir);
	d = opendir(path);
	if (d == NULL) {
		skip_all("the csv-spectrum suite is not here");
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < 256) {
		len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".csv") == 0)
			names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_name);
	ok(n >= 12, "the suite has its %zu files", n);
	for (i = 0; i < n; i++) {
		check_file(dir, names[i]);
		free(names[i]);
	}
	return done_testing();
}
