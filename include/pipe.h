/*
 * pipe.h: hands batches from one thread to another. The caller owns a
 * fixed set of batches; the producer takes an empty one, fills it and
 * passes it on; the consumer takes them in order and gives them back. With
 * a few batches in the ring, memory stays bounded and both threads keep
 * working side by side.
 */
#ifndef IMPORTER_PIPE_H
#define IMPORTER_PIPE_H

#include <pthread.h>
#include <stddef.h>

#include "importer.h"

#define PIPE_MAX	8	/* batches in one pipe */

struct pipe {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	void		*free[PIPE_MAX];
	size_t		 nfree;
	void		*full[PIPE_MAX];	/* a ring, oldest at head */
	size_t		 head, nfull;
	int		 closed;	/* the producer is done */
	int		 failed;	/* the consumer failed: err */
	struct imp_err	 err;
};

/* The n (<= PIPE_MAX) batches start out empty. */
void	 pipe_init(struct pipe *, void *const *batches, size_t n);
void	 pipe_destroy(struct pipe *);

/* Producer: an empty batch (NULL once the consumer failed), then pass it. */
void	*pipe_get_free(struct pipe *);
void	 pipe_put_full(struct pipe *, void *);
void	 pipe_close(struct pipe *);

/* Consumer: the next full batch (NULL once closed and drained), give back. */
void	*pipe_get_full(struct pipe *);
/* Consumer: the next full batch if one is there, else NULL at once. */
void	*pipe_try_full(struct pipe *);
void	 pipe_put_free(struct pipe *, void *);
void	 pipe_fail(struct pipe *, const struct imp_err *);

#endif
