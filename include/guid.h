/*
 * guid.h: customer (tenant) IDs and request IDs. A GUID is stored and sent
 * in one form, lower case with dashes (36 characters); a spreadsheet may
 * hold it in braces, in upper case or without dashes.
 */
#ifndef IMPORTER_GUID_H
#define IMPORTER_GUID_H

#include <stddef.h>
#include <stdint.h>

#define GUID_LEN	36

/* How guid_canonical found a GUID written (flags). */
#define GUID_BRACES	0x01	/* {...} */
#define GUID_UPPER	0x02	/* upper-case hex digits */
#define GUID_NODASH	0x04	/* 32 hex digits without dashes */

/*
 * The canonical form of the n bytes at v (braces, either case, with or
 * without dashes) into out. Returns 0 with *how the GUID_* ways it was
 * written (0: already canonical), or -1 when v is not a GUID.
 */
int	guid_canonical(const char *v, size_t n, char out[GUID_LEN + 1],
	    unsigned *how);
/* Parses a canonical GUID into two words; -1 if s is not one. */
int	guid_parse(const char *s, uint64_t out[2]);
/* Formats two words as a canonical GUID. */
void	guid_format(const uint64_t g[2], char out[GUID_LEN + 1]);
/* A new random (version 4) GUID: MS-RequestId, MS-CorrelationId. */
void	guid_random(char out[GUID_LEN + 1]);

#endif
