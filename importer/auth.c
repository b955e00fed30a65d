/*
 * auth.c: token sources. A token read from the environment or a file is
 * used as it is; a token command is run again after a 401; OAuth2 tokens
 * are requested again 60 s before they expire, and after a 401.
 */
#include "config.h"

#include "auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "xmalloc.h"

#define AUTH_MAX	16384	/* a JWT is a few KB */

struct auth {
	struct auth_opts	 opts;
	char			*header;	/* "Authorization: Bearer X" */
	time_t			 expires;	/* 0: unknown */
	int			 renewable;
};

static void
wipe(char *s)
{
	volatile char	*p = s;

	if (s == NULL)
		return;
	while (*p != '\0')
		*p++ = '\0';
	free(s);
}

/* Takes the first line of buf as the token; -1 if there is none. */
static int
set_token(struct auth *a, const char *buf, struct imp_err *err,
    const char *from)
{
	size_t	n;

	while (*buf == ' ' || *buf == '\t')
		buf++;
	n = strcspn(buf, "\r\n");
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	if (n == 0)
		return imp_errf(err, IMP_EXIT_NOPERM, "no token in %s", from);
	if (strncmp(buf, "Bearer ", 7) == 0) {
		buf += 7;
		n -= 7;
	}
	wipe(a->header);
	a->header = xmalloc(n + 32);
	snprintf(a->header, n + 32, "Authorization: Bearer %.*s", (int)n, buf);
	return 0;
}

static int
read_file(struct auth *a, struct imp_err *err)
{
	char	 buf[AUTH_MAX];
	FILE	*fp;
	size_t	 n;

	fp = fopen(a->opts.token_file, "r");
	if (fp == NULL)
		return imp_errf(err, IMP_EXIT_NOPERM, "%s: %s",
		    a->opts.token_file, strerror(errno));
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	n = set_token(a, buf, err, a->opts.token_file);
	memset(buf, 0, sizeof buf);
	return (int)n;
}

static int
run_command(struct auth *a, struct imp_err *err)
{
	char	 buf[AUTH_MAX];
	FILE	*fp;
	size_t	 n;
	int	 st, rc;

	fflush(NULL);
	fp = popen(a->opts.token_command, "r");
	if (fp == NULL)
		return imp_errf(err, IMP_EXIT_NOPERM, "token_command: %s",
		    strerror(errno));
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	st = pclose(fp);
	if (st != 0) {
		memset(buf, 0, sizeof buf);
		return imp_errf(err, IMP_EXIT_NOPERM, "token_command failed "
		    "(status %d)", st);
	}
	rc = set_token(a, buf, err, "the token_command's output");
	memset(buf, 0, sizeof buf);
	return rc;
}

struct growbuf {
	char	*p;
	size_t	 n;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct growbuf	*b = arg;
	size_t		 len = size * nmemb;

	if (b->n + len > 1024 * 1024)
		return 0;
	b->p = xreallocarray(b->p, b->n + len + 1, 1);
	memcpy(b->p + b->n, data, len);
	b->n += len;
	b->p[b->n] = '\0';
	return len;
}

/* POSTs the client credentials; the reply is {access_token, expires_in}. */
static int
oauth(struct auth *a, struct imp_err *err)
{
	struct growbuf	 body = { NULL, 0 };
	CURL		*c;
	char		*form = NULL, *id, *secret, *res;
	const char	*p;
	char		 ebuf[CURL_ERROR_SIZE] = "";
	json_t		*o = NULL, *v, *d;
	long		 status = 0;
	int		 rc = -1;
	CURLcode	 cc;

	c = curl_easy_init();
	if (c == NULL)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "curl_easy_init");
	id = curl_easy_escape(c, a->opts.client_id, 0);
	secret = curl_easy_escape(c, a->opts.client_secret, 0);
	res = curl_easy_escape(c, a->opts.resource, 0);
	form = xasprintf("grant_type=client_credentials&client_id=%s&"
	    "client_secret=%s&resource=%s", id, secret, res);
	curl_free(id);
	curl_free(res);
	if (secret != NULL) {
		memset(secret, 0, strlen(secret));
		curl_free(secret);
	}
	curl_easy_setopt(c, CURLOPT_URL, a->opts.token_url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (a->opts.cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, a->opts.cacert);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK) {
		imp_errf(err, IMP_EXIT_UNAVAILABLE, "token endpoint: %s",
		    ebuf[0] ? ebuf : curl_easy_strerror(cc));
		goto out;
	}
	/* The 21Vianet cloud may put a UTF-8 BOM first (reference §15). */
	p = body.p;
	if (p != NULL && strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	o = p != NULL ? json_loads(p, 0, NULL) : NULL;
	v = json_object_get(o, "access_token");
	if (status != 200 || !json_is_string(v)) {
		d = json_object_get(o, "error_description");
		imp_errf(err, IMP_EXIT_NOPERM, "token endpoint refused the "
		    "client credentials (HTTP %ld)%s%.200s", status,
		    json_is_string(d) ? ": " : "", json_is_string(d) ?
		    json_string_value(d) : "");
		goto out;
	}
	if (set_token(a, json_string_value(v), err, "the token reply") == -1)
		goto out;
	v = json_object_get(o, "expires_in");
	a->expires = time(NULL) + (json_is_string(v) ?
	    atol(json_string_value(v)) : json_is_integer(v) ?
	    (long)json_integer_value(v) : 3000);
	rc = 0;
out:
	if (form != NULL) {
		memset(form, 0, strlen(form));
		free(form);
	}
	if (body.p != NULL) {
		memset(body.p, 0, body.n);
		free(body.p);
	}
	json_decref(o);
	curl_easy_cleanup(c);
	return rc;
}

static int
obtain(struct auth *a, struct imp_err *err)
{
	if (a->opts.token != NULL && *a->opts.token != '\0')
		return set_token(a, a->opts.token, err, "IMPORTER_TOKEN");
	if (a->opts.token_file != NULL)
		return read_file(a, err);
	if (a->opts.token_command != NULL)
		return run_command(a, err);
	if (a->opts.token_url != NULL && a->opts.client_id != NULL &&
	    a->opts.client_secret != NULL)
		return oauth(a, err);
	return imp_errf(err, IMP_EXIT_NOPERM, "no token: set IMPORTER_TOKEN, "
	    "give --token-file, or name a token_command or client "
	    "credentials in the profile's [service]");
}

struct auth *
auth_new(const struct auth_opts *opts, struct imp_err *err)
{
	struct auth	*a;

	a = xcalloc(1, sizeof *a);
	a->opts = *opts;
	a->renewable = (opts->token == NULL || *opts->token == '\0') &&
	    opts->token_file == NULL;
	if (obtain(a, err) == -1) {
		auth_free(a);
		return NULL;
	}
	return a;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	wipe(a->header);
	free(a);
}

const char *
auth_header(struct auth *a, struct imp_err *err)
{
	if (a->expires != 0 && time(NULL) + 60 >= a->expires &&
	    obtain(a, err) == -1)
		return NULL;
	return a->header;
}

int
auth_refresh(struct auth *a, struct imp_err *err)
{
	if (!a->renewable)
		return imp_errf(err, IMP_EXIT_NOPERM, "the token was given "
		    "as it is (IMPORTER_TOKEN or --token-file), so none can "
		    "be asked for: it has expired or lacks the permission; "
		    "get a new one");
	return obtain(a, err);
}

int
auth_leaks(const struct auth *a, const char *s)
{
	const char	*tok = a->header + strlen("Authorization: Bearer ");

	return *tok != '\0' && strstr(s, tok) != NULL;
}
