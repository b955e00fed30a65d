/*
 * gen.c: writes a large, realistic monthly update file (or the matching
 * current-accounts snapshot) for the benchmarks. Deterministic: the same
 * arguments give the same bytes.
 *
 *	gen [-o sorted|shuffled] [-s mixed|ascii|cjk] [-c PCT]
 *	    update|snapshot ROWS > FILE
 *
 * The options give the data's shape and must be the same for an update
 * and its snapshot: -o the snapshot's order (sorted: the update's; shuffled:
 * a random permutation), -s the scripts in the text fields (mixed: Latin,
 * Chinese and Japanese, the default; ascii: Latin without accents; cjk:
 * Chinese and Japanese accounts only), -c the percentage of accounts the
 * update changes (default 40; 100 - PCT come out unchanged).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* -s ascii: Latin letters only, in markets without accented cities. */
static const struct market ascii_markets[] = {
	{ "US", "en-US", "en", "+1 425-555-", P_US,
	    { "Redmond", "Seattle", "Boston" }, { "WA", "WA", "MA" } },
	{ "US", "en-US", "en", "+1 212-555-", P_US,
	    { "New York", "Albany", "Buffalo" }, { "NY", "NY", "NY" } },
	{ "GB", "en-GB", "en", "+44 20 7946 ", P_GB,
	    { "London", "Leeds", "Bristol" }, { "", "", "" } },
	{ "FR", "fr-FR", "fr", "+33 1 40 20 ", P_FR,
	    { "Paris", "Lyon", "Nantes" }, { "", "", "" } },
};
static const char *const ascii_companies[] = { "Contoso", "Fabrikam",
	"Northwind Traders", "Adventure Works", "Tailspin Toys",
	"Wide World Importers", "Litware", "Proseware" };
static const char *const ascii_suffixes[] = { "Ltd", "Inc.", "LLC", "plc" };
static const char *const ascii_firsts[] = { "Anna", "Ben", "Dana", "Emil",
	"Jamal", "Yuki" };
static const char *const ascii_lasts[] = { "Ng", "Smith", "Okafor",
	"Kowalski", "Johansson" };
static const char *const ascii_streets[] = { "Main St", "High Street",
	"King St W", "Microsoft Way" };

/* -s cjk: Chinese and Japanese accounts, names and streets. */
static const struct market cjk_markets[] = {
	{ "CN", "zh-CN", "zh", "+86 10 5917 ", P_CN,
	    { "北京", "上海", "深圳" }, { "北京市", "上海市", "广东省" } },
	{ "CN", "zh-CN", "zh", "+86 20 8888 ", P_CN,
	    { "广州", "杭州", "成都" }, { "广东省", "浙江省", "四川省" } },
	{ "JP", "ja-JP", "ja", "+81 3-1234-", P_JP,
	    { "千代田区", "大阪市", "横浜市" }, { "東京都", "大阪府", "神奈川県" } },
};
static const char *const cjk_companies[] = { "北京云帆科技", "さくらシステム",
	"上海华信贸易", "東京ソフトウェア開発", "深圳创新电子", "大阪みなと物産" };
static const char *const cjk_suffixes[] = { "有限公司", "株式会社",
	"股份有限公司", "合同会社" };
static const char *const cjk_firsts[] = { "伟", "芳", "秀英", "ひろし", "由紀",
	"健太" };
static const char *const cjk_lasts[] = { "李", "王", "张", "田中", "佐藤",
	"高橋" };
static const char *const cjk_streets[] = { "长安街", "南京东路", "丸の内",
	"銀座中央通り", "心斎橋筋" };

struct script {
	const struct market	*m;
	size_t			 nm;
	const char *const	*companies, *const *suffixes, *const *firsts,
				*const *lasts, *const *streets;
	size_t			 ncompanies, nsuffixes, nfirsts, nlasts,
				 nstreets;
};
#define LIST(a) a, sizeof a / sizeof a[0]
#define N(a) sizeof a / sizeof a[0]
static const struct script scripts[] = {
	{ LIST(markets), companies, suffixes, firsts, lasts, streets,
	    N(companies), N(suffixes), N(firsts), N(lasts), N(streets) },
	{ LIST(ascii_markets), ascii_companies, ascii_suffixes, ascii_firsts,
	    ascii_lasts, ascii_streets, N(ascii_companies), N(ascii_suffixes),
	    N(ascii_firsts), N(ascii_lasts), N(ascii_streets) },
	{ LIST(cjk_markets), cjk_companies, cjk_suffixes, cjk_firsts,
	    cjk_lasts, cjk_streets, N(cjk_companies), N(cjk_suffixes),
	    N(cjk_firsts), N(cjk_lasts), N(cjk_streets) },
};

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

static void
usage(void)
{
	fprintf(stderr, "usage: gen [-o sorted|shuffled] [-s mixed|ascii|cjk] "
	    "[-c PCT] update|snapshot ROWS\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	const struct market	*m;
	const struct script	*sc = &scripts[0];
	unsigned long		 rows, i, j, t, *order = NULL;
	unsigned		 changed = 40;
	char			 guid[64], buf[8][128];
	int			 snapshot, shuffled = 0, ch;

	while ((ch = getopt(argc, argv, "c:o:s:")) != -1) {
		switch (ch) {
		case 'c':
			changed = (unsigned)strtoul(optarg, NULL, 10);
			if (changed > 100)
				usage();
			break;
		case 'o':
			if (strcmp(optarg, "shuffled") == 0)
				shuffled = 1;
			else if (strcmp(optarg, "sorted") != 0)
				usage();
			break;
		case 's':
			if (strcmp(optarg, "ascii") == 0)
				sc = &scripts[1];
			else if (strcmp(optarg, "cjk") == 0)
				sc = &scripts[2];
			else if (strcmp(optarg, "mixed") != 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || (strcmp(argv[0], "update") != 0 &&
	    strcmp(argv[0], "snapshot") != 0))
		usage();
	snapshot = strcmp(argv[0], "snapshot") == 0;
	rows = strtoul(argv[1], NULL, 10);
	if (snapshot && shuffled) {
		/* Fisher-Yates on its own stream: the rows' are reseeded. */
		order = malloc((rows ? rows : 1) * sizeof *order);
		if (order == NULL) {
			perror("gen");
			return 71;
		}
		for (i = 0; i < rows; i++)
			order[i] = i;
		gen_state = 0x2545f4914f6cdd1dULL;
		for (i = rows; i > 1; i--) {
			j = gen_rand() % i;
			t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
	}
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
	for (j = 0; j < rows; j++) {
		uint64_t	h;
		unsigned	k, change, blank;
		const char	*first, *last, *suite;

		i = order != NULL ? order[j] : j;
		h = (i + 1) * 0x9e3779b97f4a7c15ULL;

		/*
		 * The row's values come from a stream seeded by its number, so
		 * the update and the snapshot agree on them; what each mode
		 * does to them (empty cells, changed fields) comes from a
		 * second draw.
		 */
		gen_state = h ^ 0x5851f42d4c957f2dULL;
		gen_rand();
		k = gen_rand() % 3;
		m = &sc->m[gen_rand() % sc->nm];
		snprintf(guid, sizeof guid, "%08lx-%04lx-4%03lx-8%03lx-%012llx",
		    (unsigned long)(h >> 32), (unsigned long)(h >> 16 & 0xffff),
		    (unsigned long)(h & 0xfff), (unsigned long)(i >> 12 & 0xfff),
		    (unsigned long long)i);
		snprintf(buf[0], sizeof buf[0], "%s %s",
		    pick(sc->companies, sc->ncompanies),
		    pick(sc->suffixes, sc->nsuffixes));
		snprintf(buf[1], sizeof buf[1], "billing%lu@%s.example", i,
		    strcmp(m->cc, "CN") == 0 ? "yunfan" : "contoso");
		snprintf(buf[2], sizeof buf[2], "%s%04u", m->phone,
		    (unsigned)(gen_rand() % 10000));
		snprintf(buf[3], sizeof buf[3], "%u %s",
		    (unsigned)(gen_rand() % 999 + 1),
		    pick(sc->streets, sc->nstreets));
		postal(buf[4], sizeof buf[4], m->postal);
		first = pick(sc->firsts, sc->nfirsts);
		last = pick(sc->lasts, sc->nlasts);
		suite = gen_rand() % 5 == 0 ? "Suite 100" : "";
		change = gen_rand() % 100;
		blank = gen_rand() % 16;

		/*
		 * A snapshot holds the values before the change: -c percent
		 * of the accounts differ from the update in a field or two.
		 * The draw is scaled so that -c 40 keeps the first
		 * generation's bytes.
		 */
		change = change < changed ? change * 40 / changed : 100;
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
	free(order);
	return 0;
}
