//! Reference template 星级评定 (DOCUMENTS.md §2): provides an indicator sheet (100 points plus
//! a 10-point bonus, bands at 90/80/70/60, quotas) and renders, for every subject rated in a
//! year under a scheme, the table of scores, totals, ★ marks and ranks, the quota check, and
//! either the publicity notice or the assessors' working sheet.

use plugin_api::{
    Document, DocumentBuilder, Indicator, Output, ParamKind, Quota, RatingScheme, RecordKind, RenderError,
    RenderRequest, RequestExt, StarBand, StarRating, TableBuilder, Template, TemplateInfo, param, stars,
};

/// The template.
pub struct StarRatingTemplate;

plugin_api::export_template!(StarRatingTemplate);

/// The indicator sheet this template provides (DOCUMENTS.md's example sheet).
pub fn branch_scheme() -> RatingScheme {
    let indicator =
        |key: &str, name: &str, max_score| Indicator { key: key.into(), name: name.into(), max_score, measure: None };
    RatingScheme {
        key: "branch-star".into(),
        version: None,
        name: "党支部星级评定指标".into(),
        subject_kind: "branch".into(),
        indicators: vec![
            indicator("organization", "组织建设", 20.0),
            indicator("institutions", "制度落实", 25.0),
            indicator("role", "作用发挥", 25.0),
            indicator("satisfaction", "群众满意度", 20.0),
        ],
        bonus: vec![indicator("bonus", "加分项", 10.0)],
        bands: [(90.0, 5), (80.0, 4), (70.0, 3), (60.0, 2), (0.0, 1)]
            .into_iter()
            .map(|(min_score, stars)| StarBand { min_score, stars })
            .collect(),
        quotas: vec![Quota { stars: 5, max_percent: 10.0 }, Quota { stars: 4, max_percent: 30.0 }],
    }
}

impl Template for StarRatingTemplate {
    fn info() -> TemplateInfo {
        let mut variant = param(
            "variant",
            "文书类型",
            ParamKind::Choice,
            false,
            Some("公示"),
            "公示：评定结果公示；评定表：评定人签字的工作表",
        );
        variant.choices = vec!["公示".into(), "评定表".into()];
        TemplateInfo {
            id: "star-rating".into(),
            name: "星级评定".into(),
            version: "1.2.0".into(),
            description: "按评定方案汇总各评定对象的指标得分、总分、星级、排名和升降，核对名额比例，生成结果公示或评定表（附提升方向）。"
                .into(),
            parameters: vec![
                param("year", "年度", ParamKind::Year, true, None, "评定年度"),
                param("scheme", "评定方案", ParamKind::Text, false, Some("branch-star"), "评定方案标识"),
                variant,
                param("publicity_start", "公示开始日期", ParamKind::Date, false, None, "默认为生成当日"),
                param("publicity_days", "公示工作日数", ParamKind::Number, false, Some("5"), "公示期（工作日）"),
                param("contact_phone", "联系电话", ParamKind::Text, false, None, "受理异议的电话"),
                param("issuer", "发布单位", ParamKind::Text, false, None, "默认为本单位名称"),
            ],
            needs: vec![RecordKind::Organizations, RecordKind::StarRatings],
            schemes: vec![branch_scheme()],
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        render(request).map(Output::from)
    }
}

fn score_text(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 { format!("{value:.0}") } else { format!("{value:.1}") }
}

const CHINESE_STARS: [&str; 6] = ["零", "一", "二", "三", "四", "五"];

/// `YYYY-MM-DD` → (year, month, day).
fn ymd(date: &str) -> Option<(i32, u32, u32)> {
    let mut parts = date.get(..10)?.split('-');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Days since 1970-01-01 (civil calendar), for weekday arithmetic without a clock.
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// The first and last day of a publicity period of `days` working days (Monday–Friday)
/// starting on `start` (moved to the next working day if it falls on a weekend).
pub fn publicity_period(start: &str, days: u32) -> Option<(String, String)> {
    let (y, m, d) = ymd(start)?;
    let mut day = days_from_civil(y, m, d);
    let weekend = |n: i64| matches!((n + 3).rem_euclid(7), 5 | 6); // 1970-01-01 was a Thursday (3)
    while weekend(day) {
        day += 1;
    }
    let first = day;
    let mut counted = 1;
    while counted < days.max(1) {
        day += 1;
        if !weekend(day) {
            counted += 1;
        }
    }
    let text = |n: i64| {
        let (y, m, d) = civil_from_days(n);
        format!("{y}年{m}月{d}日")
    };
    Some((text(first), text(day)))
}

fn render(request: &RenderRequest) -> Result<Document, RenderError> {
    let year = request.int("year")?;
    let scheme_key = request.param("scheme").map(str::trim).filter(|s| !s.is_empty()).unwrap_or("branch-star");
    let records = &request.records;
    let scheme = records
        .schemes
        .iter()
        .find(|s| s.key == scheme_key)
        .ok_or_else(|| RenderError::MissingData(format!("没有评定方案：{scheme_key}")))?;
    // Stars, ranks, ties, moves and quotas are the host's (its rules, the sheet version each
    // subject was scored on): this template words them and never recounts them.
    let mut rated: Vec<&StarRating> =
        records.star_ratings.iter().filter(|r| r.scheme == scheme_key && i64::from(r.year) == year).collect();
    if rated.is_empty() {
        return Err(RenderError::MissingData(format!("{year}年度没有按“{}”评定的记录", scheme.name)));
    }
    rated.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.subject_name.cmp(&b.subject_name)));
    let unit =
        request.param("issuer").map(str::trim).filter(|s| !s.is_empty()).unwrap_or(&request.unit_name).to_owned();
    let working_sheet = request.param("variant") == Some("评定表");
    let subject = rated.first().map_or("评定对象", |r| r.subject_kind_label.as_str());
    let with_moves = rated.iter().any(|r| r.last_year_stars.is_some());

    // Columns: 序号 | subject | one per indicator and bonus | 总分 | 星级 | 排名 [| 较上年] (millimetres).
    let columns = scheme.indicators.iter().chain(&scheme.bonus).collect::<Vec<_>>();
    // At the official table size (14 pt) a 24 mm column holds a four-character indicator name
    // and 32 mm holds five stars on one line.
    let mut widths = vec![14.0, if with_moves { 36.0 } else { 46.0 }];
    let indicator_width = if with_moves { 22.0 } else { 24.0 };
    widths.extend(columns.iter().map(|_| indicator_width));
    widths.extend([16.0, 32.0, 14.0]);
    if with_moves {
        widths.push(20.0);
    }
    let total_width: f64 = widths.iter().sum();
    let landscape = total_width > 156.0;
    if total_width > 243.0 {
        return Err(RenderError::Failed(format!("评定方案有{}项指标，表格超出横向版心，请拆分方案", columns.len())));
    }
    let mut header = vec!["序号".to_owned(), subject.to_owned()];
    header.extend(columns.iter().map(|i| format!("{}\n（{}分）", i.name, score_text(i.max_score))));
    header.extend(["总分".to_owned(), "星级".to_owned(), "排名".to_owned()]);
    if with_moves {
        header.push("较上年".to_owned());
    }
    let mut table = TableBuilder::new(&widths).header(header);
    for (i, rating) in rated.iter().enumerate() {
        let mut row = vec![(i + 1).to_string(), rating.subject_name.clone()];
        row.extend(columns.iter().map(|ind| {
            rating.scores.iter().find(|s| s.key == ind.key).map_or_else(|| "—".to_owned(), |s| score_text(s.points))
        }));
        row.extend([score_text(rating.total), stars(rating.stars), rating.rank.to_string()]);
        if with_moves {
            row.push(rating.move_label.clone());
        }
        table = table.row(row);
    }

    let title = if working_sheet {
        format!("{unit}{year}年度{subject}星级评定表")
    } else {
        format!("{unit}关于{year}年度{subject}星级评定结果的公示")
    };
    let mut doc = DocumentBuilder::official(title);
    if landscape {
        doc = doc.landscape();
    }
    doc = doc.paragraph(format!(
        "根据{year}年度{}，经{}评定，共有{}个{subject}参加评定，结果如下：",
        scheme.name,
        if working_sheet { "评定小组" } else { "综合考评" },
        rated.len()
    ));
    doc = doc.table(table.build());

    let mut bands = scheme.bands.clone();
    bands.sort_by(|a, b| b.min_score.total_cmp(&a.min_score));
    let band_text: Vec<String> = bands
        .iter()
        .filter(|b| b.min_score > 0.0)
        .map(|b| format!("{}分以上为{}星", score_text(b.min_score), CHINESE_STARS[usize::from(b.stars.min(5))]))
        .collect();
    doc = doc.paragraph(format!("评定标准：总分{}；以下为一星。", band_text.join("，")));

    // Ties: each group of equal totals, named once.
    let mut ties: Vec<String> = Vec::new();
    for rank in rated.iter().filter(|r| r.tied).map(|r| r.rank).collect::<std::collections::BTreeSet<_>>() {
        let names: Vec<&str> =
            rated.iter().filter(|r| r.tied && r.rank == rank).map(|r| r.subject_name.as_str()).collect();
        ties.push(format!("{}总分相同，并列第{rank}名", names.join("、")));
    }
    if !ties.is_empty() {
        doc = doc.paragraph(format!("注：{}。", ties.join("；")));
    }
    let checks: Vec<_> = records.quota_checks.iter().filter(|q| q.scheme == scheme_key).collect();
    if !checks.is_empty() {
        let lines: Vec<String> = checks
            .iter()
            .map(|q| {
                let level = CHINESE_STARS[usize::from(q.stars.min(5))];
                let verdict = if q.count <= q.allowed {
                    "符合名额要求".to_owned()
                } else {
                    let beyond: Vec<&str> = rated
                        .iter()
                        .filter(|r| r.stars == q.stars && r.beyond_quota)
                        .map(|r| r.subject_name.as_str())
                        .collect();
                    if beyond.is_empty() {
                        "超出名额，因同分并列须由评定小组确定".to_owned()
                    } else {
                        format!("超出名额，按总分排序超出的为{}，请复核", beyond.join("、"))
                    }
                };
                format!(
                    "{level}星不超过{}%（{}个）：实有{}个，{verdict}",
                    score_text(q.max_percent),
                    q.allowed,
                    q.count
                )
            })
            .collect();
        doc = doc.paragraph(format!("名额比例核对：{}。", lines.join("；")));
    }
    if working_sheet {
        // The working sheet tells the rating group what would lift each subject to the next star.
        let advice: Vec<String> = rated
            .iter()
            .filter_map(|r| {
                let next = r.next_star.as_ref()?;
                let gaps: Vec<String> =
                    next.gaps.iter().take(2).map(|g| format!("{}（差{}分）", g.name, score_text(g.gap))).collect();
                Some(format!(
                    "{}距{}星差{}分，主要差在{}",
                    r.subject_name,
                    CHINESE_STARS[usize::from(next.stars.min(5))],
                    score_text(next.points_needed),
                    gaps.join("、")
                ))
            })
            .collect();
        if !advice.is_empty() {
            doc = doc.paragraph(format!("提升方向：{}。", advice.join("；")));
        }
    }

    let today = request.generated_on().to_owned();
    let date_text = ymd(&today).map_or(today.clone(), |(y, m, d)| format!("{y}年{m}月{d}日"));
    if working_sheet {
        doc = doc
            .signature(["评定人（签字）：________", "评定人（签字）：________", "评定人（签字）：________"], date_text);
    } else {
        let start = request.param("publicity_start").map(str::trim).filter(|s| !s.is_empty()).unwrap_or(&today);
        let days = request.number("publicity_days").unwrap_or(5.0).clamp(1.0, 30.0) as u32;
        let (from, to) = publicity_period(start, days)
            .ok_or_else(|| RenderError::InvalidParameter(("publicity_start".into(), format!("日期不正确：{start}"))))?;
        let mut notice = format!("公示期为{days}个工作日（{from}至{to}），如有异议，请向{unit}反映。");
        if let Some(phone) = request.param("contact_phone").map(str::trim).filter(|s| !s.is_empty()) {
            notice.push_str(&format!("联系电话：{phone}。"));
        }
        doc = doc.paragraph(notice).signature([unit.clone(), "（盖章）".to_owned()], date_text);
    }
    Ok(doc.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publicity_counts_working_days() {
        // 2026-01-05 is a Monday: five working days end on Friday the 9th.
        assert_eq!(publicity_period("2026-01-05", 5), Some(("2026年1月5日".into(), "2026年1月9日".into())));
        // Starting on Saturday 2026-01-03 moves to Monday.
        assert_eq!(publicity_period("2026-01-03", 5), Some(("2026年1月5日".into(), "2026年1月9日".into())));
        // Thursday 2025-12-25 plus five working days crosses a weekend: ends Wednesday the 31st.
        assert_eq!(publicity_period("2025-12-25", 5), Some(("2025年12月25日".into(), "2025年12月31日".into())));
    }
}
