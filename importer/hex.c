/*
 * hex.c: bytes as lowercase hexadecimal.
 */
#include "config.h"

#include "hex.h"

void
hex_encode(const void *d, size_t n, char *out)
{
	static const char	 digit[] = "0123456789abcdef";
	const unsigned char	*p = d;
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digit[p[i] >> 4];
		out[2 * i + 1] = digit[p[i] & 15];
	}
	out[2 * n] = '\0';
}
