/*
 * strtab.c: strings by number. In memory: one arena of NUL-terminated
 * strings and their offsets. Past the budget the strings that follow go to
 * two unlinked temporary files, the same two arrays (mode 0600: the strings
 * are personal data), read with pread through a set-associative cache of
 * 4 KiB blocks; the first ones stay in memory, and they are the ones a
 * sheet asks for again and again (a workbook numbers its strings as they
 * first appear, so the values rows share come early).
 */
#include "config.h"

#include "strtab.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tempfile.h"
#include "xmalloc.h"

#define BLOCK	4096
#define WAYS	4
#define SETS	256		/* 1024 blocks: 4 MiB */

enum { F_DATA, F_INDEX };

struct block {
	int		 valid, file;
	uint64_t	 no, used;
	size_t		 len;
	char		*buf;
};

struct spill {
	FILE		*fp[2];
	uint64_t	 len[2];	/* bytes written */
	int		 dirty;		/* written since the last flush */
	struct block	 cache[SETS * WAYS];
	uint64_t	 tick;
};

struct strtab {
	size_t		 memory;
	size_t		 n;
	size_t		 nmem;		/* strings in memory, once spilled */
	char		*arena;		/* in memory */
	size_t		 alen, acap;
	uint32_t	*offs;
	size_t		 ocap;
	struct spill	*sp;		/* or spilled */
	char		*out;
	size_t		 outcap;
};

struct strtab *
strtab_new(size_t memory)
{
	struct strtab	*t = xcalloc(1, sizeof *t);

	t->memory = memory != 0 ? memory : STRTAB_MEMORY;
	if (t->memory > UINT32_MAX)
		t->memory = UINT32_MAX;
	return t;
}

void
strtab_free(struct strtab *t)
{
	size_t	i;

	if (t == NULL)
		return;
	if (t->sp != NULL) {
		for (i = 0; i < 2; i++)
			if (t->sp->fp[i] != NULL)
				fclose(t->sp->fp[i]);
		for (i = 0; i < SETS * WAYS; i++)
			free(t->sp->cache[i].buf);
		free(t->sp);
	}
	free(t->arena);
	free(t->offs);
	free(t->out);
	free(t);
}

size_t
strtab_count(const struct strtab *t)
{
	return t->n;
}

int
strtab_spilled(const struct strtab *t)
{
	return t->sp != NULL;
}

/* An unlinked temporary file, 0600 (tempfile.h). */
static FILE *
temp_file(void)
{
	struct imp_err	 err;
	FILE		*fp;
	int		 fd;

	if ((fd = tempfile_open("strings", &err)) == -1)
		return NULL;
	if ((fp = fdopen(fd, "w+b")) == NULL)
		close(fd);
	return fp;
}

static int
put_offset(struct spill *sp, uint64_t off)
{
	unsigned char	b[8];
	int		i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(off >> (8 * i));
	sp->len[F_INDEX] += 8;
	return fwrite(b, 1, 8, sp->fp[F_INDEX]) == 8 ? 0 : -1;
}

static int
disk_error(struct imp_err *err, const char *what)
{
	return imp_errf(err, IMP_EXIT_SOFTWARE, "the workbook's shared "
	    "strings: cannot %s a temporary file: %s", what, strerror(errno));
}

/* The strings from here on go to files; those so far stay. */
static int
spill(struct strtab *t, struct imp_err *err)
{
	struct spill	*sp;

	sp = t->sp = xcalloc(1, sizeof *sp);
	if ((sp->fp[F_DATA] = temp_file()) == NULL ||
	    (sp->fp[F_INDEX] = temp_file()) == NULL)
		return disk_error(err, "create");
	t->nmem = t->n;
	return 0;
}

int
strtab_add(struct strtab *t, const char *s, size_t n, struct imp_err *err)
{
	struct spill	*sp;

	if (t->sp == NULL && t->alen + n + 1 + (t->n + 1) * sizeof *t->offs >
	    t->memory && spill(t, err) == -1)
		return -1;
	if ((sp = t->sp) != NULL) {
		if (put_offset(sp, sp->len[F_DATA]) == -1 ||
		    fwrite(s, 1, n, sp->fp[F_DATA]) != n ||
		    fputc('\0', sp->fp[F_DATA]) == EOF)
			return disk_error(err, "write");
		sp->len[F_DATA] += n + 1;
		sp->dirty = 1;
		t->n++;
		return 0;
	}
	if (t->n == t->ocap) {
		t->ocap = t->ocap == 0 ? 1024 : t->ocap * 2;
		t->offs = xreallocarray(t->offs, t->ocap, sizeof *t->offs);
	}
	if (t->alen + n + 1 > t->acap) {
		t->acap = (t->alen + n + 1) * 2;
		if (t->acap > t->memory)
			t->acap = t->memory;
		t->arena = xreallocarray(t->arena, t->acap, 1);
	}
	t->offs[t->n++] = (uint32_t)t->alen;
	if (n > 0)
		memcpy(t->arena + t->alen, s, n);
	t->arena[t->alen + n] = '\0';
	t->alen += n + 1;
	return 0;
}

/* Copies len bytes at off of file f into dst, through the cache. */
static int
cached_read(struct spill *sp, int f, uint64_t off, char *dst, size_t len)
{
	struct block	*set, *b;
	uint64_t	 no;
	size_t		 k, at, take;
	ssize_t		 r;

	while (len > 0) {
		no = off / BLOCK;
		at = (size_t)(off % BLOCK);
		set = &sp->cache[((no * 2 + (uint64_t)f) % SETS) * WAYS];
		b = NULL;
		for (k = 0; k < WAYS; k++)
			if (set[k].valid && set[k].file == f && set[k].no == no) {
				b = &set[k];
				break;
			}
		if (b == NULL) {
			/* The least recently used way of the set. */
			b = &set[0];
			for (k = 1; k < WAYS; k++)
				if (!set[k].valid || set[k].used < b->used)
					b = &set[k];
			if (b->buf == NULL)
				b->buf = xmalloc(BLOCK);
			b->valid = 0;
			r = pread(fileno(sp->fp[f]), b->buf, BLOCK,
			    (off_t)(no * BLOCK));
			if (r < 0)
				return -1;
			b->len = (size_t)r;
			b->file = f;
			b->no = no;
			b->valid = 1;
		}
		b->used = ++sp->tick;
		if (at >= b->len)
			return -1;	/* past the end: never written */
		take = b->len - at < len ? b->len - at : len;
		memcpy(dst, b->buf + at, take);
		dst += take;
		off += take;
		len -= take;
	}
	return 0;
}

static uint64_t
get_offset(const unsigned char *b)
{
	uint64_t	v = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

const char *
strtab_get(struct strtab *t, size_t i, size_t *len, struct imp_err *err)
{
	struct spill	*sp = t->sp;
	unsigned char	 ix[16];
	uint64_t	 start, end;
	size_t		 n;

	if (i >= t->n) {
		imp_errf(err, IMP_EXIT_DATAERR, "no shared string %zu (the "
		    "workbook holds %zu)", i, t->n);
		return NULL;
	}
	if (sp == NULL || i < t->nmem) {
		start = t->offs[i];
		end = i + 1 < (sp == NULL ? t->n : t->nmem) ? t->offs[i + 1] :
		    t->alen;
		*len = (size_t)(end - start - 1);
		return t->arena + start;
	}
	i -= t->nmem;
	if (sp->dirty) {
		if (fflush(sp->fp[F_DATA]) != 0 ||
		    fflush(sp->fp[F_INDEX]) != 0) {
			disk_error(err, "write");
			return NULL;
		}
		sp->dirty = 0;
		/* A file's last block, cached short, has grown since. */
		for (n = 0; n < SETS * WAYS; n++)
			if (sp->cache[n].len < BLOCK)
				sp->cache[n].valid = 0;
	}
	n = i + 1 < t->n - t->nmem ? 16 : 8;
	if (cached_read(sp, F_INDEX, (uint64_t)i * 8, (char *)ix, n) == -1)
		goto fail;
	start = get_offset(ix);
	end = n == 16 ? get_offset(ix + 8) : sp->len[F_DATA];
	if (end <= start || end - start > (uint64_t)SIZE_MAX / 2)
		goto fail;
	n = (size_t)(end - start);
	if (n > t->outcap) {
		t->outcap = n * 2;
		t->out = xreallocarray(t->out, t->outcap, 1);
	}
	if (cached_read(sp, F_DATA, start, t->out, n) == -1)
		goto fail;
	*len = n - 1;
	return t->out;
fail:
	imp_errf(err, IMP_EXIT_SOFTWARE, "the workbook's shared strings: "
	    "cannot read back string %zu from the temporary file: %s",
	    i + t->nmem,
	    errno != 0 ? strerror(errno) : "short read");
	return NULL;
}
