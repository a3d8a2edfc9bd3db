//! Roster import as a secretary meets it: a GBK CSV without a BOM, IDs mangled into numbers,
//! blank rows, a bad check digit, a duplicate, merged title cells in an .xlsx, unknown headers —
//! every problem named by row and column, nothing partial ever written, re-import updates.

use crate::domain::MemberId;
use crate::fixtures::{Fixture, id_number};
use crate::import::table::Encoding;
use crate::services::import::members;

fn id(birth: (i32, u32, u32), seq: u32) -> String {
    id_number(crate::fixtures::day(birth.0, birth.1, birth.2), seq).as_str().to_owned()
}

fn gbk(path: &std::path::Path, lines: &[String]) {
    let text = lines.join("\r\n") + "\r\n";
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_messy_csv_is_reported_row_by_row_and_nothing_partial_is_written() {
    let mut fx = Fixture::new().unwrap();
    let (zhang, li, chen) = (id((1980, 5, 12), 31), id((1985, 11, 3), 42), id((1972, 3, 8), 11));
    let bad = format!("{}{}", &chen[..17], if chen.ends_with('1') { '2' } else { '1' });
    let header = "姓名,性别,身份证号,联系电话,党员状态,入党时间,转正时间,所在支部,备注".to_owned();
    let messy = fx.dir.path().join("花名册.csv");
    gbk(
        &messy,
        &[
            header.clone(),
            format!("张伟,男,{zhang},138-0013-8000,正式党员,2005-07-01,2006-07-01,金山社区党支部,"),
            ",,,,,,,,".into(),
            format!("李娜,女,{li},13900139000,预备党员,2025年3月,,金山社区,新发展"),
            "王强,男,3.30784E+17,13700137000,正式党员,2001/6/30,2002/6/30,金山社区党支部,".into(),
            format!("赵刚,男,{bad},13600136000,正式党员,1999.07,2000.07,金山社区党支部,"),
            format!("张伟,男,{zhang},13800138000,正式党员,2005-07-01,2006-07-01,金山社区党支部,重复"),
        ],
    );
    let members_before = fx.store.members(None).unwrap().len();
    let audit_before = fx.store.audit_count().unwrap();
    let dry = members(&mut fx.store, &messy, Encoding::Auto, &[], None, true).unwrap();
    let problems: Vec<String> = dry.plan.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        vec![
            "第5行「身份证号」是科学计数法形式（末几位已丢失），请把该列设为文本后重新录入：3.30784E+17".to_owned(),
            format!("第6行「身份证号」校验位不正确：{}********{}", &bad[..6], &bad[14..]),
            format!("第7行「身份证号」与第2行重复：{}********{}", &zhang[..6], &zhang[14..]),
        ]
    );
    assert_eq!(dry.plan.rows.len(), 2);
    assert_eq!(dry.plan.blank_rows, 1);
    assert!(dry.plan.unknown_headers.is_empty(), "备注 is a roster field now: {:?}", dry.plan.unknown_headers);
    let real = members(&mut fx.store, &messy, Encoding::Auto, &[], None, false).unwrap();
    assert!(!real.applied, "a sheet with problems imports nothing");
    assert_eq!(fx.store.members(None).unwrap().len(), members_before);
    assert_eq!(fx.store.audit_count().unwrap(), audit_before);

    // The user fixes what the report names; the same sheet then imports, and again only updates.
    let fixed = fx.dir.path().join("花名册（改）.csv");
    gbk(
        &fixed,
        &[
            header,
            format!("张伟,男,{zhang},138-0013-8000,正式党员,2005-07-01,2006-07-01,金山社区党支部,"),
            format!("李娜,女,{li},13900139000,预备党员,2025年3月,,金山社区,新发展"),
            format!("陈静,男,{chen},13500135000,正式,2010-01-01,2011-01-01,金山社区党支部,"),
        ],
    );
    let done = members(&mut fx.store, &fixed, Encoding::Auto, &[], None, false).unwrap();
    assert!(done.applied);
    assert_eq!(fx.store.members(None).unwrap().len(), members_before + 3);
    let again = members(&mut fx.store, &fixed, Encoding::Auto, &[], None, false).unwrap();
    assert!(again.applied);
    assert!(again.plan.rows.iter().all(|r| matches!(r.action, crate::import::roster::Action::Update(_))));
    assert_eq!(fx.store.members(None).unwrap().len(), members_before + 3, "no duplicates");
    let li_member = fx.store.members(None).unwrap().into_iter().find(|m| m.record.name == "李娜").unwrap().record;
    assert_eq!(li_member.joined_on, crate::fixtures::day(2025, 3, 1), "a month-only date is the month's first day");
    assert_eq!(li_member.phone.unwrap().as_str(), "13900139000");
    assert_eq!(li_member.details.remarks, "新发展");
}

#[test]
fn an_xlsx_with_a_merged_title_numeric_ids_and_an_unknown_header() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut fx = Fixture::new().unwrap();
    let path = fx.dir.path().join("名册.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.merge_range(0, 0, 0, 6, "金山社区党支部党员花名册", &Format::new()).unwrap();
    for (c, h) in ["姓名", "证件号码", "手机号码", "人员类别", "入党日期", "转正日期", "所在支部"].iter().enumerate()
    {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let good = id((1990, 2, 14), 55);
    let rows: [(&str, Option<&str>, f64); 2] =
        [("孙丽", Some(good.as_str()), 13912345678.0), ("周涛", None, 13812345678.0)];
    for (r, (name, id_text, phone)) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        sheet.write_string(r, 0, *name).unwrap();
        match id_text {
            Some(text) => sheet.write_string(r, 1, *text).unwrap(),
            // Typed in as a number: Excel keeps 15 significant digits.
            None => sheet.write_number(r, 1, 330784199001010011.0).unwrap(),
        };
        sheet.write_number(r, 2, *phone).unwrap();
        sheet.write_string(r, 3, "正式党员").unwrap();
        sheet.write_datetime_with_format(r, 4, ExcelDateTime::from_ymd(2012, 7, 1).unwrap(), &date).unwrap();
        sheet.write_datetime_with_format(r, 5, ExcelDateTime::from_ymd(2013, 7, 1).unwrap(), &date).unwrap();
        sheet.write_string(r, 6, "金山社区党支部").unwrap();
    }
    book.save(&path).unwrap();

    // "证件号码" is not a known header: without a mapping there is no ID column at all.
    let err = members(&mut fx.store, &path, Encoding::Auto, &[], None, true).unwrap_err();
    assert!(err.to_string().starts_with("找不到表头"), "{err}");
    let mapping = vec![("证件号码".to_owned(), "身份证号".to_owned())];
    let dry = members(&mut fx.store, &path, Encoding::Auto, &mapping, None, true).unwrap();
    assert_eq!(dry.plan.rows.len(), 1);
    assert_eq!(dry.plan.rows[0].row, 3, "row numbers as Excel shows them, below the merged title");
    assert_eq!(dry.plan.rows[0].member.joined_on, crate::fixtures::day(2012, 7, 1), "Excel dates read as dates");
    assert_eq!(dry.plan.problems.len(), 1);
    assert_eq!(dry.plan.problems[0].row, 4);
    assert!(dry.plan.problems[0].problem.contains("被 Excel 存成了数字"), "{}", dry.plan.problems[0]);
}

#[test]
fn a_three_meetings_register_becomes_draft_meetings_once() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(4).unwrap();
    let names: Vec<String> = ids.iter().map(|id| fx.store.member(*id).unwrap().name).collect();
    let path = fx.dir.path().join("三会一课登记表.csv");
    let lines = [
        "序号,日期,会议类型,会议主题,地点,主持人,记录人,应到人数,实到人数,请假人员,缺席人员".to_owned(),
        format!(
            "1,2025-03-12,支委会,研究发展党员工作,党群服务中心,{},{},4,3,{}（出差）,",
            names[0], names[1], names[3]
        ),
        format!("2,2025/4/2,支部党员大会,通报一季度工作,党群服务中心,{},{},4,4,,", names[0], names[1]),
        "3,2025年4月,党课,专题党课,,,,4,4,,".to_owned(),
        format!("4,2025-05-06,座谈会,情况通报,,,,4,2,,{}", "不在名册"),
    ];
    gbk(&path, &lines);
    let dry = crate::services::import::meetings(&mut fx.store, &path, Encoding::Auto, fx.branch, &[], true).unwrap();
    let problems: Vec<String> = dry.plan.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        vec![
            "第4行「日期」不是完整的日期（例：2025-03-12）：2025年4月".to_owned(),
            "第5行「会议类型」不是可识别的会议类型（如支委会、支部党员大会、党小组会、党课）：座谈会".to_owned(),
            "第5行「缺席人员」不是本支部党员：不在名册".to_owned(),
            "第5行「实到人数」与请假、缺席人员不符（应为3人）：2".to_owned(),
        ]
    );
    // Rows 4 and 5 fixed: drop them, import, import again.
    gbk(&path, &lines[..3]);
    let done = crate::services::import::meetings(&mut fx.store, &path, Encoding::Auto, fx.branch, &[], false).unwrap();
    assert!(done.applied);
    let stored = fx.store.meetings(&crate::store::MeetingFilter::default()).unwrap();
    assert_eq!(stored.len(), 2);
    let committee = &stored[0].record;
    assert_eq!(committee.status, crate::domain::MeetingStatus::Draft, "imported records are drafts to review");
    assert_eq!(committee.present_count(), 3);
    assert!(
        committee.attendance.iter().any(|a| a.presence == crate::domain::Presence::OnLeave { reason: "出差".into() })
    );
    let again = crate::services::import::meetings(&mut fx.store, &path, Encoding::Auto, fx.branch, &[], false).unwrap();
    assert!(!again.applied && again.plan.rows.iter().all(|r| r.duplicate), "a second import adds nothing");
    assert_eq!(fx.store.meetings(&crate::store::MeetingFilter::default()).unwrap().len(), 2);
}

#[test]
fn a_cancelled_import_writes_nothing_even_halfway_through() {
    use crate::services::{Progress, ServiceError, import::members_with_progress};
    let mut fx = Fixture::new().unwrap();
    let path = fx.dir.path().join("大名单.csv");
    let mut lines = vec!["姓名,身份证号,党员状态,入党时间,所在支部".to_owned()];
    for i in 0..3000u32 {
        let person = id((1950 + (i % 30) as i32, 1 + i % 12, 1 + i % 28), i % 500 * 2 + 1);
        lines.push(format!("党员{i},{person},正式党员,2010-06-01,金山社区党支部"));
    }
    std::fs::write(&path, lines.join("\n")).unwrap();
    let (members_before, audit_before) = (fx.store.members(None).unwrap().len(), fx.store.audit_count().unwrap());

    // Cancelled before it starts: the file is read, nothing else happens.
    let early = Progress::new();
    early.cancel();
    let request = crate::services::import::MemberRequest {
        encoding: Encoding::Auto,
        mapping: &[],
        default_branch: None,
        corrections: &crate::import::roster::Corrections::default(),
    };
    let error = members_with_progress(&mut fx.store, &path, &request, false, &early).unwrap_err();
    assert!(matches!(error, ServiceError::Cancelled), "{error}");

    // Cancelled while rows are being written (from another thread, as the window's button does).
    let progress = Progress::new();
    let watcher = {
        let progress = progress.clone();
        std::thread::spawn(move || {
            while progress.counts().0 < 20 {
                std::thread::yield_now();
            }
            progress.cancel();
        })
    };
    let error = members_with_progress(&mut fx.store, &path, &request, false, &progress).unwrap_err();
    watcher.join().unwrap();
    assert!(matches!(error, ServiceError::Cancelled), "{error}");
    let (done, total) = progress.counts();
    assert!(done >= 20 && done < total, "stopped halfway: {done} of {total}");
    assert_eq!(fx.store.members(None).unwrap().len(), members_before, "the transaction was rolled back");
    assert_eq!(fx.store.audit_count().unwrap(), audit_before);
    assert_eq!(error.to_string(), "已取消，未写入任何记录");
}

/// A 党员花名册 the way a county office keeps one, in .xlsx: a merged title row, 序号, 出生年月 and
/// 入党时间 written `1985.03` / `2010.7` or stored as Excel serials, no status column (转正时间 and
/// 备注 tell it), 学历, 工作单位及职务, 籍贯, 备注, a landline, a full-width ID number, a name spaced
/// out to line up, `汉` for 汉族, a blank line, a 合计 row and a 制表人/审核人 footer. Every member
/// goes in; what was derived or normalised is said per row; the totals and footer are skipped.
#[test]
fn a_county_office_roster_goes_in_the_first_time() {
    use rust_xlsxwriter::{Format, Workbook};
    let mut fx = Fixture::new().unwrap();
    let path = fx.dir.path().join("党员花名册.xlsx");
    let mut book = Workbook::new();
    // The roster is the second sheet; the first is the office's notes.
    book.add_worksheet().set_name("填表说明").unwrap().write_string(0, 0, "请按要求填写").unwrap();
    let sheet = book.add_worksheet().set_name("花名册").unwrap();
    sheet.merge_range(0, 0, 0, 11, "金山社区党支部党员花名册（2026年）", &Format::new()).unwrap();
    let headers = [
        "序号",
        "姓  名",
        "性别",
        "民族",
        "出生年月",
        "身份证号码",
        "学历",
        "入党时间",
        "转正时间",
        "工作单位及职务",
        "籍贯",
        "联系电话",
        "备注",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let (a, b, c) = (id((1985, 3, 12), 31), id((1990, 7, 1), 42), id((1978, 11, 23), 11));
    let full_width: String = b.chars().map(|ch| char::from_u32(ch as u32 + 0xFEE0).unwrap_or(ch)).collect();
    let rows: Vec<Vec<&str>> = vec![
        vec![
            "1",
            "张  三",
            "男",
            "汉",
            "1985.03",
            &a,
            "大学本科",
            "2010.7",
            "2011.7",
            "金山社区居委会主任",
            "浙江兰溪",
            "0579-8123456",
            "",
        ],
        vec![
            "2",
            "李  娜",
            "女",
            "汉族",
            "1990.07",
            &full_width,
            "大专",
            "2026年3月",
            "",
            "金山社区网格员",
            "浙江金华",
            "138 0013 8000",
            "预备党员",
        ],
        vec!["3", "王建国", "男", "回", "1978.11", &c, "高中", "", "", "退休", "", "", ""],
        vec!["", "", "", "", "", "", "", "", "", "", "", "", ""],
        vec!["合计", "", "", "", "", "", "", "", "", "", "", "", "3人"],
        vec!["制表人：李书记", "", "", "", "", "", "审核人：王主任", "", "", "", "填表日期：2026年3月20日", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r as u32 + 2, col as u16, *value).unwrap();
            }
        }
    }
    // 王建国's 入党时间 and 转正时间 as Excel serials in cells not formatted as dates.
    sheet.write_number(4, 7, 36_341.0).unwrap(); // 1999-06-30
    sheet.write_number(4, 8, 36_707.0).unwrap(); // 2000-06-30
    book.save(&path).unwrap();

    let dry = members(&mut fx.store, &path, Encoding::Auto, &[], Some(fx.branch), true).unwrap();
    let problems: Vec<String> = dry.plan.problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(dry.plan.unknown_headers.is_empty(), "{:?}", dry.plan.unknown_headers);
    assert_eq!(dry.plan.rows.len(), 3);
    assert_eq!(
        dry.plan.skipped,
        vec![(7, "合计行，不是党员".to_owned()), (8, "表尾（制表人、审核人），不是党员".to_owned())]
    );
    let [zhang, li, wang] = [&dry.plan.rows[0], &dry.plan.rows[1], &dry.plan.rows[2]];
    assert_eq!((zhang.row, zhang.member.name.as_str()), (3, "张三"));
    assert_eq!(zhang.member.ethnicity, "汉族");
    assert_eq!(zhang.member.status, crate::domain::MemberStatus::Full);
    assert_eq!(zhang.member.joined_on, crate::fixtures::day(2010, 7, 1));
    assert_eq!(zhang.member.phone.as_ref().unwrap().as_str(), "0579-8123456");
    assert_eq!(zhang.member.details.work, "金山社区居委会主任");
    assert_eq!(zhang.member.details.education, "大学本科");
    assert_eq!(zhang.member.details.native_place, "浙江兰溪");
    assert_eq!(zhang.notes, ["姓名“张  三”中的空格已去掉", "民族“汉”记为“汉族”", "党员状态按转正时间推定为正式党员"]);
    assert_eq!(li.member.id_number.as_str(), b, "a full-width ID number is read");
    assert_eq!(li.member.status, crate::domain::MemberStatus::Probationary);
    assert!(li.notes.contains(&"党员状态按备注推定为预备党员".to_owned()), "{:?}", li.notes);
    assert_eq!(li.member.phone.as_ref().unwrap().as_str(), "13800138000");
    assert_eq!(wang.member.joined_on, crate::fixtures::day(1999, 6, 30), "an Excel serial");
    assert_eq!(wang.member.ethnicity, "回族");
    assert_eq!(wang.member.status, crate::domain::MemberStatus::Full);

    let report = crate::services::import::report_text(&dry);
    assert!(report.contains("第7行  跳过：合计行，不是党员"), "{report}");
    assert!(report.contains("试运行（未写入）：有效3行（新增3、更新0），问题0处，空行1行，跳过2行"), "{report}");
    let done = members(&mut fx.store, &path, Encoding::Auto, &[], Some(fx.branch), false).unwrap();
    assert!(done.applied);
    let stored = fx.store.members(Some(fx.branch)).unwrap();
    assert!(stored.iter().any(|m| m.record.name == "李娜" && m.record.details.remarks == "预备党员"));
}

/// Files are read by what they hold, not by their name: a CSV saved as `.xls`, an `.xlsx` renamed
/// `.xls`; a file nothing can read (an OLE2 file that is not a workbook, as a WPS `.et` is to the
/// reader, or binary garbage) gets a message that says to save it as .xlsx, and nothing is written.
#[test]
fn files_are_read_by_their_content_and_unreadable_ones_say_what_to_do() {
    let mut fx = Fixture::new().unwrap();
    let csv = crate::fixtures::roster_csv(2, "金山社区党支部");
    let as_xls = fx.dir.path().join("名册（其实是CSV）.xls");
    std::fs::write(&as_xls, &csv).unwrap();
    let dry = members(&mut fx.store, &as_xls, Encoding::Auto, &[], None, true).unwrap();
    assert_eq!(dry.plan.rows.len(), 2, "a CSV named .xls is read as CSV");

    let xlsx = fx.dir.path().join("名册.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in csv.lines().enumerate() {
        for (c, value) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, value).unwrap();
        }
    }
    book.save(&xlsx).unwrap();
    let renamed = fx.dir.path().join("名册（改了扩展名）.xls");
    std::fs::copy(&xlsx, &renamed).unwrap();
    let dry = members(&mut fx.store, &renamed, Encoding::Auto, &[], None, true).unwrap();
    assert_eq!(dry.plan.rows.len(), 2, "an .xlsx named .xls is read as .xlsx");

    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 4096));
    let et = fx.dir.path().join("名册.et");
    std::fs::write(&et, &ole).unwrap();
    let error = members(&mut fx.store, &et, Encoding::Auto, &[], None, true).unwrap_err().to_string();
    assert!(error.contains("WPS 表格（.et）") && error.contains("另存为 .xlsx"), "{error}");
    let garbage = fx.dir.path().join("名册.dat");
    std::fs::write(&garbage, [0x00u8, 0x13, 0x37, 0x00, 0xFF, 0x10].repeat(100)).unwrap();
    let error = members(&mut fx.store, &garbage, Encoding::Auto, &[], None, true).unwrap_err().to_string();
    assert!(error.contains("另存为 .xlsx"), "{error}");
    assert!(fx.store.members(None).unwrap().is_empty());
}

/// The fixture files of `tests/fixtures/` (made by `scripts/make-fixtures.py`: LibreOffice saved
/// the same county-office roster as a real .xls and .xlsx, plus a GBK CSV) each import the same five
/// members, and the dry-run report a secretary reads is the one below.
#[test]
fn the_county_office_fixtures_import_the_same_members_and_report() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut reports = Vec::new();
    for file in ["roster-county.xls", "roster-county.xlsx", "roster-county-gbk.csv"] {
        let mut fx = Fixture::new().unwrap();
        let dry = members(&mut fx.store, &fixtures.join(file), Encoding::Auto, &[], Some(fx.branch), true).unwrap();
        let problems: Vec<String> = dry.plan.problems.iter().map(ToString::to_string).collect();
        assert!(problems.is_empty(), "{file}: {problems:#?}");
        let people: Vec<(String, String, String)> = dry
            .plan
            .rows
            .iter()
            .map(|r| {
                let status = r.member.status.label().to_owned();
                (r.member.name.clone(), r.member.joined_on.to_string(), status)
            })
            .collect();
        let expected = [
            ("张三", "2010-07-01", "正式党员"),
            ("李娜", "2026-01-01", "预备党员"),
            ("王建国", "1999-06-30", "正式党员"),
            ("赵敏", "1990-06-01", "正式党员"),
            ("陈志强", "2001-07-01", "正式党员"),
        ]
        .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
        assert_eq!(people, expected, "{file}");
        reports.push(crate::services::import::report_text(&dry));
    }
    // The .xls and .xlsx say the same; the CSV has no sheets to name.
    assert_eq!(reports[0], reports[1]);
    expect_test::expect![[r#"
        读取工作表“党员花名册”
        表中没有“所在支部”列：全部导入到 金山社区党支部
        第4行  新增  张三（330781********0039）
                姓名“张  三”中的空格已去掉
                民族“汉”记为“汉族”
                党员状态按转正时间推定为正式党员
        第5行  新增  李娜（330702********0040）
                姓名“李  娜”中的空格已去掉
                电话规范为138****8000
                党员状态按备注推定为预备党员
        第6行  新增  王建国（330781********0016）
                民族“回”记为“回族”
                党员状态按转正时间推定为正式党员
        第7行  新增  赵敏（330781********0026）
                姓名“赵  敏”中的空格已去掉
                民族“汉”记为“汉族”
                电话规范为0579-****666
                党员状态按转正时间推定为正式党员
        第8行  新增  陈志强（330781********0012）
                电话规范为139****0001
                党员状态按转正时间推定为正式党员
        第10行  跳过：合计行，不是党员
        第11行  跳过：表尾（制表人、审核人），不是党员
        试运行（未写入）：有效5行（新增5、更新0），问题0处，空行1行，跳过2行
    "#]]
    .assert_eq(&reports[0]);
    let doc = std::fs::read_to_string(fixtures.join("../../docs/roster-import.md")).unwrap();
    assert!(doc.contains(&reports[0]), "docs/roster-import.md shows this report");
}

/// The roster export of the national Party member information system (全国党员管理信息系统), its
/// common column set: the fields the app keeps go in, the rest (家庭住址, 婚姻状况, 党籍状态 …) are listed
/// as not imported.
#[test]
fn the_national_system_export_imports_with_its_column_names() {
    let mut fx = Fixture::new().unwrap();
    let path = fx.dir.path().join("党员信息.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let headers = [
        "序号",
        "姓名",
        "性别",
        "公民身份号码",
        "民族",
        "出生日期",
        "学历",
        "学位",
        "人员类别",
        "所在党支部",
        "入党日期",
        "转为正式党员日期",
        "工作岗位",
        "联系电话",
        "家庭住址",
        "婚姻状况",
        "党籍状态",
        "是否失联党员",
        "是否流动党员",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let a = id((1980, 5, 12), 31);
    let row = [
        "1",
        "张伟",
        "男",
        &a,
        "汉族",
        "1980-05-12",
        "大学本科",
        "学士",
        "正式党员",
        "金山社区党支部",
        "2005-07-01",
        "2006-07-01",
        "社区工作者",
        "13800138000",
        "金山社区3幢",
        "已婚",
        "正常",
        "否",
        "否",
    ];
    for (c, v) in row.iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    book.save(&path).unwrap();
    let dry = members(&mut fx.store, &path, Encoding::Auto, &[], None, true).unwrap();
    assert!(dry.plan.problems.is_empty(), "{:?}", dry.plan.problems);
    let member = &dry.plan.rows[0].member;
    assert_eq!(
        (member.confirmed_on, member.details.work.as_str()),
        (Some(crate::fixtures::day(2006, 7, 1)), "社区工作者")
    );
    assert_eq!(
        dry.plan.unknown_headers,
        ["学位", "家庭住址", "婚姻状况", "党籍状态", "是否失联党员", "是否流动党员"].map(String::from)
    );
}

/// A volunteer platform's hours export: rows of one activity (same name and day) become one
/// activity with each member's own hours; a member is found by ID number (full-width too), else by
/// a unique name; a volunteer who is not in the roster is left out and listed; importing again
/// adds nothing.
#[test]
fn a_volunteer_hours_export_becomes_activities_with_each_members_hours() {
    use crate::services::import::{volunteer, volunteer_report_text};
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(3).unwrap();
    let roster = fx.store.members(None).unwrap();
    let (m0, m1) = (&roster[0].record, &roster[1].record);
    let wide: String = m1.id_number.as_str().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
    let csv = format!(
        "姓名,身份证号,志愿者编号,活动名称,服务时间,时长\n\
         {},{},ZJ001,“6·26”禁毒宣传,2025-06-26 09:00,2.5\n\
         {},{wide},ZJ002,“6·26”禁毒宣传,2025-06-26 09:00,2小时\n\
         党员2,,ZJ003,小区环境整治,2025/7/5,90分钟\n\
         王大妈,,ZJ099,小区环境整治,2025/7/5,1.5\n\
         ,,,,,\n",
        m0.name,
        m0.id_number.as_str(),
        m1.name,
    );
    let path = fx.dir.path().join("志愿服务时长.csv");
    std::fs::write(&path, csv).unwrap();
    let dry = volunteer(&mut fx.store, &path, Encoding::Auto, fx.branch, &[], true).unwrap();
    assert!(dry.plan.problems.is_empty(), "{:?}", dry.plan.problems);
    assert_eq!(dry.plan.activities.len(), 2);
    let anti_drug = &dry.plan.activities[0].activity;
    assert_eq!(anti_drug.category, crate::domain::VolunteerCategory::AntiDrug);
    let hours: Vec<(MemberId, f64)> = anti_drug.participants.iter().map(|p| (p.member, p.hours)).collect();
    assert_eq!(hours, [(ids[0], 2.5), (ids[1], 2.0)], "each member's own hours");
    assert_eq!((anti_drug.starts.to_string(), anti_drug.ends.to_string()), ("09:00:00".into(), "11:30:00".into()));
    let clean_up = &dry.plan.activities[1].activity;
    assert_eq!(clean_up.participants, [crate::domain::Participant { member: ids[2], hours: 1.5 }], "by name");
    assert_eq!(dry.plan.skipped.len(), 1);
    let report = volunteer_report_text(&dry);
    assert!(
        report.contains("第5行  跳过：王大妈不在党员名册和志愿者名册中，未导入（请先在“志愿服务”中登记为志愿者）"),
        "{report}"
    );
    assert!(report.contains("试运行（未写入）：活动2次（新增2），跳过1行，问题0处"), "{report}");
    let done = volunteer(&mut fx.store, &path, Encoding::Auto, fx.branch, &[], false).unwrap();
    assert!(done.applied);
    let again = volunteer(&mut fx.store, &path, Encoding::Auto, fx.branch, &[], false).unwrap();
    assert!(!again.applied && again.plan.activities.iter().all(|a| a.duplicate), "importing again adds nothing");
    let stored =
        fx.store.volunteer_activities(crate::fixtures::day(2025, 1, 1), crate::fixtures::day(2025, 12, 31)).unwrap();
    assert_eq!(stored.len(), 2);
}

/// A column named differently from what the importers know is mapped with `--map 列名=字段`, for the
/// register and the volunteer hours as for the roster; a target that is no field names the fields.
#[test]
fn registers_and_hours_exports_take_a_header_mapping() {
    use crate::services::import::{meetings, volunteer};
    let mut fx = Fixture::new().unwrap();
    fx.add_members(2).unwrap();
    let hours = fx.dir.path().join("时长.csv");
    std::fs::write(&hours, "姓名,参与项目,服务时间,时长\n党员0,清扫楼道,2025-03-05,2\n").unwrap();
    let error = volunteer(&mut fx.store, &hours, Encoding::Auto, fx.branch, &[], true).unwrap_err().to_string();
    assert!(error.starts_with("找不到表头"), "{error}");
    let map = vec![("参与项目".to_owned(), "活动名称".to_owned())];
    let dry = volunteer(&mut fx.store, &hours, Encoding::Auto, fx.branch, &map, true).unwrap();
    assert_eq!(dry.plan.activities[0].activity.title, "清扫楼道");

    let register = fx.dir.path().join("台账.csv");
    std::fs::write(&register, "日期,活动形式,主题\n2025-03-05,支委会,研究发展党员工作\n").unwrap();
    let map = vec![("活动形式".to_owned(), "会议类型".to_owned())];
    let dry = meetings(&mut fx.store, &register, Encoding::Auto, fx.branch, &map, true).unwrap();
    assert_eq!(dry.plan.rows[0].meeting.kind, crate::domain::MeetingKind::CommitteeMeeting);
    let wrong = vec![("活动形式".to_owned(), "形式".to_owned())];
    let error = meetings(&mut fx.store, &register, Encoding::Auto, fx.branch, &wrong, true).unwrap_err().to_string();
    assert!(error.contains("没有名为“形式”的字段，可用：日期、开始时间、会议类型"), "{error}");
}
