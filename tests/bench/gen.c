/*
 * gen.c: writes a large, realistic monthly update file (or the matching
 * current-accounts snapshot) for the benchmarks. Deterministic: the same
 * arguments give the same bytes.
 *
 *	gen update ROWS > update.csv
 *	gen snapshot ROWS > snapshot.csv
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t gen_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
gen_rand(void)
{
	/* xorshift64* */
	gen_state ^= gen_state >> 12;
	gen_state ^= gen_state << 25;
	gen_state ^= gen_state >> 27;
	return gen_state * 0x2545f4914f6cdd1dULL;
}

static const char *
pick(const char *const *list, size_t n)
{
	return list[gen_rand() % n];
}
#define PICK(a) pick(a, sizeof a / sizeof a[0])

struct market {
	const char	*cc, *culture, *lang, *phone;
	int		 postal;	/* enum postal */
	const char	*cities[3], *states[3];
};

enum postal { P_US, P_GB, P_DE, P_CN, P_JP, P_FR, P_CA };

static const struct market markets[] = {
	{ "US", "en-US", "en", "+1 425-555-", P_US,
	    { "Redmond", "Seattle", "Boston" }, { "WA", "WA", "MA" } },
	{ "US", "en-US", "en", "+1 212-555-", P_US,
	    { "New York", "Albany", "Buffalo" }, { "NY", "NY", "NY" } },
	{ "GB", "en-GB", "en", "+44 20 7946 ", P_GB,
	    { "London", "Leeds", "Bristol" }, { "", "", "" } },
	{ "DE", "de-DE", "de", "+49 30 9018", P_DE,
	    { "Berlin", "München", "Köln" }, { "", "", "" } },
	{ "CN", "zh-CN", "zh", "+86 10 5917 ", P_CN,
	    { "北京", "上海", "深圳" }, { "北京市", "上海市", "广东省" } },
	{ "JP", "ja-JP", "ja", "+81 3-1234-", P_JP,
	    { "千代田区", "大阪市", "横浜市" }, { "東京都", "大阪府", "神奈川県" } },
	{ "FR", "fr-FR", "fr", "+33 1 40 20 ", P_FR,
	    { "Paris", "Lyon", "Nantes" }, { "", "", "" } },
	{ "CA", "en-CA", "en", "+1 613-555-", P_CA,
	    { "Ottawa", "Toronto", "Montréal" }, { "ON", "ON", "QC" } },
};

static void
postal(char *buf, size_t len, int kind)
{
	unsigned	r = gen_rand() % 10000;

	switch (kind) {
	case P_US:
		snprintf(buf, len, "%05u", r * 7 % 89999 + 10000);
		break;
	case P_GB:
		snprintf(buf, len, "SW1A %uAA", r % 9 + 1);
		break;
	case P_DE:
		snprintf(buf, len, "1%04u", r);
		break;
	case P_CN:
		snprintf(buf, len, "10%04u", r);
		break;
	case P_JP:
		snprintf(buf, len, "100-%04u", r);
		break;
	case P_FR:
		snprintf(buf, len, "750%02u", r % 20 + 1);
		break;
	default:
		snprintf(buf, len, "K1A %uB1", r % 9);
		break;
	}
}

static const char *const companies[] = {
	"Contoso", "Fabrikam", "Northwind Traders", "Adventure Works",
	"Tailspin Toys", "Wide World Importers", "Litware", "Proseware",
	"Lucerne Publishing", "Margie's Travel", "北京云帆科技", "さくらシステム",
};
static const char *const suffixes[] = { "Ltd", "Inc.", "GmbH", "LLC", "有限公司",
	"株式会社", "S.A.", "plc" };
static const char *const firsts[] = { "Anna", "Ben", "Chen", "Dana", "Emil",
	"Fatima", "Hiro", "Ines", "Jamal", "Li", "María", "Yuki" };
static const char *const lasts[] = { "Ng", "Smith", "Müller", "Wang", "Sato",
	"Dubois", "García", "Okafor", "Kowalski", "Johansson", "李", "田中" };
static const char *const streets[] = { "Main St", "High Street",
	"Hauptstraße", "Rue de Rivoli", "长安街", "丸の内", "King St W",
	"Microsoft Way" };

/* A cell as CSV: quoted when it holds a comma, quote or line break. */
static void
cell(const char *s, int last)
{
	const char	*p;

	if (strpbrk(s, ",\"\r\n") != NULL) {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	} else
		fputs(s, stdout);
	putchar(last ? '\n' : ',');
}

int
main(int argc, char **argv)
{
	const struct market	*m;
	unsigned long		 rows, i;
	char			 guid[64], buf[8][128];
	int			 snapshot;

	if (argc != 3 || (strcmp(argv[1], "update") != 0 &&
	    strcmp(argv[1], "snapshot") != 0)) {
		fprintf(stderr, "usage: gen update|snapshot ROWS\n");
		return 64;
	}
	snapshot = strcmp(argv[1], "snapshot") == 0;
	rows = strtoul(argv[2], NULL, 10);
	if (snapshot)
		fputs("customer_id,company_name,first_name,last_name,email,"
		    "phone_number,address_line1,address_line2,address_line3,"
		    "city,state,region,postal_code,country,culture,language\n",
		    stdout);
	else
		fputs("Customer ID,Company Name,First Name,Last Name,"
		    "Email Address,Phone,Address Line 1,Address Line 2,"
		    "Address Line 3,City,State,Region,ZIP,Country,Culture,"
		    "Language\n", stdout);
	for (i = 0; i < rows; i++) {
		uint64_t	h = (i + 1) * 0x9e3779b97f4a7c15ULL;
		unsigned	k, change, blank;
		const char	*first, *last, *suite;

		/*
		 * The row's values come from a stream seeded by its number, so
		 * the update and the snapshot agree on them; what each mode
		 * does to them (empty cells, changed fields) comes from a
		 * second draw.
		 */
		gen_state = h ^ 0x5851f42d4c957f2dULL;
		gen_rand();
		k = gen_rand() % 3;
		m = &markets[gen_rand() % (sizeof markets / sizeof markets[0])];
		snprintf(guid, sizeof guid, "%08lx-%04lx-4%03lx-8%03lx-%012llx",
		    (unsigned long)(h >> 32), (unsigned long)(h >> 16 & 0xffff),
		    (unsigned long)(h & 0xfff), (unsigned long)(i >> 12 & 0xfff),
		    (unsigned long long)i);
		snprintf(buf[0], sizeof buf[0], "%s %s", PICK(companies),
		    PICK(suffixes));
		snprintf(buf[1], sizeof buf[1], "billing%lu@%s.example", i,
		    strcmp(m->cc, "CN") == 0 ? "yunfan" : "contoso");
		snprintf(buf[2], sizeof buf[2], "%s%04u", m->phone,
		    (unsigned)(gen_rand() % 10000));
		snprintf(buf[3], sizeof buf[3], "%u %s",
		    (unsigned)(gen_rand() % 999 + 1), PICK(streets));
		postal(buf[4], sizeof buf[4], m->postal);
		first = PICK(firsts);
		last = PICK(lasts);
		suite = gen_rand() % 5 == 0 ? "Suite 100" : "";
		change = gen_rand() % 100;
		blank = gen_rand() % 16;

		/* A snapshot holds the values before the change: 40% of the
		 * accounts differ from the update in a field or two. */
		if (snapshot && change < 20)
			snprintf(buf[1], sizeof buf[1], "ap%lu@old.example", i);
		if (snapshot && change >= 10 && change < 30)
			snprintf(buf[2], sizeof buf[2], "%s%04u", m->phone,
			    (unsigned)(change * 97 % 10000));
		if (snapshot && change >= 30 && change < 40)
			snprintf(buf[3], sizeof buf[3], "%u Old Road",
			    change + 1);
		cell(guid, 0);
		cell(buf[0], 0);
		/* An update leaves some cells empty: "no change". */
		cell(!snapshot && (blank & 3) == 0 ? "" : first, 0);
		cell(!snapshot && (blank & 12) == 0 ? "" : last, 0);
		cell(buf[1], 0);
		cell(buf[2], 0);
		cell(buf[3], 0);
		cell(suite, 0);
		cell("", 0);
		cell(m->cities[k], 0);
		cell(m->states[k], 0);
		cell("", 0);
		cell(buf[4], 0);
		cell(m->cc, 0);
		cell(m->culture, 0);
		cell(m->lang, 1);
	}
	return 0;
}
