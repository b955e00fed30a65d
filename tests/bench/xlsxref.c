/*
 * xlsxref.c: the reference for the report benchmark: a minimal
 * libxlsxwriter program (constant memory) writing the same cells as
 * `importer report` for a run: All rows, Changes and the sheet of each
 * row's outcome, read from the same database with plain SQL. No
 * validation, no formats beyond the header, no Summary queries.
 *
 *	xlsxref DB RUN OUT.xlsx
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <xlsxwriter.h>

static const char *const names[] = { "customer_id", "company_name",
	"first_name", "last_name", "email", "phone_number", "address_line1",
	"address_line2", "address_line3", "city", "state", "region",
	"postal_code", "country", "culture", "language" };

static void
str(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const unsigned char *s)
{
	if (s != NULL && *s != '\0')
		worksheet_write_string(ws, r, c, (const char *)s, NULL);
}

int
main(int argc, char **argv)
{
	lxw_workbook_options	 o = { .constant_memory = LXW_TRUE,
				    .use_zip64 = LXW_TRUE };
	lxw_workbook		*wb;
	lxw_worksheet		*all, *chg, *cat[5];
	lxw_row_t		 ra = 1, rc = 1, rcat[5] = { 1, 1, 1, 1, 1 };
	sqlite3			*db;
	sqlite3_stmt		*s;
	const char		*st;
	char			 fields[512];
	int			 k, i;

	if (argc != 4)
		return 64;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL))
		return 70;
	wb = workbook_new_opt(argv[3], &o);
	worksheet_write_string(workbook_add_worksheet(wb, "Summary"), 0, 0,
	    "reference", NULL);
	all = workbook_add_worksheet(wb, "All rows");
	chg = workbook_add_worksheet(wb, "Changes");
	cat[0] = workbook_add_worksheet(wb, "Not found");
	cat[1] = workbook_add_worksheet(wb, "Invalid");
	cat[2] = workbook_add_worksheet(wb, "Unchanged");
	cat[3] = workbook_add_worksheet(wb, "Duplicates");
	cat[4] = workbook_add_worksheet(wb, "Pending");

	sqlite3_prepare_v2(db, "SELECT r.line, r.customer_id,"
	    " coalesce(r.company_name, o.company, (SELECT company_name"
	    "  FROM account a WHERE a.row = r.id)),"
	    " CASE WHEN r.state IN ('invalid', 'duplicate') THEN r.state"
	    "  ELSE coalesce(o.state, 'pending') END, o.message, o.request_id,"
	    " o.attempts, (SELECT group_concat(col) FROM plan_change"
	    "  WHERE row = r.id), r.extra, r.id,"
	    " (SELECT min(message) FROM row_problem WHERE row = r.id),"
	    " (SELECT d.line FROM run_row d WHERE d.id = r.dup_of)"
	    " FROM run ru JOIN run_row r ON r.id BETWEEN ru.row_first AND"
	    " ru.row_last LEFT JOIN outcome o ON o.row = r.id"
	    " WHERE ru.id = ? ORDER BY r.id", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, atoll(argv[2]));
	while (sqlite3_step(s) == SQLITE_ROW) {
		st = (const char *)sqlite3_column_text(s, 3);
		worksheet_write_number(all, ra, 0, sqlite3_column_int64(s, 0),
		    NULL);
		str(all, ra, 1, sqlite3_column_text(s, 1));
		str(all, ra, 2, sqlite3_column_text(s, 2));
		str(all, ra, 3, (const unsigned char *)st);
		fields[0] = '\0';
		if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
			char	*p, *save = NULL, list[128];

			snprintf(list, sizeof list, "%s",
			    sqlite3_column_text(s, 7));
			for (p = strtok_r(list, ",", &save); p != NULL;
			    p = strtok_r(NULL, ",", &save))
				snprintf(fields + strlen(fields),
				    sizeof fields - strlen(fields), "%s%s",
				    fields[0] ? ", " : "", names[atoi(p)]);
			str(all, ra, 4, (const unsigned char *)fields);
		}
		str(all, ra, 5, sqlite3_column_text(s,
		    strcmp(st, "invalid") == 0 ? 10 : 4));
		str(all, ra, 6, sqlite3_column_text(s, 5));
		if (sqlite3_column_int64(s, 6) > 0)
			worksheet_write_number(all, ra, 7,
			    sqlite3_column_int64(s, 6), NULL);
		ra++;
		k = strcmp(st, "not_found") == 0 ? 0 : strcmp(st, "invalid") ==
		    0 ? 1 : strcmp(st, "unchanged") == 0 ? 2 : strcmp(st,
		    "duplicate") == 0 ? 3 : 4;
		worksheet_write_number(cat[k], rcat[k], 0,
		    sqlite3_column_int64(s, 0), NULL);
		str(cat[k], rcat[k], 1, sqlite3_column_text(s, 1));
		str(cat[k], rcat[k], 2, sqlite3_column_text(s, 2));
		if (k == 4) {
			str(cat[k], rcat[k], 3, (const unsigned char *)st);
			str(cat[k], rcat[k], 4, (const unsigned char *)fields);
			str(cat[k], rcat[k], 5, (const unsigned char *)
			    "not sent yet: 'importer submit' sends it");
		} else if (k == 3)
			worksheet_write_number(cat[k], rcat[k], 3,
			    sqlite3_column_int64(s, 11), NULL);
		else if (k == 1)
			str(cat[k], rcat[k], 5, sqlite3_column_text(s, 10));
		rcat[k]++;
	}
	sqlite3_finalize(s);

	sqlite3_prepare_v2(db, "SELECT r.line, r.customer_id,"
	    " coalesce(r.company_name, o.company, a.company_name), c.col,"
	    " c.old, c.new"
	    " FROM run ru JOIN plan_change c ON c.row BETWEEN ru.row_first"
	    " AND ru.row_last JOIN run_row r ON r.id = c.row"
	    " LEFT JOIN outcome o ON o.row = c.row"
	    " LEFT JOIN account a ON a.row = c.row WHERE ru.id = ?"
	    " ORDER BY c.row, c.col", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, atoll(argv[2]));
	while (sqlite3_step(s) == SQLITE_ROW) {
		worksheet_write_number(chg, rc, 0, sqlite3_column_int64(s, 0),
		    NULL);
		for (i = 1; i <= 2; i++)
			str(chg, rc, i, sqlite3_column_text(s, i));
		str(chg, rc, 3, (const unsigned char *)
		    names[sqlite3_column_int(s, 3)]);
		str(chg, rc, 4, sqlite3_column_text(s, 4));
		str(chg, rc, 5, sqlite3_column_text(s, 5));
		str(chg, rc, 6, (const unsigned char *)"pending");
		rc++;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 70;
}
