/*
 * cellpack.c: lists of cells packed into one blob (a row's raw cells, a
 * header): a varint count, then per cell a varint length and the bytes.
 */
#include "config.h"

#include "cellpack.h"

#include <stdint.h>
#include <string.h>

#include "xmalloc.h"

static size_t
put_varint(unsigned char *p, uint64_t v)
{
	size_t	n = 0;

	do {
		p[n] = v & 0x7f;
		v >>= 7;
		if (v != 0)
			p[n] |= 0x80;
		n++;
	} while (v != 0);
	return n;
}

static int
get_varint(const unsigned char *p, size_t len, size_t *off, uint64_t *v)
{
	unsigned	shift = 0;

	*v = 0;
	while (*off < len && shift < 64) {
		unsigned char	c = p[(*off)++];

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

size_t
cellpack_pack(const char *const *cells, const size_t *lens, size_t n,
    unsigned char **buf, size_t *cap)
{
	size_t	i, need = 10, o;

	for (i = 0; i < n; i++)
		need += lens[i] + 10;
	if (*cap < need) {
		*cap = need * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	o = put_varint(*buf, n);
	for (i = 0; i < n; i++) {
		o += put_varint(*buf + o, lens[i]);
		memcpy(*buf + o, cells[i], lens[i]);
		o += lens[i];
	}
	return o;
}

size_t
cellpack_unpack_all(const void *blob, size_t len, const char **cells,
    size_t *lens, size_t max)
{
	const unsigned char	*p = blob;
	size_t			 off = 0, k;
	uint64_t		 n, l;

	if (blob == NULL || get_varint(p, len, &off, &n) == -1)
		return 0;
	for (k = 0; k < n && k < max; k++) {
		if (get_varint(p, len, &off, &l) == -1 || l > len - off)
			return k;
		cells[k] = (const char *)p + off;
		lens[k] = l;
		off += l;
	}
	return k;
}

size_t
cellpack_unpack_count(const void *blob, size_t len)
{
	size_t		off = 0;
	uint64_t	n;

	if (blob == NULL || get_varint(blob, len, &off, &n) == -1)
		return 0;
	return n;
}

int
cellpack_unpack(const void *blob, size_t len, size_t i, const char **cell,
    size_t *celllen)
{
	const unsigned char	*p = blob;
	size_t			 off = 0, k;
	uint64_t		 n, l;

	if (blob == NULL || get_varint(p, len, &off, &n) == -1 || i >= n)
		return -1;
	for (k = 0; ; k++) {
		if (get_varint(p, len, &off, &l) == -1 || l > len - off)
			return -1;
		if (k == i) {
			*cell = (const char *)p + off;
			*celllen = l;
			return 0;
		}
		off += l;
	}
}
