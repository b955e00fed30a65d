/*
 * guid.c: GUIDs, read fast (staging and check see one a row) and written
 * in one canonical form.
 */
#include "config.h"

#include "guid.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sys/random.h>

/* 1 + the value of a lower-case hex digit, 17 + it for an upper-case one;
 * 0 for anything else. */
static const unsigned char guid_hex[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 27,
	['B'] = 28, ['C'] = 29, ['D'] = 30, ['E'] = 31, ['F'] = 32,
};

/* Nonzero at the offsets of a canonical GUID's dashes. */
static int
dash_at(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

int
guid_canonical(const char *v, size_t n, char out[GUID_LEN + 1],
    unsigned *how)
{
	size_t		i, o = 0;
	unsigned	h;

	*how = 0;
	if (n == GUID_LEN + 2 && v[0] == '{' && v[n - 1] == '}') {
		v++;
		n -= 2;
		*how |= GUID_BRACES;
	}
	if (n == 32)
		*how |= GUID_NODASH;
	else if (n != GUID_LEN)
		return -1;
	for (i = 0; i < n; i++) {
		if (n == GUID_LEN && dash_at(i)) {
			if (v[i] != '-')
				return -1;
			out[o++] = '-';
			continue;
		}
		if (n == 32 && dash_at(o))
			out[o++] = '-';
		h = guid_hex[(unsigned char)v[i]];
		if (h == 0)
			return -1;
		if (h > 16) {
			*how |= GUID_UPPER;
			out[o++] = v[i] + ('a' - 'A');
		} else
			out[o++] = v[i];
	}
	out[GUID_LEN] = '\0';
	return 0;
}

int
guid_parse(const char *s, uint64_t out[2])
{
	size_t		i;
	int		k = 0;
	unsigned	h;

	out[0] = out[1] = 0;
	for (i = 0; i < GUID_LEN; i++) {
		if (dash_at(i)) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		h = guid_hex[(unsigned char)s[i]];
		if (h == 0 || h > 16)
			return -1;
		out[k / 16] = out[k / 16] << 4 | (h - 1);
		k++;
	}
	return s[GUID_LEN] == '\0' ? 0 : -1;
}

void
guid_format(const uint64_t g[2], char out[GUID_LEN + 1])
{
	snprintf(out, GUID_LEN + 1, "%08llx-%04llx-%04llx-%04llx-%012llx",
	    (unsigned long long)(g[0] >> 32),
	    (unsigned long long)(g[0] >> 16 & 0xffff),
	    (unsigned long long)(g[0] & 0xffff),
	    (unsigned long long)(g[1] >> 48),
	    (unsigned long long)(g[1] & 0xffffffffffffULL));
}

void
guid_random(char out[GUID_LEN + 1])
{
	unsigned char	b[16];
	uint64_t	x;
	size_t		i, o = 0;

	if (getrandom(b, sizeof b, 0) != sizeof b) {
		x = (uint64_t)time(NULL) ^ (uint64_t)clock();
		for (i = 0; i < 16; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			b[i] = x >> 56;
		}
	}
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		snprintf(out + o, 3, "%02x", b[i]);
		o += 2;
	}
	out[GUID_LEN] = '\0';
}
