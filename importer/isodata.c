/*
 * isodata.c: loads iso-codes once per process. Two-letter codes go into
 * 26 x 26 tables, so a lookup in the per-row validation is one index.
 */
#include "config.h"

#include "isodata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "xmalloc.h"

/* Markets whose state is a code from a fixed list (the service's
 * supportedStatesList, for which ISO 3166-2 codes are the postal codes). */
static const char *const isodata_state_markets[] = { "US", "CA", "AU" };

struct isodata_country {
	char	 a2[3];
	char	*a3;
	char	*name;
	char	*common;
};

struct isodata {
	unsigned char		 country[26 * 26];
	unsigned char		 language[26 * 26];
	struct isodata_country	*countries;
	size_t			 ncountries;
	char			**states;	/* "US-WA", sorted */
	size_t			 nstates;
};

static int
idx2(const char *s)
{
	if (s[0] == '\0' || s[1] == '\0' || s[2] != '\0')
		return -1;
	if (s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z')
		return (s[0] - 'A') * 26 + (s[1] - 'A');
	if (s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z')
		return (s[0] - 'a') * 26 + (s[1] - 'a');
	return -1;
}

static json_t *
load_list(const char *dir, const char *file, const char *key,
    struct imp_err *err)
{
	json_error_t	 je;
	json_t		*root, *list;
	char		 path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	root = json_load_file(path, 0, &je);
	if (root == NULL) {
		imp_errf(err, IMP_EXIT_SOFTWARE,
		    "%s: %s (install iso-codes, or set "
		    "IMPORTER_ISO_CODES_DIR)", path, je.text);
		return NULL;
	}
	list = json_object_get(root, key);
	if (!json_is_array(list)) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: no '%s' list", path,
		    key);
		json_decref(root);
		return NULL;
	}
	json_incref(list);
	json_decref(root);
	return list;
}

static char *
dup_member(json_t *obj, const char *key)
{
	const char	*s = json_string_value(json_object_get(obj, key));

	return s != NULL ? xstrdup(s) : NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct isodata *
isodata_load(const char *dir, struct imp_err *err)
{
	struct isodata	*iso;
	json_t		*list, *e;
	const char	*a2, *code;
	size_t		 i, k;
	int		 x;

	if (dir == NULL)
		dir = getenv("IMPORTER_ISO_CODES_DIR");
	if (dir == NULL || *dir == '\0')
		dir = ISO_CODES_DIR;
	iso = xcalloc(1, sizeof *iso);

	if ((list = load_list(dir, "iso_3166-1.json", "3166-1", err)) == NULL)
		goto fail;
	iso->countries = xcalloc(json_array_size(list),
	    sizeof *iso->countries);
	json_array_foreach(list, i, e) {
		a2 = json_string_value(json_object_get(e, "alpha_2"));
		if (a2 == NULL || (x = idx2(a2)) < 0)
			continue;
		iso->country[x] = 1;
		memcpy(iso->countries[iso->ncountries].a2, a2, 3);
		iso->countries[iso->ncountries].a3 = dup_member(e, "alpha_3");
		iso->countries[iso->ncountries].name = dup_member(e, "name");
		iso->countries[iso->ncountries].common =
		    dup_member(e, "common_name");
		iso->ncountries++;
	}
	json_decref(list);

	if ((list = load_list(dir, "iso_639-2.json", "639-2", err)) == NULL)
		goto fail;
	json_array_foreach(list, i, e) {
		a2 = json_string_value(json_object_get(e, "alpha_2"));
		if (a2 != NULL && (x = idx2(a2)) >= 0)
			iso->language[x] = 1;
	}
	json_decref(list);

	if ((list = load_list(dir, "iso_3166-2.json", "3166-2", err)) == NULL)
		goto fail;
	iso->states = xcalloc(json_array_size(list), sizeof *iso->states);
	json_array_foreach(list, i, e) {
		code = json_string_value(json_object_get(e, "code"));
		if (code == NULL || strlen(code) < 4)
			continue;
		for (k = 0; k < sizeof isodata_state_markets /
		    sizeof isodata_state_markets[0]; k++)
			if (strncmp(code, isodata_state_markets[k], 2) == 0 &&
			    code[2] == '-')
				iso->states[iso->nstates++] = xstrdup(code);
	}
	json_decref(list);
	qsort(iso->states, iso->nstates, sizeof *iso->states, cmp_str);
	return iso;

fail:
	isodata_free(iso);
	return NULL;
}

void
isodata_free(struct isodata *iso)
{
	size_t	i;

	if (iso == NULL)
		return;
	for (i = 0; i < iso->ncountries; i++) {
		free(iso->countries[i].a3);
		free(iso->countries[i].name);
		free(iso->countries[i].common);
	}
	free(iso->countries);
	for (i = 0; i < iso->nstates; i++)
		free(iso->states[i]);
	free(iso->states);
	free(iso);
}

int
isodata_country(const struct isodata *iso, const char *cc)
{
	int	x = idx2(cc);

	return x >= 0 && cc[0] <= 'Z' && iso->country[x];
}

const char *
isodata_country_hint(const struct isodata *iso, const char *s)
{
	size_t	i;

	if (strcasecmp(s, "UK") == 0)
		return "GB";
	for (i = 0; i < iso->ncountries; i++) {
		const struct isodata_country	*c = &iso->countries[i];

		if ((c->a3 != NULL && strcasecmp(s, c->a3) == 0) ||
		    (c->name != NULL && strcasecmp(s, c->name) == 0) ||
		    (c->common != NULL && strcasecmp(s, c->common) == 0))
			return c->a2;
	}
	if (strcasecmp(s, "USA") == 0 || strcasecmp(s, "United States of "
	    "America") == 0)
		return "US";
	return NULL;
}

int
isodata_language(const struct isodata *iso, const char *ll)
{
	int	x = idx2(ll);

	return x >= 0 && ll[0] >= 'a' && iso->language[x];
}

int
isodata_has_states(const struct isodata *iso, const char *cc)
{
	size_t	k;

	(void)iso;
	for (k = 0; k < sizeof isodata_state_markets /
	    sizeof isodata_state_markets[0]; k++)
		if (strcmp(cc, isodata_state_markets[k]) == 0)
			return 1;
	return 0;
}

int
isodata_state(const struct isodata *iso, const char *cc, const char *code)
{
	char	 key[16];
	char	*kp = key;

	if (strlen(code) > 8)
		return 0;
	snprintf(key, sizeof key, "%s-%s", cc, code);
	return bsearch(&kp, iso->states, iso->nstates, sizeof *iso->states,
	    cmp_str) != NULL;
}
