#!/bin/sh
# t_china.sh: the whole monthly job against the sandbox in China mode
# (sandbox --china: Partner Center operated by 21Vianet, reference §1 and
# §15): every answer, the token's too, behind a UTF-8 BOM; tokens from
# OAuth2 client credentials at the tenant's /oauth2/token, only for the
# China resource; accounts with culture zh-CN and language zh-CHS. The
# profile says cloud = china; stage, check, submit and report run through,
# the accounts hold the Chinese values, and a profile for the global cloud
# is refused its token.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require curl sqlite3
TOKEN=tk-cn-$$-Q3v
SECRET=sec-cn-$$-W8
TENANT=contoso.partner.onmschina.cn
unset IMPORTER_TOKEN IMPORTER_ENDPOINT IMPORTER_TOKEN_URL
G1=$(g 1) G2=$(g 2) G3=$(g 3)

cat >"$TMP/accounts.csv" <<EOF
$ACCOUNTS_HEAD
$G1,北京示例科技有限公司,伟,王,billing1@example.cn,+86 10 5555 0100,海淀区中关村大街1号,,,北京,,,100080,CN,zh-CN,zh-CHS
$G2,深圳样本有限公司,芳,李,billing2@example.cn,+86 755 5555 0100,南山区科技园2号,,,深圳,,,518057,CN,zh-CN,zh-CHS
$G3,杭州测试有限公司,静,张,billing3@example.cn,+86 571 5555 0100,西湖区文三路3号,,,杭州,,,310012,CN,en-US,zh
EOF
cat >"$TMP/update.csv" <<EOF
customer_id,company_name,address_line1,city,postal_code,culture
$G1,上海示例科技有限公司,浦东新区世纪大道100号,上海,200120,
$G2,深圳样本（集团）有限公司,,,,zh-CN
$G3,,,,,zh-CN
EOF
cat >"$TMP/china.ini" <<EOF
[service]
cloud = china
tenant = $TENANT
client_id = 0f7ad5d1-2c5c-4d8c-9a65-000000000001
client_secret_env = IMP_CN_SECRET
EOF
sed 's/^cloud = china/cloud = global/' "$TMP/china.ini" >"$TMP/global.ini"

sandbox_start sandbox --china --token "$TOKEN" --client-secret "$SECRET" \
    --accounts "$TMP/accounts.csv" || bail_out "the sandbox did not start"

# The China cloud's answers: a BOM before the JSON, the token's too.
curl -s -H "Authorization: Bearer $TOKEN" \
    "$BASE/v1/customers/$G1/profiles/billing" >"$TMP/read.json"
is "$(od -An -tx1 -N3 "$TMP/read.json" | tr -d ' ')" efbbbf \
    "sandbox --china: a BOM before every API answer"
curl -s -d "grant_type=client_credentials&client_id=x&client_secret=$SECRET&resource=https%3A%2F%2Fpartner.partnercenterapi.microsoftonline.cn" \
    "$BASE/$TENANT/oauth2/token" >"$TMP/token.json"
is "$(od -An -tx1 -N3 "$TMP/token.json" | tr -d ' ')" efbbbf \
    "sandbox --china: and before the token's"
is "$(json_eval "$TMP/token.json" 'd["access_token"]')" "$TOKEN" \
    "a token for the China resource"
code=$(curl -s -o "$TMP/refused.json" -w '%{http_code}' \
    -d "grant_type=client_credentials&client_id=x&client_secret=$SECRET&resource=https%3A%2F%2Fapi.partnercenter.microsoft.com" \
    "$BASE/$TENANT/oauth2/token")
is "$code" 400 "none for the global resource"

# --- the monthly job, cloud = china -------------------------------------------
export IMP_CN_SECRET=$SECRET
cn() {	# cn ARGS...: the importer with the China profile, at the sandbox
	IMPORTER_TOKEN_URL=$BASE run --profile "$TMP/china.ini" "$@"
}
cn stage "$TMP/update.csv"
is "$rc" 0 "stage: the Chinese values are valid"
cn check --endpoint "$BASE"
is "$rc" 0 "check: the token from the China token endpoint, the BOM-prefixed accounts read"
is "$(sql "select group_concat(o.state) from outcome o join run_row r on r.id = o.row where r.run = 1 order by r.line")" \
    "pending,pending,pending" "check: every row to change"
cn submit --yes --endpoint "$BASE"
is "$rc" 0 "submit: every row applied"
is "$(sql "select group_concat(o.state) from outcome o join run_row r on r.id = o.row where r.run = 1 order by r.line")" \
    "applied,applied,applied" "submit: applied, each confirmed from a BOM-prefixed reply"
is "$(admin_account 1 'd["profile"]["companyName"]')" "上海示例科技有限公司" \
    "the account holds the new company name"
is "$(admin_account 1 '[d["profile"]["defaultAddress"]["city"], d["profile"]["defaultAddress"]["postalCode"]]')" \
    '["上海", "200120"]' "and the new address"
is "$(admin_account 1 '[d["profile"]["culture"], d["profile"]["language"]]')" \
    '["zh-CN", "zh-CHS"]' "the account's zh-CHS language went back as it was"
is "$(admin_account 2 'd["profile"]["companyName"]')" "深圳样本（集团）有限公司" \
    "full-width brackets kept"
is "$(admin_account 3 'd["profile"]["culture"]')" zh-CN "culture zh-CN set"
like "$(cat "$TMP/sandbox.err")" "POST /$TENANT/oauth2/token 200" \
    "the token came from the tenant's token endpoint"
cn report -o "$TMP/china.xlsx" --errors-csv "$TMP/china-fixup.csv"
is "$rc" 0 "report: every row ended well"
[ -s "$TMP/china.xlsx" ]
ok $? "report: written"

# A language as the China cloud's accounts carry it, in the file.
printf 'customer_id,language\n%s,zh-CHS\n' "$G3" >"$TMP/language.csv"
cn stage "$TMP/language.csv"
cn check --endpoint "$BASE"
cn submit --yes --endpoint "$BASE"
is "$(outc 2 2 o.state)" applied "zh-CHS in the file: applied"
is "$(admin_account 3 'd["profile"]["language"]')" zh-CHS \
    "submit: the account's language is zh-CHS"

# The global cloud's profile: the token is for the wrong resource.
printf 'customer_id,city\n%s,苏州\n' "$G3" >"$TMP/global.csv"
IMPORTER_TOKEN_URL=$BASE run --profile "$TMP/global.ini" stage "$TMP/global.csv"
IMPORTER_TOKEN_URL=$BASE run --profile "$TMP/global.ini" check --endpoint "$BASE"
is "$rc" 77 "cloud = global against the China cloud: no token (77)"
like "$err" "AADSTS500011|resource" "the token endpoint's reason is shown"
unlike "$err$out" "$SECRET" "the secret is never shown"

sandbox_stop
done_testing
