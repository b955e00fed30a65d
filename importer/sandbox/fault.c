/*
 * fault.c: seeded fault injection for the sandbox: a splitmix64 PRNG and a
 * token bucket, both behind one mutex (requests arrive on many threads).
 */
#include "config.h"

#include "fault.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "xmalloc.h"

struct fault {
	struct fault_opts	 o;
	pthread_mutex_t		 lock;
	uint64_t		 state;
	double			 tokens;
	double			 last;		/* monotonic seconds */
};

uint64_t
fault_mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t	z = *s;

	*s += 0x9e3779b97f4a7c15ULL;
	return fault_mix64(z);
}

/* A uniform double in [0, 1). */
static double
uniform(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) / 9007199254740992.0;
}

static double
now_seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct fault *
fault_new(const struct fault_opts *opts)
{
	struct fault	*f = xcalloc(1, sizeof *f);

	f->o = *opts;
	f->state = opts->seed;
	f->tokens = opts->burst >= 1 ? opts->burst : 1;
	f->last = now_seconds();
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

void
fault_free(struct fault *f)
{
	if (f == NULL)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f);
}

void
fault_draw(struct fault *f, struct fault_decision *d)
{
	double	u[6], lat, t, cap, wait;
	int	i;

	pthread_mutex_lock(&f->lock);
	for (i = 0; i < 6; i++)
		u[i] = uniform(&f->state);
	d->throttled = 0;
	d->retry_after = 0;
	if (f->o.rate > 0) {
		cap = f->o.burst >= 1 ? f->o.burst : 1;
		t = now_seconds();
		f->tokens += (t - f->last) * f->o.rate;
		if (f->tokens > cap)
			f->tokens = cap;
		f->last = t;
		if (f->tokens >= 1)
			f->tokens -= 1;
		else {
			d->throttled = 1;
			/* Seconds until a whole token is back, rounded up. */
			wait = (1 - f->tokens) / f->o.rate;
			d->retry_after = (int)wait;
			if (d->retry_after < wait)
				d->retry_after++;
			if (d->retry_after < 1)
				d->retry_after = 1;
		}
	}
	pthread_mutex_unlock(&f->lock);

	lat = f->o.latency_ms + (2 * u[0] - 1) * f->o.spread_ms;
	d->latency_ms = lat > 0 ? (unsigned)lat : 0;
	d->fail503 = u[1] < f->o.p503;
	d->fail500_after = u[2] < f->o.p500_after;
	d->drop_after = u[3] < f->o.pdrop_after;
	d->slow_ms = u[4] < f->o.pslow ? (unsigned)f->o.slow_ms : 0;
	d->bom = u[5] < f->o.pbom;
}
