/*
 * xlsxmin.c: the report benchmark's second reference: the least a
 * libxlsxwriter program can do to write a sheet of 14 text columns of
 * realistic strings (names, addresses and the like in Latin, Chinese and
 * Japanese, as tests/bench/gen writes them) in constant-memory mode. No
 * database, no checks: what a cell costs in libxlsxwriter itself.
 *
 *	xlsxmin [-f] [-c COLS] ROWS OUT.xlsx
 *
 * -f gives every cell a text ("@") format, as the report's data cells
 * have; -c writes only the first COLS columns (1 to 14) of each row, for
 * a sheet as wide as the report's rows are on average. Rows past a
 * sheet's 1,048,576 go on to a new sheet (libxlsxwriter refuses them).
 * Prints the number of cells written.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define XMIN_COLS	14
#define XMIN_SHEET_ROWS	1048576UL

static uint64_t	state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dULL;
}

#define PICK(a) (a[rnd() % (sizeof a / sizeof a[0])])

static const char *const companies[] = { "Contoso Ltd", "Fabrikam Inc.",
	"Northwind Traders GmbH", "Adventure Works LLC", "Tailspin Toys plc",
	"Wide World Importers S.A.", "北京云帆科技 有限公司",
	"さくらシステム 株式会社" };
static const char *const firsts[] = { "Anna", "Ben", "Chen", "Dana", "Emil",
	"Fatima", "Hiro", "María", "Yuki", "伟", "由紀" };
static const char *const lasts[] = { "Ng", "Smith", "Müller", "Wang", "Sato",
	"García", "Okafor", "李", "田中" };
static const char *const streets[] = { "Main St", "High Street",
	"Hauptstraße", "Rue de Rivoli", "长安街", "丸の内", "King St W" };
static const char *const cities[] = { "Redmond", "New York", "London",
	"München", "北京", "千代田区", "Paris", "Montréal" };
static const char *const states[] = { "WA", "NY", "北京市", "東京都", "QC" };
static const char *const countries[] = { "US", "GB", "DE", "CN", "JP", "FR",
	"CA" };
static const char *const cultures[] = { "en-US", "en-GB", "de-DE", "zh-CN",
	"ja-JP", "fr-FR" };
static const char *const states_out[] = { "pending", "unchanged",
	"not_found", "invalid" };

/* The columns whose value is one of a list's. */
#define LIST(a)	{ a, sizeof a / sizeof a[0] }
static const struct {
	const char *const	*v;
	size_t			 n;
} lists[XMIN_COLS] = {
	[1] = LIST(companies), [2] = LIST(firsts), [3] = LIST(lasts),
	[7] = LIST(cities), [8] = LIST(states), [10] = LIST(countries),
	[11] = LIST(cultures), [12] = LIST(states_out),
};

/* The value of column c of row r. */
static void
cell(char *v, size_t len, int c, unsigned long r)
{
	if (lists[c].n > 0) {
		snprintf(v, len, "%s", lists[c].v[rnd() % lists[c].n]);
		return;
	}
	switch (c) {
	case 0:
		snprintf(v, len, "%08lx-%04lx-4%03lx-8%03lx-%012lx",
		    (unsigned long)(rnd() >> 32),
		    (unsigned long)(rnd() & 0xffff),
		    (unsigned long)(rnd() & 0xfff),
		    (unsigned long)(r >> 12 & 0xfff), r);
		break;
	case 4:
		snprintf(v, len, "billing%lu@contoso.example", r);
		break;
	case 5:
		snprintf(v, len, "+1 425-555-%04u", (unsigned)(rnd() % 10000));
		break;
	case 6:
		snprintf(v, len, "%u %s", (unsigned)(rnd() % 999 + 1),
		    PICK(streets));
		break;
	case 9:
		snprintf(v, len, "%05u", (unsigned)(rnd() % 89999 + 10000));
		break;
	default:
		snprintf(v, len, "email, phone_number");
		break;
	}
}

int
main(int argc, char **argv)
{
	lxw_workbook_options	 o = { .constant_memory = LXW_TRUE,
				    .use_zip64 = LXW_TRUE };
	lxw_workbook		*wb;
	lxw_worksheet		*ws;
	lxw_format		*f = NULL;
	unsigned long		 rows, r, cells = 0;
	char			 v[XMIN_COLS][128];
	int			 c, ch, formats = 0, cols = XMIN_COLS;

	while ((ch = getopt(argc, argv, "c:f")) != -1) {
		switch (ch) {
		case 'c':
			cols = atoi(optarg);
			if (cols < 1 || cols > XMIN_COLS)
				return 64;
			break;
		case 'f':
			formats = 1;
			break;
		default:
			return 64;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		return 64;
	rows = strtoul(argv[0], NULL, 10);
	wb = workbook_new_opt(argv[1], &o);
	ws = workbook_add_worksheet(wb, "Rows");
	if (formats) {
		f = workbook_add_format(wb);
		format_set_num_format(f, "@");
	}
	for (r = 0; r < rows; r++) {
		/* Only the columns written: -c makes narrow rows cheap. */
		for (c = 0; c < cols; c++)
			cell(v[c], sizeof v[c], c, r);
		/* A sheet holds 1,048,576 rows: the rest on the next one. */
		if (r > 0 && r % XMIN_SHEET_ROWS == 0 &&
		    (ws = workbook_add_worksheet(wb, NULL)) == NULL)
			return 70;
		for (c = 0; c < cols; c++) {
			if (worksheet_write_string(ws, (lxw_row_t)(r %
			    XMIN_SHEET_ROWS), (lxw_col_t)c, v[c], f) !=
			    LXW_NO_ERROR)
				return 70;
			cells++;
		}
	}
	if (workbook_close(wb) != LXW_NO_ERROR)
		return 70;
	printf("%lu\n", cells);
	return 0;
}
