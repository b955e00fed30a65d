/*
 * cellpack.h: lists of cells in one blob (a row's cells, a header), exact
 * for any content.
 */
#ifndef IMPORTER_CELLPACK_H
#define IMPORTER_CELLPACK_H

#include <stddef.h>

/*
 * A list is packed as a varint count, then per cell a varint length and
 * the bytes: exact for any content, NULs and all. Unpacked cells point
 * into the blob.
 */

/* Packs n cells into *buf (grown), returning the length. */
size_t	cellpack_pack(const char *const *cells, const size_t *lens, size_t n,
	    unsigned char **buf, size_t *cap);
/* Unpacks cell i of a packed list; returns -1 when there is none. */
int	cellpack_unpack(const void *blob, size_t len, size_t i,
	    const char **cell, size_t *celllen);
/* Unpacks up to max cells at once (pointers into blob); returns how many. */
size_t	cellpack_unpack_all(const void *blob, size_t len, const char **cells,
	    size_t *lens, size_t max);
/* The number of cells in a packed list. */
size_t	cellpack_unpack_count(const void *blob, size_t len);

#endif
