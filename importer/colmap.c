/*
 * colmap.c: header mapping. A header matches a column when its loose form
 * (lower case, without spaces, '_', '-', '.', and the like) equals the loose
 * form of the column's name or of one of its aliases.
 */
#include "config.h"

#include "colmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct colmap {
	size_t	 n;
	char	**headers;
	char	**loose;	/* the headers' loose forms */
	int	*cols;
	size_t	 input[COL_COUNT];
};


/* Aliases in loose form. The portal's customer export names its columns
 * "Microsoft ID" and "Company name" (localized: 公司名称, 会社名). */
static const struct {
	int		 col;
	const char	*alias;
} colmap_aliases[] = {
	{ COL_CUSTOMER_ID, "customerid" },
	{ COL_CUSTOMER_ID, "tenantid" },
	{ COL_CUSTOMER_ID, "microsoftid" },
	{ COL_CUSTOMER_ID, "customertenantid" },
	{ COL_CUSTOMER_ID, "tenantguid" },
	{ COL_CUSTOMER_ID, "customerguid" },
	{ COL_CUSTOMER_ID, "aadtenantid" },
	{ COL_CUSTOMER_ID, "directoryid" },
	{ COL_COMPANY_NAME, "companyname" },
	{ COL_COMPANY_NAME, "company" },
	{ COL_COMPANY_NAME, "customername" },
	{ COL_COMPANY_NAME, "organization" },
	{ COL_COMPANY_NAME, "organisation" },
	{ COL_COMPANY_NAME, "organizationname" },
	{ COL_COMPANY_NAME, "organisationname" },
	{ COL_COMPANY_NAME, "businessname" },
	{ COL_COMPANY_NAME, "公司名称" },
	{ COL_COMPANY_NAME, "会社名" },
	{ COL_FIRST_NAME, "firstname" },
	{ COL_FIRST_NAME, "givenname" },
	{ COL_FIRST_NAME, "contactfirstname" },
	{ COL_FIRST_NAME, "billingfirstname" },
	{ COL_FIRST_NAME, "billingcontactfirstname" },
	{ COL_LAST_NAME, "lastname" },
	{ COL_LAST_NAME, "surname" },
	{ COL_LAST_NAME, "familyname" },
	{ COL_LAST_NAME, "contactlastname" },
	{ COL_LAST_NAME, "billinglastname" },
	{ COL_LAST_NAME, "billingcontactlastname" },
	{ COL_EMAIL, "email" },
	{ COL_EMAIL, "emailaddress" },
	{ COL_EMAIL, "mail" },
	{ COL_EMAIL, "billingemail" },
	{ COL_EMAIL, "billingemailaddress" },
	{ COL_EMAIL, "contactemail" },
	{ COL_EMAIL, "billingcontactemail" },
	{ COL_PHONE_NUMBER, "phonenumber" },
	{ COL_PHONE_NUMBER, "phone" },
	{ COL_PHONE_NUMBER, "telephone" },
	{ COL_PHONE_NUMBER, "telephonenumber" },
	{ COL_PHONE_NUMBER, "tel" },
	{ COL_PHONE_NUMBER, "phoneno" },
	{ COL_PHONE_NUMBER, "contactphone" },
	{ COL_PHONE_NUMBER, "billingphone" },
	{ COL_PHONE_NUMBER, "billingphonenumber" },
	{ COL_ADDRESS_LINE1, "addressline1" },
	{ COL_ADDRESS_LINE1, "address1" },
	{ COL_ADDRESS_LINE1, "address" },
	{ COL_ADDRESS_LINE1, "addressline" },
	{ COL_ADDRESS_LINE1, "streetaddress" },
	{ COL_ADDRESS_LINE1, "street" },
	{ COL_ADDRESS_LINE1, "billingaddress" },
	{ COL_ADDRESS_LINE1, "billingaddress1" },
	{ COL_ADDRESS_LINE1, "billingaddressline1" },
	{ COL_ADDRESS_LINE2, "addressline2" },
	{ COL_ADDRESS_LINE2, "address2" },
	{ COL_ADDRESS_LINE2, "billingaddress2" },
	{ COL_ADDRESS_LINE2, "billingaddressline2" },
	{ COL_ADDRESS_LINE3, "addressline3" },
	{ COL_ADDRESS_LINE3, "address3" },
	{ COL_ADDRESS_LINE3, "billingaddressline3" },
	{ COL_CITY, "city" },
	{ COL_CITY, "town" },
	{ COL_CITY, "locality" },
	{ COL_CITY, "billingcity" },
	{ COL_STATE, "state" },
	{ COL_STATE, "province" },
	{ COL_STATE, "stateprovince" },
	{ COL_STATE, "stateorprovince" },
	{ COL_STATE, "provincestate" },
	{ COL_STATE, "prefecture" },
	{ COL_STATE, "billingstate" },
	{ COL_REGION, "region" },
	{ COL_REGION, "billingregion" },
	{ COL_POSTAL_CODE, "postalcode" },
	{ COL_POSTAL_CODE, "zip" },
	{ COL_POSTAL_CODE, "zipcode" },
	{ COL_POSTAL_CODE, "postcode" },
	{ COL_POSTAL_CODE, "postal" },
	{ COL_POSTAL_CODE, "billingpostalcode" },
	{ COL_POSTAL_CODE, "billingzip" },
	{ COL_COUNTRY, "country" },
	{ COL_COUNTRY, "countrycode" },
	{ COL_COUNTRY, "countryregion" },
	{ COL_COUNTRY, "billingcountry" },
	{ COL_CULTURE, "culture" },
	{ COL_CULTURE, "locale" },
	{ COL_LANGUAGE, "language" },
	{ COL_LANGUAGE, "languagecode" },
	{ COL_LANGUAGE, "lang" },
};

const char *
colmap_name(int col)
{
	if (col < 0 || col >= COL_COUNT)
		return "?";
	return column_info[col].name;
}

int
colmap_lookup(const char *name)
{
	int	i;

	for (i = 0; i < COL_COUNT; i++)
		if (strcmp(column_info[i].name, name) == 0)
			return i;
	return -1;
}

char *
colmap_loose(const char *s, char *out, size_t outsize)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0;

	while (*p != '\0' && o + 1 < outsize) {
		if (strchr(" \t_-./()*:#'\"", *p) != NULL && *p != '\0') {
			p++;
			continue;
		}
		/* NBSP, zero-width space/joiners, BOM, ideographic space */
		if (p[0] == 0xc2 && p[1] == 0xa0) {
			p += 2;
			continue;
		}
		if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] >= 0x8b && p[2] <= 0x8d)) {
			p += 3;
			continue;
		}
		if ((p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) ||
		    (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)) {
			p += 3;
			continue;
		}
		out[o++] = (*p >= 'A' && *p <= 'Z') ? *p + ('a' - 'A') : *p;
		p++;
	}
	out[o] = '\0';
	return out;
}

/* The column a header means by name or alias, or COLMAP_EXTRA. */
static int
match_builtin(const char *loose)
{
	char	buf[64];
	size_t	i;

	for (i = 0; i < COL_COUNT; i++)
		if (strcmp(loose, colmap_loose(column_info[i].name, buf,
		    sizeof buf)) == 0)
			return i;
	for (i = 0; i < sizeof colmap_aliases / sizeof colmap_aliases[0]; i++)
		if (strcmp(loose, colmap_aliases[i].alias) == 0)
			return colmap_aliases[i].col;
	/* The fix-up CSV's own column (fixup.h): not data. */
	if (strcmp(loose, "error") == 0)
		return COLMAP_IGNORE;
	return COLMAP_EXTRA;
}

/* For sorting input indexes by their loose header. */
static const struct colmap *colmap_sorting;

static int
cmp_loose(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;
	int	c = strcmp(colmap_sorting->loose[x], colmap_sorting->loose[y]);

	return c != 0 ? c : (x < y ? -1 : x > y);
}

struct colmap *
colmap_new(const char *const *names, size_t n,
    const struct colmap_rule *rules, size_t nrules, unsigned required,
    struct imp_err *err)
{
	struct colmap	*cm;
	char		 a[512], b[512];
	size_t		 i, j, k, *extra = NULL, nextra = 0;
	int		 col;

	cm = xcalloc(1, sizeof *cm);
	cm->n = n;
	cm->headers = xcalloc(n, sizeof *cm->headers);
	cm->loose = xcalloc(n, sizeof *cm->loose);
	cm->cols = xcalloc(n, sizeof *cm->cols);
	extra = xcalloc(n, sizeof *extra);
	for (i = 0; i < COL_COUNT; i++)
		cm->input[i] = (size_t)-1;

	for (i = 0; i < n; i++) {
		colmap_loose(names[i], a, sizeof a);
		cm->loose[i] = xstrdup(a);
		if (a[0] == '\0')
			cm->headers[i] = xasprintf("column %zu", i + 1);
		else
			cm->headers[i] = xstrdup(names[i]);
		col = COLMAP_EXTRA;
		for (j = 0; j < nrules; j++) {
			if (strcmp(a, colmap_loose(rules[j].header, b,
			    sizeof b)) == 0) {
				col = rules[j].col;
				break;
			}
		}
		if (j == nrules && a[0] != '\0')
			col = match_builtin(a);
		cm->cols[i] = col;
		if (col == COLMAP_EXTRA && a[0] != '\0')
			extra[nextra++] = i;
		if (col < 0)
			continue;
		/* Two headers that mean the same column. */
		if ((j = cm->input[col]) != (size_t)-1) {
			imp_errf(err, IMP_EXIT_DATAERR, "columns %zu ('%s') and "
			    "%zu ('%s') both mean %s; remove one, or map one "
			    "to 'ignore' in the profile's [columns]", j + 1,
			    cm->headers[j], i + 1, cm->headers[i],
			    column_info[col].name);
			goto fail;
		}
		cm->input[col] = i;
	}

	/* Two unknown headers with the same name: sorted, they meet. */
	colmap_sorting = cm;
	if (nextra > 1)
		qsort(extra, nextra, sizeof *extra, cmp_loose);
	for (k = 1; k < nextra; k++) {
		if (strcmp(cm->loose[extra[k - 1]], cm->loose[extra[k]]) != 0)
			continue;
		imp_errf(err, IMP_EXIT_DATAERR, "columns %zu and %zu are both "
		    "named '%s'; header names must be unique",
		    extra[k - 1] + 1, extra[k] + 1, cm->headers[extra[k]]);
		goto fail;
	}
	free(extra);
	extra = NULL;

	if (cm->input[COL_CUSTOMER_ID] == (size_t)-1) {
		imp_errf(err, IMP_EXIT_DATAERR,
		    "no customer_id column: the header needs one of "
		    "'customer_id', 'Customer ID', 'Tenant ID', "
		    "'Microsoft ID' (or a profile [columns] mapping)");
		goto fail;
	}
	for (i = 0; i < COL_COUNT; i++) {
		if ((required & (1u << i)) && cm->input[i] == (size_t)-1) {
			imp_errf(err, IMP_EXIT_DATAERR,
			    "no %s column, which the profile's [validation] "
			    "requires", column_info[i].name);
			goto fail;
		}
	}
	return cm;

fail:
	free(extra);
	colmap_free(cm);
	return NULL;
}

void
colmap_free(struct colmap *cm)
{
	size_t	i;

	if (cm == NULL)
		return;
	for (i = 0; i < cm->n; i++) {
		free(cm->headers[i]);
		free(cm->loose[i]);
	}
	free(cm->headers);
	free(cm->loose);
	free(cm->cols);
	free(cm);
}

size_t
colmap_ninput(const struct colmap *cm)
{
	return cm->n;
}

int
colmap_column(const struct colmap *cm, size_t i)
{
	return i < cm->n ? cm->cols[i] : COLMAP_EXTRA;
}

size_t
colmap_input(const struct colmap *cm, int col)
{
	return cm->input[col];
}

const char *
colmap_header(const struct colmap *cm, size_t i)
{
	return cm->headers[i];
}
