/*
 * postal.c: postal codes to states, by their leading digits or letter:
 * the US by the first three digits of the ZIP code (the USPS's sectional
 * centres), Canada by the first letter of the postal code (its postal
 * district), Australia by the postcode's range (Australia Post).
 */
#include "config.h"

#include "postal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ZIP3 ranges, inclusive, in order. */
static const struct {
	unsigned short	 lo, hi;
	const char	*state;
} postal_us[] = {
	{ 5, 5, "NY" }, { 6, 9, "PR" }, { 10, 27, "MA" }, { 28, 29, "RI" },
	{ 30, 38, "NH" }, { 39, 49, "ME" }, { 50, 54, "VT" }, { 55, 55, "MA" },
	{ 56, 59, "VT" }, { 60, 69, "CT" }, { 70, 89, "NJ" },
	{ 100, 149, "NY" }, { 150, 196, "PA" }, { 197, 199, "DE" },
	{ 200, 200, "DC" }, { 201, 201, "VA" }, { 202, 205, "DC" },
	{ 206, 219, "MD" }, { 220, 246, "VA" }, { 247, 268, "WV" },
	{ 270, 289, "NC" }, { 290, 299, "SC" }, { 300, 319, "GA" },
	{ 320, 349, "FL" }, { 350, 369, "AL" }, { 370, 385, "TN" },
	{ 386, 397, "MS" }, { 398, 399, "GA" }, { 400, 427, "KY" },
	{ 430, 459, "OH" }, { 460, 479, "IN" }, { 480, 499, "MI" },
	{ 500, 528, "IA" }, { 530, 549, "WI" }, { 550, 567, "MN" },
	{ 569, 569, "DC" }, { 570, 577, "SD" }, { 580, 588, "ND" },
	{ 590, 599, "MT" }, { 600, 629, "IL" }, { 630, 658, "MO" },
	{ 660, 679, "KS" }, { 680, 693, "NE" }, { 700, 715, "LA" },
	{ 716, 729, "AR" }, { 730, 749, "OK" }, { 750, 799, "TX" },
	{ 800, 816, "CO" }, { 820, 831, "WY" }, { 832, 838, "ID" },
	{ 840, 847, "UT" }, { 850, 865, "AZ" }, { 870, 884, "NM" },
	{ 885, 885, "TX" }, { 889, 898, "NV" }, { 900, 961, "CA" },
	{ 967, 968, "HI" }, { 970, 979, "OR" }, { 980, 994, "WA" },
	{ 995, 999, "AK" },
};

/* Canada's postal districts: the first letter. */
static const struct {
	const char	*letters;
	const char	*province;
} postal_ca[] = {
	{ "A", "NL" }, { "B", "NS" }, { "C", "PE" }, { "E", "NB" },
	{ "GHJ", "QC" }, { "KLMNP", "ON" }, { "R", "MB" }, { "S", "SK" },
	{ "T", "AB" }, { "V", "BC" }, { "Y", "YT" },
};

/* Australian postcode ranges, inclusive; the first that holds wins. */
static const struct {
	unsigned short	 lo, hi;
	const char	*state;
} postal_au[] = {
	{ 200, 299, "ACT" }, { 800, 999, "NT" }, { 2600, 2618, "ACT" },
	{ 2900, 2920, "ACT" }, { 1000, 2999, "NSW" }, { 3000, 3999, "VIC" },
	{ 8000, 8999, "VIC" }, { 4000, 4999, "QLD" }, { 9000, 9999, "QLD" },
	{ 5000, 5999, "SA" }, { 6000, 6999, "WA" }, { 7000, 7999, "TAS" },
};

/* The number of pc's first n characters if they are all digits, else -1. */
static long
leading(const char *pc, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)pc[i]))
			return -1;
	return strtol(pc, NULL, 10);
}

const char *
postal_state(const char *cc, const char *pc)
{
	char	buf[8];
	long	v;
	size_t	i;

	if (cc == NULL || pc == NULL)
		return NULL;
	if (strcmp(cc, "US") == 0) {
		if (strlen(pc) < 5 || leading(pc, 5) == -1)
			return NULL;
		memcpy(buf, pc, 3);
		buf[3] = '\0';
		v = strtol(buf, NULL, 10);
		for (i = 0; i < sizeof postal_us / sizeof postal_us[0]; i++)
			if (v >= postal_us[i].lo && v <= postal_us[i].hi)
				return postal_us[i].state;
		return NULL;
	}
	if (strcmp(cc, "CA") == 0) {
		for (i = 0; i < sizeof postal_ca / sizeof postal_ca[0]; i++)
			if (pc[0] != '\0' && strchr(postal_ca[i].letters,
			    toupper((unsigned char)pc[0])) != NULL)
				return postal_ca[i].province;
		return NULL;
	}
	if (strcmp(cc, "AU") == 0) {
		if (strlen(pc) != 4 || (v = leading(pc, 4)) == -1)
			return NULL;
		for (i = 0; i < sizeof postal_au / sizeof postal_au[0]; i++)
			if (v >= postal_au[i].lo && v <= postal_au[i].hi)
				return postal_au[i].state;
	}
	return NULL;
}
