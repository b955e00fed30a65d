/*
 * isodata.h: ISO 3166-1 countries, ISO 3166-2 subdivisions and ISO 639-1
 * languages, read from Debian's iso-codes JSON rather than typed by hand.
 */
#ifndef IMPORTER_ISODATA_H
#define IMPORTER_ISODATA_H

#include "importer.h"

struct isodata;

/*
 * Loads the data from dir (NULL: $IMPORTER_ISO_CODES_DIR, else the
 * configured folder). Returns NULL with err (code 70) when unreadable.
 */
struct isodata	*isodata_load(const char *dir, struct imp_err *err);
void		 isodata_free(struct isodata *iso);
/* Nonzero if cc is an assigned alpha-2 code (upper case). */
int		 isodata_country(const struct isodata *iso, const char *cc);
/* The alpha-2 code a alpha-3 code or English name stands for, or NULL. */
const char	*isodata_country_hint(const struct isodata *iso, const char *s);
/* Nonzero if ll is an ISO 639-1 code (lower case). */
int		 isodata_language(const struct isodata *iso, const char *ll);
/* Nonzero if the data lists subdivisions for cc (only the markets the
 * service checks states for are kept). */
int		 isodata_has_states(const struct isodata *iso, const char *cc);
/* Nonzero if code (e.g. "WA") is a subdivision of cc ("US"). */
int		 isodata_state(const struct isodata *iso, const char *cc,
		    const char *code);

#endif
