/*
 * fault.h: the sandbox's fault plan. Every random decision comes from one
 * PRNG seeded by --seed, and every request draws the same number of values
 * whatever is switched on, so a run with the same seed and the same
 * sequence of requests fails the same way.
 */
#ifndef IMPORTER_FAULT_H
#define IMPORTER_FAULT_H

#include <stdint.h>

/* What to inject; probabilities are 0..1, times in milliseconds. */
struct fault_opts {
	uint64_t	seed;
	double		latency_ms;	/* mean added to every request */
	double		spread_ms;	/* uniform +- around the mean */
	double		rate;		/* tokens per second; 0: off */
	double		burst;		/* bucket size */
	double		p503;		/* 503 before applying */
	double		p500_after;	/* PUT applied, then 500 */
	double		pdrop_after;	/* PUT applied, connection dropped */
	double		pslow;		/* reply held back slow_ms */
	double		slow_ms;
	double		pbom;		/* UTF-8 BOM before a JSON body */
};

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
/*
 * Parses a probability "0".."1" into *p. Returns 0, or -1 when s is not a
 * number in range.
 */
int		 fault_parse_prob(const char *s, double *p);

#endif
