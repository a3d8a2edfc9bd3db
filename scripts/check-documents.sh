#!/usr/bin/env bash
# Renders every reference template on the demo data to .docx, converts each file with headless
# LibreOffice and checks the PDFs against GB/T 9704 (scripts/check_pdf.py): pages, CJK text,
# 22 lines of at most 28 characters, margins. Both kinds of template output are covered: document
# models laid out by the host, and the filled Word file of the year binder (its contents, footers
# and page numbers: scripts/check_binder.py). Also checks that a merged batch has exactly the
# pages of its single files plus the cover (no blank page). With ZHIBU_TEST_PG set (a server's
# admin URL, as scripts/pg-cluster.sh prints it) it also reports every demo branch to a committee
# database by package and checks the committee's document (duty-assessment). Every .docx written
# here also goes through the Open XML validator: openxml-audit, a port of the Open XML SDK's
# validation to Python (the SDK itself needs .NET and NuGet, which this project's machines do not
# reach), pinned and installed from PyPI into a virtual environment of its own; 0 errors expected.
# Used by .ci/run.
# Usage: scripts/check-documents.sh PATH/TO/zhibu
set -euo pipefail
zhibu=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ZHIBU_PLUGINS_DIR="$work/plugins" ZHIBU_CACHE_DIR="$work/cache"
db="$work/demo.db"
"$zhibu" demo --db "$db" --last-year 2025 > /dev/null
at=2026-01-05T10:00:00
report() {
    local name=$1
    shift
    "$zhibu" report --db "$db" --generated-at "$at" --out "$work/$name.docx" --pdf "$@" > /dev/null
}
report duty-review --template duty-review --param branch=3 --param year=2025
report star-rating --template star-rating --param year=2025 --param contact_phone=0570-8881234
report star-sheet --template star-rating --param year=2025 --param variant=评定表
report minutes --template meeting-minutes --param branch=3 --param year=2025 --param month=3
report certificate --template volunteer-certificate --param year=2025 --param member=20
report hours --template volunteer-certificate --param year=2025 --param variant=年度汇总
report election --template election-report --param branch=6 --param year=2024 --param date=2024-11-29
report election-sheet --template election-report --param branch=6 --param year=2024 --param document=选票统计表
report compound-sheet --template star-rating --param year=2025 --param scheme=compound-star --param variant=评定表
report appraisal --template appraisal-results --param branch=3 --param year=2025
report dues-publicity --template dues-report --param branch=3 --param year=2025 --param quarter=4
report dues-report --template dues-report --param branch=3 --param year=2025 --param document=年度党费收缴情况报告
report dual --template dual-registration-feedback --param branch=3 --param year=2025 --param quarter=2
# A Word-file template (contract 1.1's docx output): the year binder, filled from binder.docx.
report binder --template year-binder --param branch=3 --param year=2025
"$zhibu" report --db "$db" --generated-at "$at" --template meeting-minutes --param branch=3 --param year=2025 \
    --param month=3 --each-meeting --out "$work/each" --pdf > /dev/null

committee_doc=false
if [ -n "${ZHIBU_TEST_PG:-}" ]; then
    # Every demo branch reports by package to a committee of its own, which holds its year-end
    # meeting and renders the results through the plugin with the cross-branch permission.
    committee="${ZHIBU_TEST_PG/dbname=postgres/dbname=zhibu_docs_$$}"
    "$zhibu" committee init --db-url "$committee" > /dev/null
    mkdir -p "$work/packages"
    # Each branch registers as an office does: its registration file, the committee's connection
    # file back (the server over TLS on 127.0.0.1 with the cluster's certificate), then a package
    # encrypted to the committee.
    cluster=$(printf '%s' "$ZHIBU_TEST_PG" | sed -n 's/^host=\([^ ]*\) .*/\1/p')
    server="127.0.0.1:$(cat "$cluster/tls-port")"
    branches=$("$zhibu" sync id --db "$db" | tail -n +2)
    n=0
    while IFS=$'\t' read -r uuid name _; do
        "$zhibu" sync id --db "$db" --branch "$uuid" --out "$work/$uuid.registration" > /dev/null
        "$zhibu" committee add-branch --db-url "$committee" --registration "$work/$uuid.registration" \
            --server "$server" --root-cert "$cluster/root.crt" --out "$work/$uuid.zhibu-connection" > /dev/null
        "$zhibu" sync connect --db "$db" --file "$work/$uuid.zhibu-connection" > /dev/null
        "$zhibu" sync export --db "$db" --branch "$uuid" --out "$work/packages/$uuid.zbp" > /dev/null
        n=$((n + 1))
        if [ $n -le 3 ]; then
            ballots[$n]=$uuid
        fi
    done <<< "$branches"
    "$zhibu" committee import --db-url "$committee" "$work"/packages/*.zbp > /dev/null
    "$zhibu" committee duty-meeting --db-url "$committee" --year 2025 --held-on 2026-01-11 --voters 45 > /dev/null
    "$zhibu" committee ballot --db-url "$committee" --year 2025 --branch "${ballots[1]}" --votes 38,5,2,0 > /dev/null
    "$zhibu" committee ballot --db-url "$committee" --year 2025 --branch "${ballots[2]}" --votes 30,10,3,2 \
        --grade 较好 --reason 年内支委会召开次数不足 > /dev/null
    "$zhibu" committee ballot --db-url "$committee" --year 2025 --branch "${ballots[3]}" --votes 20,18,5,1 > /dev/null
    "$zhibu" committee render --db-url "$committee" --template duty-assessment --year 2025 \
        --unit 中共金山街道工作委员会 --param date=2026-01-15 --out "$work/duty-assessment.docx" > /dev/null
    soffice --headless --convert-to pdf --outdir "$work" "$work/duty-assessment.docx" > /dev/null 2>&1
    committee_doc=true
else
    echo "committee document (duty-assessment): skipped, no PostgreSQL (ZHIBU_TEST_PG is not set)"
fi

audit_env="${XDG_CACHE_HOME:-$HOME/.cache}/zhibu-openxml-audit-0.8.0"
if [ ! -x "$audit_env/bin/openxml-audit" ]; then
    rm -rf "$audit_env"
    python3 -m venv "$audit_env"
    "$audit_env/bin/pip" install -q --disable-pip-version-check openxml-audit==0.8.0
fi

status=0
validate() {
    local docx=$1 out
    if out=$("$audit_env/bin/openxml-audit" -q -m 0 "$docx" 2>&1); then
        echo "$(basename "$docx"): Open XML validator, 0 errors"
    else
        echo "$(basename "$docx"): Open XML validator:"
        echo "$out"
        status=1
    fi
}
check() {
    validate "$1"
    python3 "$here/check_pdf.py" "$@" || status=1
}
check "$work/duty-review.docx" "$work/duty-review.pdf"
check "$work/star-rating.docx" "$work/star-rating.pdf" --landscape
check "$work/star-sheet.docx" "$work/star-sheet.pdf" --landscape
check "$work/minutes.docx" "$work/minutes.pdf"
check "$work/certificate.docx" "$work/certificate.pdf"
check "$work/hours.docx" "$work/hours.pdf"
check "$work/election.docx" "$work/election.pdf"
check "$work/election-sheet.docx" "$work/election-sheet.pdf"
check "$work/compound-sheet.docx" "$work/compound-sheet.pdf" --landscape
check "$work/appraisal.docx" "$work/appraisal.pdf" --landscape
check "$work/dues-publicity.docx" "$work/dues-publicity.pdf"
check "$work/dues-report.docx" "$work/dues-report.pdf"
check "$work/dual.docx" "$work/dual.pdf"
check "$work/binder.docx" "$work/binder.pdf" --plain
python3 "$here/check_binder.py" "$work/binder.pdf" || status=1
if $committee_doc; then
    check "$work/duty-assessment.docx" "$work/duty-assessment.pdf" --landscape
fi
singles=0
for docx in "$work"/each/*.docx; do
    check "$docx" "${docx%.docx}.pdf"
    pages=$(pdfinfo "${docx%.docx}.pdf" | awk '/^Pages:/ {print $2}')
    singles=$((singles + pages))
done
merged=$(pdfinfo "$work/minutes.pdf" | awk '/^Pages:/ {print $2}')
if [ "$merged" -ne $((singles + 1)) ]; then
    echo "merged minutes: $merged pages, expected $((singles + 1)) (cover + the single files)"
    status=1
else
    echo "merged minutes: $merged pages = cover + $singles pages of the single files"
fi
exit $status
