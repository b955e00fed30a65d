/*
 * load.c: a small load client for the sandbox benchmark. Keeps C transfers
 * in flight with the libcurl multi interface over kept-alive connections,
 * cycling GET (or PUT) of billing profiles over every account, and prints
 * the requests per second.
 *
 *   load [-c CONC] [-n N] [-m get|put] -t TOKEN BASE-URL
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

struct buf {
	char	*p;
	size_t	 len;
};

struct slot {
	CURL			*h;
	struct curl_slist	*hdrs;
	char			 url[512];
	char			 rid[64];
	long			 n;
};

static size_t
on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf	*b = arg;
	size_t		 n = size * nmemb;
	char		*p;

	if (b == NULL)
		return n;
	p = realloc(b->p, b->len + n + 1);
	if (p == NULL)
		return 0;
	b->p = p;
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

/* One blocking GET into b; returns the status or -1. */
static long
fetch(const char *url, const char *auth, struct buf *b)
{
	struct curl_slist	*h = curl_slist_append(NULL, auth);
	CURL			*c = curl_easy_init();
	long			 status = -1;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return status;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fputs("usage: load [-c CONC] [-n N] [-m get|put] -t TOKEN BASE-URL\n",
	    stderr);
	exit(64);
}

/* Points slot s at request number i. */
static void
arm(struct slot *s, const char *base, char **ids, char **bodies,
    size_t nids, long i, int put, const char *auth)
{
	size_t	k = (size_t)i % nids;

	snprintf(s->url, sizeof s->url, "%s/v1/customers/%s/profiles/billing",
	    base, ids[k]);
	curl_easy_setopt(s->h, CURLOPT_URL, s->url);
	curl_slist_free_all(s->hdrs);
	s->hdrs = curl_slist_append(NULL, auth);
	if (put) {
		snprintf(s->rid, sizeof s->rid, "MS-RequestId: bench-%ld-%ld",
		    (long)time(NULL), i);
		s->hdrs = curl_slist_append(s->hdrs, s->rid);
		s->hdrs = curl_slist_append(s->hdrs,
		    "Content-Type: application/json");
		curl_easy_setopt(s->h, CURLOPT_CUSTOMREQUEST, "PUT");
		curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, bodies[k]);
	}
	curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, s->hdrs);
	s->n = i;
}

int
main(int argc, char **argv)
{
	struct buf	 b = { NULL, 0 };
	struct slot	*slots;
	CURLM		*m;
	CURLMsg		*msg;
	json_t		*list, *e, *prof, *attrs;
	char		**ids, **bodies, auth[300], url[512];
	const char	*token = NULL, *base;
	double		 t0, t;
	long		 n = 10000, sent = 0, done = 0, errors = 0, status;
	size_t		 nids, i;
	int		 c, conc = 8, put = 0, running, left;

	while ((c = getopt(argc, argv, "c:n:m:t:")) != -1) {
		switch (c) {
		case 'c':
			conc = atoi(optarg);
			break;
		case 'n':
			n = atol(optarg);
			break;
		case 'm':
			put = strcmp(optarg, "put") == 0;
			break;
		case 't':
			token = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || token == NULL || conc < 1 || n < 1)
		usage();
	base = argv[optind];
	curl_global_init(CURL_GLOBAL_ALL);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);

	/* The accounts, and for PUT each one's profile without its etag. */
	snprintf(url, sizeof url, "%s/_admin/accounts", base);
	if (fetch(url, auth, &b) != 200 ||
	    (list = json_loads(b.p, 0, NULL)) == NULL ||
	    json_array_size(list) == 0) {
		fprintf(stderr, "load: cannot list the accounts at %s\n", url);
		return 69;
	}
	nids = json_array_size(list);
	ids = calloc(nids, sizeof *ids);
	bodies = calloc(nids, sizeof *bodies);
	if (ids == NULL || bodies == NULL)
		return 70;
	json_array_foreach(list, i, e) {
		ids[i] = strdup(json_string_value(json_object_get(e,
		    "customerId")));
		prof = json_object_get(e, "profile");
		attrs = json_object_get(prof, "attributes");
		json_object_del(attrs, "etag");
		bodies[i] = json_dumps(prof, JSON_COMPACT);
	}
	json_decref(list);
	free(b.p);

	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)conc);
	slots = calloc((size_t)conc, sizeof *slots);
	if (slots == NULL)
		return 70;
	t0 = now();
	for (c = 0; c < conc && sent < n; c++) {
		slots[c].h = curl_easy_init();
		curl_easy_setopt(slots[c].h, CURLOPT_WRITEFUNCTION, on_write);
		curl_easy_setopt(slots[c].h, CURLOPT_WRITEDATA, NULL);
		curl_easy_setopt(slots[c].h, CURLOPT_PRIVATE, &slots[c]);
		arm(&slots[c], base, ids, bodies, nids, sent++, put, auth);
		curl_multi_add_handle(m, slots[c].h);
	}
	do {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct slot	*s;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&s);
			status = 0;
			curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE,
			    &status);
			if (msg->data.result != CURLE_OK || status != 200)
				errors++;
			done++;
			curl_multi_remove_handle(m, s->h);
			if (sent < n) {
				arm(s, base, ids, bodies, nids, sent++, put,
				    auth);
				curl_multi_add_handle(m, s->h);
				running = 1;
			}
		}
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	} while (running || done < sent);
	t = now() - t0;

	printf("%s %ld requests, %d connections, %.2f s: %.0f requests/s, "
	    "%ld errors\n", put ? "PUT" : "GET", done, conc, t,
	    (double)done / t, errors);
	for (c = 0; c < conc; c++) {
		curl_easy_cleanup(slots[c].h);
		curl_slist_free_all(slots[c].hdrs);
	}
	free(slots);
	curl_multi_cleanup(m);
	for (i = 0; i < nids; i++) {
		free(ids[i]);
		free(bodies[i]);
	}
	free(ids);
	free(bodies);
	curl_global_cleanup();
	return errors > 0 ? 1 : 0;
}
