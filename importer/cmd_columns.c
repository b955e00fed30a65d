/*
 * cmd_columns.c: 'importer help columns', the column table (column.h) as a
 * person or a script reads it: each canonical column, where the billing
 * profile keeps it, the service's maximum length, and what may be done
 * with it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "column.h"
#include "importer.h"

/* What a column's flags allow, in words, into buf; returns buf. */
static const char *
column_notes(const struct column_info *ci, char *buf, size_t size)
{
	size_t	n;

	snprintf(buf, size, "%s%s%s%s%s",
	    ci->flags & COLUMN_REQUIRED ? "required in every row; " : "",
	    ci->flags & COLUMN_NEEDED ? "a profile must have it; " : "",
	    ci->flags & COLUMN_CLEARABLE ? "may be cleared; " : "",
	    ci->flags & COLUMN_CODE ? "a code (any case); " : "",
	    ci->flags & COLUMN_DIGITS ? "text, not a number; " : "");
	n = strlen(buf);
	if (n >= 2)
		buf[n - 2] = '\0';	/* the last "; " */
	return buf;
}

static void
columns_json(void)
{
	const struct column_info	*ci;
	json_t				*a = json_array(), *o;
	int				 col;

	for (col = 0; col < COL_COUNT; col++) {
		ci = &column_info[col];
		o = json_object();
		json_object_set_new(o, "column", json_string(ci->name));
		json_object_set_new(o, "property", ci->place == COLUMN_ID ?
		    json_null() : json_string(ci->field));
		json_object_set_new(o, "also_in_address",
		    json_boolean(ci->place == COLUMN_CONTACT));
		json_object_set_new(o, "max", ci->max > 0 ?
		    json_integer((json_int_t)ci->max) : json_null());
		json_object_set_new(o, "required",
		    json_boolean(ci->flags & COLUMN_REQUIRED));
		json_object_set_new(o, "needed",
		    json_boolean(ci->flags & COLUMN_NEEDED));
		json_object_set_new(o, "clearable",
		    json_boolean(ci->flags & COLUMN_CLEARABLE));
		json_object_set_new(o, "code",
		    json_boolean(ci->flags & COLUMN_CODE));
		json_array_append_new(a, o);
	}
	json_dumpf(a, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(a);
}

int
cmd_help_columns(void)
{
	const struct column_info	*ci;
	char				 max[24], notes[160];
	int				 col;

	if (imp_opts.json) {
		columns_json();
		return IMP_EXIT_OK;
	}
	printf("The canonical columns (headers match loosely: case, spaces, "
	    "'_' and '-'\nand common aliases; a profile's [columns] maps any "
	    "other header):\n\n");
	printf("  %-14s %-29s %5s\n", "column", "billing profile", "max");
	for (col = 0; col < COL_COUNT; col++) {
		ci = &column_info[col];
		if (ci->max > 0)
			snprintf(max, sizeof max, "%zu", ci->max);
		else
			snprintf(max, sizeof max, "-");
		column_notes(ci, notes, sizeof notes);
		printf("  %-14s %-29s %5s%s%s\n", ci->name,
		    ci->place == COLUMN_ID ? "(the customer's URL)" :
		    ci->field, max, *notes != '\0' ? "  " : "", notes);
	}
	printf("\nmax: the most characters the service keeps; longer values "
	    "are refused at\nstage. firstName and lastName are the billing "
	    "contact's: written to the\nprofile and to its defaultAddress. "
	    "An empty cell leaves a field as it is;\nthe clear token "
	    "(default <clear>) empties one that may be cleared.\n");
	return IMP_EXIT_OK;
}
