/*
 * sandbox_int.h: what the sandbox's own files share: the server and one
 * request, responding (sandbox_http.c), the customer helpers and the API's
 * routes (sandbox_api.c), the admin routes and the faults' hook-up
 * (sandbox_admin.c).
 */
#ifndef IMPORTER_SANDBOX_INT_H
#define IMPORTER_SANDBOX_INT_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "accounts.h"
#include "billing.h"
#include "country.h"
#include "fault.h"
#include "importer.h"
#include "sandbox.h"

#define SANDBOX_MAX_BODY	(256 * 1024)
/* The "source" of the service's error bodies. */
#define SANDBOX_SOURCE		"PartnerFD"
/* The token resource of Partner Center operated by 21Vianet (--china). */
#define SANDBOX_CHINA_RESOURCE	\
	"https://partner.partnercenterapi.microsoftonline.cn"

/* Counters for GET /_admin/stats (API requests only, not admin ones). */
struct sandbox_stats {
	long long	requests;
	long long	methods[4];	/* GET, PUT, POST, other */
	long long	statuses[600];
	long long	puts_applied;
	long long	puts_replayed;
	long long	dropped;
};

struct sandbox {
	struct sandbox_opts	 o;
	struct accounts		*accounts;
	struct fault		*fault;
	struct country_book	*rules;		/* bundled, then the file's */
	struct MHD_Daemon	*d;		/* NULL: not started */
	unsigned		 port;
	pthread_mutex_t		 lock;		/* stats, stopping */
	pthread_cond_t		 wake;
	int			 stopping;
	struct sandbox_stats	 stats;
	uint64_t		 nonce;
	uint64_t		 ids;		/* generated ids so far */
};

/* One request, from its first callback to its completion. */
struct sandbox_req {
	struct sandbox		*sb;
	struct timespec		 start;
	char			*body;
	size_t			 len;
	size_t			 cap;
	int			 too_big;
	int			 admin;
	int			 status;
	int			 replayed;
	char			*method;
	char			*path;
	char			 request_id[80];
	char			 correlation_id[80];
	char			 cv[96];
	struct fault_decision	 fd;
};

/* sandbox_http.c */
/* The methods counted apart in the stats; the rest count as "other". */
extern const char *const sandbox_methods[3];
/* Sleeps ms milliseconds, or less when the server is stopping. */
void		 sandbox_sleep(struct sandbox *sb, unsigned ms);
/* A request header, or NULL. Borrowed from the connection. */
const char	*sandbox_header(struct MHD_Connection *c, const char *name);
/* Records the answer's status (0: dropped) for the log and the stats. */
void		 sandbox_count_response(struct sandbox_req *r, int status);
/* Answers status with body (consumed; may be NULL) and an optional ETag. */
enum MHD_Result	 sandbox_respond(struct MHD_Connection *c,
		    struct sandbox_req *r, unsigned status, json_t *body,
		    const char *etag, int retry_after);
/* Answers an ApiFault. */
enum MHD_Result	 sandbox_fail(struct MHD_Connection *c,
		    struct sandbox_req *r, unsigned status, const char *code,
		    const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
/* Answers 500 with err's message. */
enum MHD_Result	 sandbox_fail_internal(struct MHD_Connection *c,
		    struct sandbox_req *r, const struct imp_err *err);
enum MHD_Result	 sandbox_method_not_allowed(struct MHD_Connection *c,
		    struct sandbox_req *r);

/* sandbox_api.c */
/* A BillingProfile with its self link. New reference. */
json_t		*sandbox_billing_json(const struct billing_profile *bp);
/*
 * Resolves a customer id from the path: lower-cased into out. Sets *ok,
 * or answers 400 and clears it.
 */
enum MHD_Result	 sandbox_check_customer_id(struct MHD_Connection *c,
		    struct sandbox_req *r, const char *id, char *out,
		    size_t size, int *ok);
enum MHD_Result	 sandbox_not_found_customer(struct MHD_Connection *c,
		    struct sandbox_req *r, const char *cid);
/* Routes /v1/...: seg are the path's n segments. */
enum MHD_Result	 sandbox_route_api(struct MHD_Connection *c,
		    struct sandbox_req *r, char **seg, int n);

/* sandbox_audit.c: GET /v1/auditrecords, the activity log. */
enum MHD_Result	 sandbox_audit_records(struct MHD_Connection *c,
		    struct sandbox_req *r);

/* sandbox_admin.c */
/* Routes /_admin/...: seg are the path's n segments. */
enum MHD_Result	 sandbox_route_admin(struct MHD_Connection *c,
		    struct sandbox_req *r, char **seg, int n);
/* Draws an API request's faults and sleeps its latency. */
void		 sandbox_fault_draw(struct sandbox_req *r);
/* Answers 429 or 503 if the request was picked for one: returns 1. */
int		 sandbox_fault_refuse(struct MHD_Connection *c,
		    struct sandbox_req *r, enum MHD_Result *ret);
/* After a PUT is applied: drops it or answers 500 if picked: returns 1. */
int		 sandbox_fault_hide(struct MHD_Connection *c,
		    struct sandbox_req *r, enum MHD_Result *ret);

#endif
