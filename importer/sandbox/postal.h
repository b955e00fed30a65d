/*
 * postal.h: which state or province a postal code belongs to, for the
 * sandbox's address validation (POST /v1/validations/address): a postal
 * code of one state with another state's code is what the service
 * answers InteractionRequired to, with the state it belongs to.
 */
#ifndef IMPORTER_POSTAL_H
#define IMPORTER_POSTAL_H

/*
 * The state (US), province (CA) or state (AU) code that postal code pc of
 * country cc (upper case) belongs to; NULL when the country is not one of
 * these or the code is not one this table knows. Static.
 */
const char	*postal_state(const char *cc, const char *pc);

#endif
