//! 党费: the rates at every bracket boundary of NORMS.md, what a payment may settle, and the
//! six-month unpaid flag with its clause (and never before the first base).

use crate::domain::{
    DuesBase, DuesCategory, DuesPayment, DuesRates, MemberId, PaymentMethod, YearMonth, dues_status, parse_yuan, yuan,
};
use crate::fixtures::{Fixture, day};
use crate::rules::{FindingCode, RuleSet, evaluate, needed_from};
use crate::store::StoreError;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth { year, month }
}

fn base(member: MemberId, year: i32, category: DuesCategory, income: Option<i64>, monthly: i64) -> DuesBase {
    DuesBase { member, year, category, income, monthly, base_confirmed_on: day(year, 1, 10), note: String::new() }
}

fn pay(member: MemberId, from: YearMonth, to: YearMonth, amount: i64) -> DuesPayment {
    DuesPayment {
        member,
        from,
        to,
        amount,
        paid_on: day(from.year, from.month, 20),
        method: PaymentMethod::Cash,
        note: String::new(),
    }
}

#[test]
fn rates_at_every_bracket_boundary() {
    let rates = DuesRates::default();
    let employed = |yuan: i64, fen: i64| rates.monthly(DuesCategory::Employed, Some(yuan * 100 + fen));
    // ≤3000: 0.5%; 3000–5000 (5000 included): 1%; 5000–10000: 1.5%; above 10000: 2%.
    assert_eq!(employed(3000, 0), Some(1500));
    assert_eq!(employed(3000, 1), Some(3000));
    assert_eq!(employed(5000, 0), Some(5000));
    assert_eq!(employed(5000, 1), Some(7500));
    assert_eq!(employed(10000, 0), Some(15000));
    assert_eq!(employed(10000, 1), Some(20000));
    assert_eq!(employed(0, 0), Some(0));
    // Rounded half up to the fen: 0.5% of 2345.67 = 11.72835 → 11.73.
    assert_eq!(employed(2345, 67), Some(1173));
    let retired = |yuan: i64| rates.monthly(DuesCategory::Retired, Some(yuan * 100));
    assert_eq!(retired(5000), Some(2500));
    assert_eq!(rates.monthly(DuesCategory::Retired, Some(500_001)), Some(5000));
    assert_eq!(rates.monthly(DuesCategory::Farmer, None), Some(20));
    assert_eq!(rates.monthly(DuesCategory::Student, None), Some(20));
    assert_eq!(rates.monthly(DuesCategory::Unemployed, None), Some(20));
    assert_eq!(rates.monthly(DuesCategory::Employed, None), None, "an income is needed");
    assert_eq!(rates.rate_label(DuesCategory::Employed, Some(1_000_000)), "1.5%");
    assert_eq!(rates.rate_label(DuesCategory::Employed, Some(1_000_001)), "2%");
    assert_eq!((yuan(1173), yuan(5)), ("11.73".to_owned(), "0.05".to_owned()));
    assert_eq!(
        [parse_yuan("11.73"), parse_yuan("12"), parse_yuan("0.5元"), parse_yuan("1.234")],
        [Some(1173), Some(1200), Some(50), None]
    );
}

#[test]
fn a_base_below_the_rate_or_missing_its_income_is_refused() {
    let rates = DuesRates::default();
    let m = MemberId(1);
    let low = base(m, 2025, DuesCategory::Employed, Some(800_000), 11_999);
    assert_eq!(low.validate(&rates).unwrap_err().to_string(), "每月党费少于按标准应交的120.00元：119.99元");
    // Paying more of one's own will is allowed.
    assert!(base(m, 2025, DuesCategory::Employed, Some(800_000), 20_000).validate(&rates).is_ok());
    let missing = base(m, 2025, DuesCategory::Retired, None, 100);
    assert!(missing.validate(&rates).unwrap_err().to_string().starts_with("月收入在职和离退休党员须填写"));
    let farmer = base(m, 2025, DuesCategory::Farmer, None, 50);
    assert!(farmer.validate(&rates).is_ok(), "a farmer chooses 0.2 to 1 yuan");
}

#[test]
fn payments_settle_whole_months_once_and_never_short() {
    let mut fx = Fixture::new().unwrap();
    let m = fx.add_members(1).unwrap()[0];
    let rates = DuesRates::default();
    let error = fx.store.write(|w| w.create_dues_payment(&pay(m, ym(2025, 1), ym(2025, 1), 2000))).unwrap_err();
    assert_eq!(error.to_string(), "缴费月份党员0没有确认党费基数，请先确认基数：2025年1月");
    fx.store.write(|w| w.save_dues_base(&base(m, 2025, DuesCategory::Employed, Some(600_000), 9000), &rates)).unwrap();
    let short = fx.store.write(|w| w.create_dues_payment(&pay(m, ym(2025, 1), ym(2025, 3), 26_999))).unwrap_err();
    assert_eq!(short.to_string(), "金额少于2025年1月至2025年3月应交的270.00元：269.99元");
    fx.store.write(|w| w.create_dues_payment(&pay(m, ym(2025, 1), ym(2025, 3), 27_000))).unwrap();
    let twice = fx.store.write(|w| w.create_dues_payment(&pay(m, ym(2025, 3), ym(2025, 4), 18_000))).unwrap_err();
    assert_eq!(twice.to_string(), "缴费月份与已记录的2025年1月至2025年3月重叠：党员0 2025年3月至2025年4月");
    assert!(matches!(twice, StoreError::Invalid(_)));
    // A year whose base is not confirmed yet keeps the last one.
    fx.store.write(|w| w.create_dues_payment(&pay(m, ym(2026, 1), ym(2026, 1), 9000))).unwrap();
    // The second base of a year corrects the first.
    fx.store.write(|w| w.save_dues_base(&base(m, 2025, DuesCategory::Employed, Some(600_000), 9500), &rates)).unwrap();
    let bases = fx.store.dues_bases(None).unwrap();
    assert_eq!(bases.len(), 1);
    assert_eq!(bases[0].record.monthly, 9500);
    assert_eq!(fx.store.dues_payments(None).unwrap().len(), 2);
}

#[test]
fn six_ended_months_unpaid_are_flagged_with_the_clause_and_nothing_before_the_first_base() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(2).unwrap();
    let (paid, owing) = (ids[0], ids[1]);
    let rates = DuesRates::default();
    fx.store
        .write(|w| {
            for m in [paid, owing] {
                w.save_dues_base(&base(m, 2025, DuesCategory::Retired, Some(400_000), 2000), &rates)?;
            }
            w.create_dues_payment(&pay(paid, ym(2025, 1), ym(2025, 12), 24_000))?;
            w.create_dues_payment(&pay(owing, ym(2025, 1), ym(2025, 2), 4000))
        })
        .unwrap();
    let rules = RuleSet::default();
    let flagged = |store: &crate::store::Store, as_of| {
        let ledger = store.ledger(needed_from(&rules, 2025), day(2025, 12, 31)).unwrap();
        let result = evaluate(&ledger, &rules, 2025, as_of, Some(fx.branch)).remove(0);
        result.findings.into_iter().filter(|f| f.code == FindingCode::DuesUnpaid).collect::<Vec<_>>()
    };
    // March to July ended unpaid by August 15: five months, not yet.
    assert!(flagged(&fx.store, day(2025, 8, 15)).is_empty());
    // By September 1 August has ended too: six months.
    let findings = flagged(&fx.store, day(2025, 9, 1));
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].member, Some(owing));
    assert_eq!(findings[0].message, "党员1自2025年3月起已连续6个月未交纳党费（欠缴120.00元），请核实原因");
    assert_eq!(findings[0].clause, "《中国共产党章程》第九条");
    assert_eq!(findings[0].periods.first().map(String::as_str), Some("2025-03"));

    // The same member's status for the year, computed independently of the rules.
    let bases = fx.store.dues_bases(None).unwrap();
    let payments = fx.store.dues_payments(None).unwrap();
    let mine_b: Vec<_> = bases.iter().filter(|b| b.record.member == owing).map(|b| &b.record).collect();
    let mine_p: Vec<_> = payments.iter().filter(|p| p.record.member == owing).map(|p| &p.record).collect();
    let status = dues_status(day(2010, 6, 1), &mine_b, &mine_p, 2025, day(2025, 9, 1));
    assert_eq!(status.due.len(), 8, "January to August ended");
    assert_eq!(status.settled, vec![ym(2025, 1), ym(2025, 2)]);
    assert_eq!(status.owed_fen, 6 * 2000);
    assert_eq!(status.paid_fen, 4000);

    // Paying October does not wipe out March to September: the run is still flagged, closed.
    fx.store.write(|w| w.create_dues_payment(&pay(owing, ym(2025, 10), ym(2025, 10), 2000))).unwrap();
    let findings = flagged(&fx.store, day(2025, 11, 15));
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].message, "党员1自2025年3月至2025年9月连续7个月未交纳党费（欠缴140.00元），请核实原因");

    // A branch that never confirmed a base owes nothing the app could know.
    let other = fx.add_members(1).unwrap()[0];
    let ledger = fx.store.ledger(needed_from(&rules, 2025), day(2025, 12, 31)).unwrap();
    let result = evaluate(&ledger, &rules, 2025, day(2025, 12, 31), Some(fx.branch)).remove(0);
    assert!(result.findings.iter().all(|f| f.member != Some(other) || f.code != FindingCode::DuesUnpaid));
}

#[test]
fn an_exemption_settles_months_with_its_reason_and_deletes_are_undone() {
    let mut fx = Fixture::new().unwrap();
    let m = fx.add_members(1).unwrap()[0];
    let rates = DuesRates::default();
    fx.store.write(|w| w.save_dues_base(&base(m, 2025, DuesCategory::Unemployed, None, 20), &rates)).unwrap();
    let mut exempt = pay(m, ym(2025, 1), ym(2025, 6), 0);
    exempt.method = PaymentMethod::Exempt;
    let error = fx.store.write(|w| w.create_dues_payment(&exempt)).unwrap_err();
    assert_eq!(error.to_string(), "免交原因不能为空：（空）");
    exempt.note = "重病住院，经支委会研究同意免交".into();
    let id = fx.store.write(|w| w.create_dues_payment(&exempt)).unwrap();
    fx.store.write(|w| w.delete_dues_payment(id)).unwrap();
    assert!(fx.store.dues_payments(None).unwrap().is_empty());
    let trash = fx.store.trash().unwrap();
    let item = trash.iter().find(|t| t.record_kind == "dues_payment").expect("in the trash");
    assert_eq!(item.summary, "党员0 2025年1月至2025年6月免交党费");
    fx.store.write(|w| w.restore_deleted(item.id)).unwrap();
    assert_eq!(fx.store.dues_payments(None).unwrap()[0].record, exempt);
}

#[test]
fn a_bank_list_with_one_bad_row_is_refused_whole_with_the_row_named() {
    use crate::import::table::Encoding;
    use crate::services::import::dues;
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(3).unwrap();
    let rates = DuesRates::default();
    fx.store
        .write(|w| {
            for &m in &ids[..2] {
                w.save_dues_base(&base(m, 2025, DuesCategory::Employed, Some(400_000), 4000), &rates)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let file = fx.dir.path().join("党费.csv");
    // Row 4 pays for 党员2, whose base was never confirmed: the store refuses that row.
    std::fs::write(
        &file,
        "2025年第一季度党费代扣明细\n姓名,金额（元）,代扣日期,所属月份,备注\n党员0,120.00,2025-03-25,2025-01至2025-03,工资代扣\n\
         党员2,120,2025-03-25,2025年1-3月,\n党员1,40,2025-03-25,2025-03,\n合计,280.00,,,\n",
    )
    .unwrap();
    let method = PaymentMethod::Payroll;
    let refused = dues(&mut fx.store, &file, Encoding::Auto, fx.branch, method, &[], false).unwrap();
    assert!(!refused.applied);
    assert_eq!(refused.plan.problems.len(), 1);
    assert_eq!(refused.plan.problems[0].to_string(), "第4行「缴费月份」党员2没有确认党费基数，请先确认基数：2025年1月");
    assert!(fx.store.dues_payments(None).unwrap().is_empty(), "nothing of the sheet is written");

    // A row the sheet itself gets wrong is named too (the amount), before the store is asked.
    std::fs::write(&file, "姓名,金额,缴费日期,缴费月份\n党员0,12.345,2025-03-25,2025-03\n").unwrap();
    let bad = dues(&mut fx.store, &file, Encoding::Auto, fx.branch, method, &[], false).unwrap();
    assert_eq!(bad.plan.problems[0].to_string(), "第2行「金额」不是大于0、最多两位小数的金额（元）：12.345");

    // The list without the bad row: a dry run writes nothing, the import writes every row.
    std::fs::write(
        &file,
        "姓名,金额（元）,代扣日期,所属月份\n党员0,120.00,2025-03-25,2025-01至2025-03\n党员1,40,2025-03-25,2025-03\n",
    )
    .unwrap();
    let dry = dues(&mut fx.store, &file, Encoding::Auto, fx.branch, method, &[], true).unwrap();
    assert!(!dry.applied && dry.plan.problems.is_empty() && dry.plan.payments.len() == 2);
    assert!(fx.store.dues_payments(None).unwrap().is_empty());
    let done = dues(&mut fx.store, &file, Encoding::Auto, fx.branch, method, &[], false).unwrap();
    assert!(done.applied);
    let stored = fx.store.dues_payments(None).unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(
        (stored[0].record.from, stored[0].record.to, stored[0].record.amount),
        (ym(2025, 1), ym(2025, 3), 12_000)
    );
    assert_eq!(stored[0].record.method, PaymentMethod::Payroll);
    // The same list again: every row clashes with what is recorded, nothing doubles.
    let again = dues(&mut fx.store, &file, Encoding::Auto, fx.branch, method, &[], false).unwrap();
    assert!(!again.applied && again.plan.problems.len() == 2);
    assert_eq!(fx.store.dues_payments(None).unwrap().len(), 2);
}
