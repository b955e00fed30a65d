/*
 * fault.h: the sandbox's fault plan. Every random decision comes from one
 * PRNG seeded by --seed, and every request draws the same number of values
 * whatever is switched on, so a run with the same seed and the same
 * sequence of requests fails the same way.
 */
#ifndef IMPORTER_FAULT_H
#define IMPORTER_FAULT_H

#include "sandbox.h"	/* struct fault_opts, filled by the command */

/* The faults one request gets. */
struct fault_decision {
	unsigned	latency_ms;	/* sleep before answering */
	int		throttled;	/* answer 429 */
	int		retry_after;	/* seconds, when throttled */
	int		fail503;
	int		fail500_after;	/* writes only */
	int		drop_after;	/* writes only */
	unsigned	slow_ms;	/* extra sleep, past client timeouts */
	int		bom;
};

struct fault;

/* fault.c */
struct fault	*fault_new(const struct fault_opts *opts);
void		 fault_free(struct fault *f);
/* Decides the faults of the next request; thread-safe. */
void		 fault_draw(struct fault *f, struct fault_decision *d);
/* splitmix64's step: a well-mixed 64 bits of z (etags, ids, draws). */
uint64_t	 fault_mix64(uint64_t z);

#endif
