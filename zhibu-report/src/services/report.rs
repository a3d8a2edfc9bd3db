//! Report templates as a service: the catalog of templates (embedded reference ones and
//! installed packages), and rendering one with the records it declared and was granted.

use super::ReportError;
use crate::plugin_host::package::{self, Package, Source};
use crate::plugin_host::{
    self, CancelToken, ComponentCache, Limits, ParamKind, Plugin, PluginError, PluginHost, RecordKind, RenderOutcome,
    RenderRequest, convert,
};
use chrono::{NaiveDate, NaiveDateTime};
use std::path::Path;
use zhibu_core::domain::{OrgId, OrgKind, Organization, Stored};
use zhibu_core::rules::{self, RuleSet};
use zhibu_core::store::{MeetingFilter, Store};

/// A template ready to render, with its package.
pub struct Template {
    /// The package (manifest and where it came from).
    pub package: Package,
    /// The loaded component.
    pub plugin: Plugin,
}

/// Every template the installation has.
pub struct Catalog {
    /// The sandbox they run in.
    pub host: PluginHost,
    /// Loaded templates, reference ones first.
    pub templates: Vec<Template>,
    /// Packages that failed to load (shown to the user, never run), with why.
    pub broken: Vec<(String, PluginError)>,
}

impl Catalog {
    /// The installation's templates: a host with the default limits whose compiled components
    /// are cached in `cache_dir` (signed with the installation's key, see [`ComponentCache`]),
    /// the embedded templates and every package installed in `plugins_dir`.
    pub fn open(cache_dir: &Path, plugins_dir: &Path) -> Result<Self, ReportError> {
        let cache = ComponentCache::for_installation(cache_dir.to_owned(), plugins_dir)?;
        Self::load(PluginHost::new(Limits::default(), Some(cache))?, Some(plugins_dir))
    }

    /// Loads the embedded templates and every package installed in `plugins_dir`.
    pub fn load(host: PluginHost, plugins_dir: Option<&Path>) -> Result<Self, ReportError> {
        let mut catalog = Self { host, templates: Vec::new(), broken: Vec::new() };
        for package in package::reference()? {
            catalog.add(package)?;
        }
        if let Some(dir) = plugins_dir {
            for package in package::installed(dir) {
                match package {
                    Ok(package) => {
                        let id = package.manifest.id.clone();
                        if let Err(error) = catalog.add(package) {
                            catalog.broken.push((id, plugin_error(error)));
                        }
                    }
                    Err(error) => catalog.broken.push((String::new(), error)),
                }
            }
        }
        Ok(catalog)
    }

    /// Loads `package` into the catalog, checking its id against the manifest and the others.
    pub fn add(&mut self, package: Package) -> Result<&Template, ReportError> {
        let plugin = self.host.load(&package.wasm, &package.manifest.id)?;
        check_package(&package, &plugin)?;
        if self.templates.iter().any(|t| t.plugin.info.id == plugin.info.id) {
            return Err(PluginError::IdClash(plugin.info.id.clone()).into());
        }
        self.templates.push(Template { package, plugin });
        Ok(&self.templates[self.templates.len() - 1])
    }

    /// The template with `id`.
    pub fn get(&self, id: &str) -> Result<&Template, ReportError> {
        self.templates
            .iter()
            .find(|t| t.plugin.info.id == id)
            .ok_or_else(|| PluginError::UnknownTemplate(id.to_owned()).into())
    }

    /// The ids in use (for install clashes).
    pub fn ids(&self) -> Vec<String> {
        self.templates.iter().map(|t| t.plugin.info.id.clone()).collect()
    }
}

fn plugin_error(error: ReportError) -> PluginError {
    match error {
        ReportError::Plugin(e) => e,
        other => PluginError::Engine(other.to_string()),
    }
}

/// The manifest must describe the component it ships.
pub fn check_package(package: &Package, plugin: &Plugin) -> Result<(), PluginError> {
    let manifest = &package.manifest;
    if manifest.id != plugin.info.id {
        return Err(PluginError::InvalidInfo(format!(
            "清单中的标识 {} 与插件自身的标识 {} 不一致",
            manifest.id, plugin.info.id
        )));
    }
    if manifest.api_version != plugin.api_version {
        return Err(PluginError::InvalidInfo(format!(
            "清单中的接口版本 {} 与插件实际的 {} 不一致",
            manifest.api_version, plugin.api_version
        )));
    }
    Ok(())
}

/// Installs the package at `path` into `plugins_dir` after loading it once (so a broken
/// package is refused before it is copied). Returns the installed template's manifest.
pub fn install(catalog: &mut Catalog, path: &Path, plugins_dir: &Path) -> Result<package::Manifest, ReportError> {
    let (package, plugin, dir) = install_checked(catalog, path, plugins_dir)?;
    let manifest = package.manifest.clone();
    catalog.templates.push(Template { package: Package { source: Source::Installed(dir), ..package }, plugin });
    Ok(manifest)
}

/// [`install`] without changing `catalog` (which a running report may share): the package is
/// loaded once with the catalog's host, checked against its ids and copied; load the catalog
/// again to use it.
pub fn install_package(catalog: &Catalog, path: &Path, plugins_dir: &Path) -> Result<package::Manifest, ReportError> {
    let (package, _, _) = install_checked(catalog, path, plugins_dir)?;
    Ok(package.manifest)
}

fn install_checked(
    catalog: &Catalog,
    path: &Path,
    plugins_dir: &Path,
) -> Result<(Package, Plugin, std::path::PathBuf), ReportError> {
    let package = package::read(path)?;
    let plugin = catalog.host.load(&package.wasm, &package.manifest.id)?;
    check_package(&package, &plugin)?;
    let dir = package::install(&package, plugins_dir, &catalog.ids())?;
    Ok((package, plugin, dir))
}

/// Parameter values with defaults filled in; unknown keys and missing required values refused.
pub fn resolve_params(template: &Template, given: &[(String, String)]) -> Result<Vec<(String, String)>, ReportError> {
    let specs = &template.plugin.info.parameters;
    if let Some((key, _)) = given.iter().find(|(key, _)| !specs.iter().any(|s| &s.key == key)) {
        let known: Vec<&str> = specs.iter().map(|s| s.key.as_str()).collect();
        return Err(ReportError::Param {
            key: key.clone(),
            why: format!("模板没有这个参数（可用：{}）", known.join("、")),
        });
    }
    let mut values = Vec::new();
    for spec in specs {
        let value = given
            .iter()
            .rev()
            .find(|(key, _)| key == &spec.key)
            .map(|(_, v)| v.clone())
            .or_else(|| spec.default_value.clone());
        match value {
            Some(value) => values.push((spec.key.clone(), value)),
            None if spec.required => {
                return Err(ReportError::Param {
                    key: spec.key.clone(), why: format!("必须填写“{}”", spec.label)
                });
            }
            None => {}
        }
    }
    Ok(values)
}

/// The parameter by which a template asks for full ID and phone numbers, and its values.
pub const PERSONAL_DATA_PARAM: &str = "personal_data";
/// The value of [`PERSONAL_DATA_PARAM`] that asks for full numbers.
pub const PERSONAL_DATA_SHOW: &str = "显示";

/// Whether `params` ask the template for full ID and phone numbers (which then needs [`Consent`]).
pub fn asks_personal_data(params: &[(String, String)]) -> bool {
    params.iter().any(|(k, v)| k == PERSONAL_DATA_PARAM && v.trim() == PERSONAL_DATA_SHOW)
}

/// The unit documents are issued under: the `unit_name` setting, `本单位` until it is set.
pub fn unit_name(store: &Store) -> Result<String, ReportError> {
    Ok(store.setting("unit_name")?.unwrap_or_else(|| "本单位".to_owned()))
}

/// Records in the audit log, one row per file, that `template` was exported with `params` to
/// `paths`, noting when full ID and phone numbers went into the documents.
pub fn record_exports(
    store: &mut Store,
    template: &str,
    params: &[(String, String)],
    paths: &[std::path::PathBuf],
) -> Result<(), ReportError> {
    let note = if asks_personal_data(params) { "（含完整身份证号、手机号）" } else { "" };
    store.write(|w| {
        for path in paths {
            w.record_export("report", None, &format!("{template}{note}：{}", path.display()))?;
        }
        Ok::<_, ReportError>(())
    })
}

/// Whether the user confirmed that full ID and phone numbers may go into this document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// No confirmation: numbers stay masked, and a template asking for them is refused.
    None,
    /// The user confirmed (the app's dialog, or `--show-personal-data`).
    PersonalDataConfirmed,
}

/// Builds the request for `template`: parameters, the host's timestamp and unit name, and the
/// records of the kinds the template declared, only if its package was granted them, within what
/// its branch and member parameters scope. ID and phone numbers are masked unless the template's
/// `personal_data` parameter asks for them and `consent` confirms it.
pub fn build_request(
    store: &Store,
    rules: &RuleSet,
    template: &Template,
    params: Vec<(String, String)>,
    generated_at: NaiveDateTime,
    consent: Consent,
) -> Result<RenderRequest, ReportError> {
    let asks = asks_personal_data(&params);
    if asks && consent != Consent::PersonalDataConfirmed {
        return Err(ReportError::Param {
            key: PERSONAL_DATA_PARAM.into(),
            why: "模板要求显示完整的身份证号和手机号，须经确认（命令行加 --show-personal-data）".into(),
        });
    }
    let unmasked = asks && consent == Consent::PersonalDataConfirmed;
    let granted = template.package.manifest.granted();
    let needs = &template.plugin.info.needs;
    let missing: Vec<&str> =
        needs.iter().filter(|k| !granted.contains(k)).map(|k| package::permission_label(*k)).collect();
    if !missing.is_empty() {
        return Err(PluginError::NotPermitted(missing.join("、")).into());
    }
    if needs.contains(&RecordKind::Committee) {
        return Err(ReportError::CommitteeOnly(template.plugin.info.id.clone()));
    }
    request_for(store, rules, &template.plugin.info, params, generated_at, unmasked)
}

/// `branch`, the organizations above it and those below it (its groups).
fn own_tree(organizations: &[Stored<OrgId, Organization>], branch: OrgId) -> Vec<OrgId> {
    let parent = |id| organizations.iter().find(|o| o.id == id).and_then(|o| o.record.parent);
    let mut seen = vec![branch];
    let mut above = parent(branch);
    // The tree has no cycles (the store refuses them); the bound only keeps a damaged file finite.
    while let Some(id) = above.filter(|id| !seen.contains(id) && seen.len() <= organizations.len()) {
        seen.push(id);
        above = parent(id);
    }
    let below = |id: OrgId| {
        let mut up = Some(id);
        for _ in 0..=organizations.len() {
            match up {
                Some(at) if at == branch => return true,
                Some(at) => up = parent(at),
                None => return false,
            }
        }
        false
    };
    seen.extend(organizations.iter().map(|o| o.id).filter(|&id| id != branch && below(id)));
    seen
}

/// The request a template described by `info` receives with `params`: the records of the kinds
/// it declares, within what its branch, member and year parameters scope, personal data masked
/// unless `unmasked` (the caller has checked the permissions and the user's consent). Also the
/// sample request `zhibu plugin new --from-docx` writes.
pub fn request_for(
    store: &Store,
    rules: &RuleSet,
    info: &crate::plugin_host::TemplateInfo,
    params: Vec<(String, String)>,
    generated_at: NaiveDateTime,
    unmasked: bool,
) -> Result<RenderRequest, ReportError> {
    let needs = &info.needs;
    let want = |kind: RecordKind| needs.contains(&kind);
    let year_key = info.parameters.iter().find(|p| p.kind == ParamKind::Year).map(|p| p.key.clone());
    let year = match &year_key {
        Some(key) => params.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.trim().parse::<i32>().ok()),
        None => None,
    };
    // A template with a branch parameter sees that branch's records only (less to pass, and
    // nothing of other branches' members).
    let mut scope: Option<zhibu_core::domain::OrgId> = None;
    for spec in info.parameters.iter().filter(|p| p.kind == ParamKind::Branch) {
        if let Some((_, value)) = params.iter().find(|(k, _)| k == &spec.key) {
            let id =
                value.trim().parse::<i64>().map_err(|_| ReportError::Param {
                    key: spec.key.clone(),
                    why: format!("应为党支部编号：{value}"),
                })?;
            scope = Some(zhibu_core::domain::OrgId(id));
        }
    }
    // A template with a member parameter given (a certificate for one member) sees that member and
    // the activities they served in, not the whole installation's (less to copy into the sandbox,
    // and nothing of other members).
    let mut member_scope: Option<i64> = None;
    for spec in info.parameters.iter().filter(|p| p.kind == ParamKind::Member) {
        if let Some((_, value)) = params.iter().find(|(k, _)| k == &spec.key).filter(|(_, v)| !v.trim().is_empty()) {
            let id = value
                .trim()
                .parse::<i64>()
                .map_err(|_| ReportError::Param {
                    key: spec.key.clone(), why: format!("应为党员编号：{value}")
                })?;
            member_scope = Some(id);
        }
    }
    // The year's records; the rules' look back before it (participation) reads the days present
    // the store keeps, not the meetings of the months before.
    let (from, to) = match year {
        Some(year) => (
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
        ),
        None => (NaiveDate::MIN, NaiveDate::MAX),
    };
    let in_year = |date: NaiveDate| year.is_none_or(|y| chrono::Datelike::year(&date) == y);
    let mut records = convert::empty_records();
    // Meetings with every detail when the template reads them: the rules need only a summary,
    // and loading the same meetings twice was a third of a duty review's time. Volunteer
    // activities from the beginning when the template reads them: certificates and star levels
    // need cumulative hours.
    let activities_from = match want(RecordKind::VolunteerActivities) {
        true => NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN),
        false => from,
    };
    let detailed = want(RecordKind::Meetings);
    let mut ledger = match year {
        Some(year) => store.report_ledger(year, rules::needed_from(rules, year), activities_from, scope, detailed)?,
        None if detailed => store.detailed_ledger_for(from, to, scope)?,
        None => store.ledger_for(from, to, scope)?,
    };
    if let Some(branch) = scope {
        let is_branch = ledger.organizations.iter().any(|o| o.id == branch && o.record.kind == OrgKind::Branch);
        if !is_branch {
            return Err(ReportError::Service(zhibu_core::services::ServiceError::UnknownBranch(branch.0)));
        }
    }
    if want(RecordKind::VolunteerActivities) {
        records.volunteer_activities = ledger
            .volunteer_activities
            .iter()
            .filter(|a| a.record.date >= activities_from)
            .map(convert::volunteer_activity)
            .collect();
        // The rules count the year's service only.
        ledger.volunteer_activities.retain(|a| (from..=to).contains(&a.record.date));
    }
    if want(RecordKind::Organizations) {
        // A branch's template sees its own part of the tree: the organizations above the branch
        // (whose names head its documents), the branch and its groups, and their terms; not the
        // other branches' (on the demo set the whole tree and its terms were about 2,000 strings
        // copied into every branch's render).
        // (A member's certificate likewise sees the tree around that member's branch: see
        // `narrow_to_member`.)
        let seen = scope.map(|branch| own_tree(&ledger.organizations, branch));
        let shown = |id: OrgId| seen.as_ref().is_none_or(|seen| seen.contains(&id));
        records.organizations =
            ledger.organizations.iter().filter(|o| shown(o.id)).map(convert::organization).collect();
        records.terms = ledger.terms.iter().filter(|t| shown(t.record.org)).map(|t| convert::term(&t.record)).collect();
    }
    if want(RecordKind::Members) {
        records.members = ledger.members.iter().map(|m| convert::member(m, unmasked)).collect();
    }
    if want(RecordKind::Meetings) {
        records.meetings = ledger
            .meetings
            .iter()
            .filter(|m| in_year(m.record.date()))
            .map(|m| {
                let verdict = rules::meeting_verdict(rules, &m.record, &ledger.members);
                let quorum = verdict.as_ref().map(|v| crate::plugin_host::Quorum {
                    expected: v.expected,
                    present: v.present,
                    met: v.quorum_met,
                    rule: v.quorum_rule.clone(),
                    vote_rule: v.vote_rule.clone(),
                    clause: v.clause.clone(),
                });
                convert::meeting(m, quorum, verdict.as_ref().map_or(&[], |v| v.passed.as_slice()))
            })
            .collect();
    }
    if let Some(year) = year {
        if want(RecordKind::DutyReviews) {
            let reviews = match scope {
                Some(branch) => store.branch_duty_reviews(year, branch)?,
                None => store.duty_reviews(year)?,
            };
            records.duty_reviews = reviews
                .iter()
                .map(|d| {
                    let b = d.record.ballots;
                    let by_ballots = (b.excellent + b.good + b.fair + b.poor > 0)
                        .then(|| rules::review_grade(&d.record.ballots, &rules.duty_review).0);
                    convert::duty_review(d, by_ballots)
                })
                .collect();
        }
        if want(RecordKind::Appraisals) {
            let appraisals = match scope {
                Some(branch) => store.branch_appraisals(year, branch)?,
                None => store.appraisals(year)?,
            };
            records.appraisals = appraisals.iter().map(|a| convert::appraisal(&a.record)).collect();
        }
        if want(RecordKind::StarRatings) {
            // Each sheet's board: stars, ranks, moves and quotas as the host reckons them, over the
            // subjects of the branch in scope (or every branch's).
            let subjects = store.subjects()?;
            let versions = store.rating_schemes()?;
            for current in store.current_rating_schemes()? {
                let key = &current.record.key;
                let board = zhibu_core::services::rating::board(store, key, year, scope)?;
                for row in &board.rows {
                    if let Some(subject) = subjects.iter().find(|s| s.id == row.subject) {
                        records.star_ratings.push(convert::star_rating(row, key, &subject.record));
                    }
                }
                records.quota_checks.extend(board.quotas.iter().map(|q| convert::quota_check(q, key)));
                // The contract names a sheet by its key: the version the year was scored on goes.
                let used = board.rows.iter().map(|r| r.scheme).max();
                let sheet = used.and_then(|id| versions.iter().find(|v| v.id == id)).unwrap_or(&current);
                records.schemes.push(convert::scheme(&sheet.record));
            }
        }
        if want(RecordKind::Dues) {
            let as_of = generated_at.date().min(to);
            let branches: Vec<zhibu_core::domain::OrgId> = match scope {
                Some(branch) => vec![branch],
                None => {
                    ledger.organizations.iter().filter(|o| o.record.kind == OrgKind::Branch).map(|o| o.id).collect()
                }
            };
            for branch in branches {
                let dues = zhibu_core::services::dues::branch_dues(store, rules, branch, year, as_of)?;
                records.dues.extend(dues.members.iter().map(convert::member_dues));
            }
        }
        if want(RecordKind::Compliance) {
            let as_of = generated_at.date().min(to);
            // A branch's ledger holds only its own meetings: other branches would look empty.
            records.compliance =
                rules::evaluate(&ledger, rules, year, as_of, scope).iter().map(compliance_record).collect();
        }
    }
    if want(RecordKind::Elections) {
        let election_rules = rules.election_rules();
        records.elections = store
            .elections(scope)?
            .iter()
            .filter(|e| in_year(e.record.held_on))
            .map(|e| convert::election(e, election_rules))
            .collect();
    }
    if want(RecordKind::Volunteers) {
        let teams = store.service_teams(scope)?;
        records.service_teams = teams
            .iter()
            .map(|t| crate::plugin_host::ServiceTeam {
                id: t.id.0,
                branch: t.record.branch.0,
                name: t.record.name.clone(),
                leader: t.record.leader.clone(),
            })
            .collect();
        records.volunteers = store
            .volunteers(scope)?
            .iter()
            .map(|v| {
                let team =
                    v.record.team.and_then(|id| teams.iter().find(|t| t.id == id)).map(|t| t.record.name.as_str());
                convert::volunteer(v, team, unmasked)
            })
            .collect();
    }
    if let Some(member) = member_scope {
        let branch = ledger.members.iter().find(|m| m.id.0 == member).map(|m| m.record.branch);
        narrow_to_member(&mut records, &ledger.organizations, member, branch.filter(|_| scope.is_none()));
    }
    // A meeting given (the key the per-meeting batch fills) scopes the meetings the same way.
    if let Some(meeting) = meeting_scope(info, &params) {
        records.meetings.retain(|m| m.id == meeting);
    }
    Ok(RenderRequest {
        params: params.into_iter().map(|(key, value)| crate::plugin_host::Param { key, value }).collect(),
        generated_at: generated_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        unit_name: unit_name(store)?,
        records,
        rules: rule_figures(rules),
    })
}

/// Narrows a request's records to one member's (a certificate for one member, or each of a
/// volunteer batch's renders): that member, the volunteer activities they served in and their
/// dues; and, given the member's `branch` (none when a branch parameter scoped the request
/// already), the tree around that branch and its terms. Less to copy into the sandbox, and
/// nothing of other members.
fn narrow_to_member(
    records: &mut plugin_host::Records,
    organizations: &[Stored<OrgId, Organization>],
    member: i64,
    branch: Option<OrgId>,
) {
    records.members.retain(|m| m.id == member);
    records.volunteer_activities.retain(|a| a.participants.iter().any(|p| p.member == member));
    records.dues.retain(|d| d.member == member);
    if let Some(branch) = branch {
        let seen = own_tree(organizations, branch);
        records.organizations.retain(|o| seen.contains(&OrgId(o.id)));
        records.terms.retain(|t| seen.contains(&OrgId(t.org)));
    }
}

/// Everything one render needs: the records, the rules, the templates, which template with which
/// parameters, the generation time, the cancel token and the user's answer about personal data.
#[derive(Clone, Copy)]
pub struct RenderArgs<'a> {
    /// The records.
    pub store: &'a Store,
    /// The rules compliance figures come from.
    pub rules: &'a RuleSet,
    /// The templates.
    pub catalog: &'a Catalog,
    /// The template to render.
    pub template_id: &'a str,
    /// Parameter values as given.
    pub params: &'a [(String, String)],
    /// The host's generation time.
    pub generated_at: NaiveDateTime,
    /// Interrupts the plugin.
    pub cancel: &'a CancelToken,
    /// The user's answer about full ID and phone numbers.
    pub consent: Consent,
}

/// Renders `template_id` with `params` over the store's records, personal data masked.
pub fn render(
    store: &Store,
    rules: &RuleSet,
    catalog: &Catalog,
    template_id: &str,
    params: &[(String, String)],
    generated_at: NaiveDateTime,
    cancel: &CancelToken,
) -> Result<RenderOutcome, ReportError> {
    render_one(&RenderArgs { store, rules, catalog, template_id, params, generated_at, cancel, consent: Consent::None })
}

/// Renders one document as `args` ask, personal data as the consent allows.
pub fn render_one(args: &RenderArgs<'_>) -> Result<RenderOutcome, ReportError> {
    let template = args.catalog.get(args.template_id)?;
    let params = resolve_params(template, args.params)?;
    let request = build_request(args.store, args.rules, template, params, args.generated_at, args.consent)?;
    let mut outcome = args.catalog.host.render(&template.plugin, &request, args.cancel)?;
    for note in host_notes(&request) {
        outcome.log.host_note(note);
    }
    Ok(outcome)
}

/// One document of the committee's: which template, with which parameters, issued by which unit.
#[derive(Clone, Copy)]
pub struct CommitteeArgs<'a> {
    /// The templates.
    pub catalog: &'a Catalog,
    /// The rules whose figures the request carries.
    pub rules: &'a RuleSet,
    /// The template to render.
    pub template_id: &'a str,
    /// Parameter values as given.
    pub params: &'a [(String, String)],
    /// The committee issuing the document.
    pub unit_name: &'a str,
    /// The host's generation time.
    pub generated_at: NaiveDateTime,
    /// Interrupts the plugin.
    pub cancel: &'a CancelToken,
}

/// Renders a template in the committee's scope: the request holds the committee's roll-up across
/// its branches (`committee`) and nothing of any branch's own records. The template must ask for
/// nothing but the roll-up and be granted the cross-branch permission.
pub fn render_committee(
    args: &CommitteeArgs<'_>,
    committee: plugin_host::CommitteeRecords,
) -> Result<RenderOutcome, ReportError> {
    let CommitteeArgs { catalog, rules, template_id, params, unit_name, generated_at, cancel } = *args;
    let template = catalog.get(template_id)?;
    let needs = &template.plugin.info.needs;
    let beyond: Vec<&str> =
        needs.iter().filter(|k| **k != RecordKind::Committee).map(|k| package::permission_label(*k)).collect();
    if !beyond.is_empty() {
        return Err(ReportError::BranchOnly { kinds: beyond.join("、"), template: template_id.to_owned() });
    }
    if !template.package.manifest.granted().contains(&RecordKind::Committee) {
        return Err(PluginError::NotPermitted(package::permission_label(RecordKind::Committee).to_owned()).into());
    }
    let params = resolve_params(template, params)?;
    let mut records = convert::empty_records();
    records.committee = Some(committee);
    let request = RenderRequest {
        params: params.into_iter().map(|(key, value)| plugin_host::Param { key, value }).collect(),
        generated_at: generated_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        unit_name: unit_name.trim().to_owned(),
        records,
        rules: rule_figures(rules),
    };
    Ok(catalog.host.render(&template.plugin, &request, cancel)?)
}

/// What a batch (a file a branch, a meeting or a volunteer) made: the documents rendered, each
/// with its name (the branch's name, `YYYY-MM-DD 会议名称` or `党支部 姓名`), and those the template declined, each
/// with the template's reason (missing records; for meetings, see [`render_each_meeting`]), in
/// order. The command line and the window list what was not made and why.
#[derive(Debug, Default)]
pub struct Batch {
    /// Rendered, in order.
    pub made: Vec<(String, RenderOutcome)>,
    /// Declined by the template, in order: the name and the template's own message.
    pub skipped: Vec<(String, String)>,
}

/// Renders `args.template_id` once for every branch (its branch parameter set to each), across
/// the cores: each worker reads through its own connection to the database and runs the template
/// in its own store. Results come in the branches' order; a branch the template refuses (its
/// error says why) goes to [`Batch::skipped`] with that reason. An in-memory database has no
/// file to share and is read serially.
pub fn render_each_branch(args: &RenderArgs<'_>) -> Result<Batch, ReportError> {
    let template = args.catalog.get(args.template_id)?;
    let Some(key) = template.plugin.info.parameters.iter().find(|p| p.kind == ParamKind::Branch).map(|p| p.key.clone())
    else {
        return Err(ReportError::Param {
            key: "branch".into(),
            why: format!("模板 {} 没有党支部参数，不能按支部逐个生成", args.template_id),
        });
    };
    let branches: Vec<(i64, String)> = args
        .store
        .organizations()?
        .into_iter()
        .filter(|o| o.record.kind == OrgKind::Branch)
        .map(|o| (o.id.0, o.record.name))
        .collect();
    let given = |branch: i64| {
        let mut these: Vec<(String, String)> = args.params.iter().filter(|(k, _)| *k != key).cloned().collect();
        these.push((key.clone(), branch.to_string()));
        these
    };
    let (rules, generated_at, consent, cancel) = (args.rules, args.generated_at, args.consent, args.cancel);
    let host = &args.catalog.host;
    let one = |store: &Store, branch: i64| -> Result<RenderOutcome, ReportError> {
        let params = resolve_params(template, &given(branch))?;
        let request = build_request(store, rules, template, params, generated_at, consent)?;
        let mut outcome = host.render(&template.plugin, &request, cancel)?;
        for note in host_notes(&request) {
            outcome.log.host_note(note);
        }
        Ok(outcome)
    };
    let path = args.store.path().to_owned();
    let outcomes: Vec<Result<RenderOutcome, ReportError>> = if path == Path::new(":memory:") {
        branches.iter().map(|(id, _)| one(args.store, *id)).collect()
    } else {
        // Each worker reads through a connection of its own, kept by the store for the next batch.
        let readers = args.store.readers();
        host.in_parallel_with(
            branches.len(),
            || readers.lend(),
            |reader, i| match reader {
                Ok(store) => one(store, branches[i].0),
                Err(error) => {
                    Err(ReportError::Io { path: path.clone(), source: std::io::Error::other(error.to_string()) })
                }
            },
            |reader| {
                if let Ok(store) = reader {
                    readers.give_back(store);
                }
            },
        )
    };
    let mut batch = Batch::default();
    for ((_, name), outcome) in branches.into_iter().zip(outcomes) {
        match outcome {
            Ok(outcome) => batch.made.push((name, outcome)),
            Err(ReportError::Plugin(PluginError::Render(why))) => batch.skipped.push((name, why)),
            Err(other) => return Err(other),
        }
    }
    Ok(batch)
}

/// The rule figures a document may print (the user's overrides included).
pub fn rule_figures(rules: &RuleSet) -> crate::plugin_host::RuleFigures {
    crate::plugin_host::RuleFigures {
        volunteer_star_hours: rules.volunteer_stars.hours.clone(),
        volunteer_star_clause: rules.volunteer_stars.clause.clone(),
        dues_flag_months: rules.dues.months,
        dues_clause: rules.dues.clause.clone(),
        version: rules.version.clone(),
    }
}

/// What the user should know about the records a document was made from: a duty review whose
/// stored grade differs from what the rules make of its ballots (the document prints the stored one).
fn host_notes(request: &RenderRequest) -> Vec<String> {
    let label = |code: &Option<String>| {
        code.as_deref()
            .and_then(|c| {
                serde_json::from_value::<zhibu_core::domain::ReviewGrade>(serde_json::Value::String(c.into())).ok()
            })
            .map_or("", |g| g.label())
    };
    request
        .records
        .duty_reviews
        .iter()
        .filter(|d| d.grade_differs)
        .map(|d| {
            let name =
                request.records.members.iter().find(|m| m.id == d.subject).map_or(String::new(), |m| m.name.clone());
            format!(
                "{}年度述职评议保存的综合评价等次“{}”与民主测评票数按规则得出的“{}”不同，文书按保存的等次打印：{name}",
                d.year,
                label(&d.overall_grade),
                label(&d.ballot_grade)
            )
        })
        .collect()
}

/// The meeting a template's `meeting` parameter names, when given.
fn meeting_scope(info: &crate::plugin_host::TemplateInfo, params: &[(String, String)]) -> Option<i64> {
    info.parameters.iter().find(|p| p.key == "meeting")?;
    let (_, value) = params.iter().rev().find(|(k, _)| k == "meeting")?;
    value.trim().parse().ok()
}

/// Renders a per-meeting template once for every meeting of the branch and year given in
/// `params` (the template needs a `meeting` parameter). Meetings the template's own filters
/// leave out are its selection and are not listed, unless none is left: then every meeting goes
/// to [`Batch::skipped`] with the template's reason. Each result is named `YYYY-MM-DD 会议名称`
/// (made safe for file names by `export::file_name`).
pub fn render_each_meeting(args: &RenderArgs<'_>) -> Result<Batch, ReportError> {
    let template_id = args.template_id;
    let template = args.catalog.get(template_id)?;
    if !template.plugin.info.parameters.iter().any(|p| p.key == "meeting") {
        return Err(ReportError::Param {
            key: "meeting".into(),
            why: format!("模板 {template_id} 不能按会议逐个生成"),
        });
    }
    let params = args.params;
    let value = |key: &str| params.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned());
    let branch = value("branch").and_then(|b| b.parse::<i64>().ok());
    let year = value("year").and_then(|y| y.parse::<i32>().ok());
    let (Some(branch), Some(year)) = (branch, year) else {
        return Err(ReportError::Param { key: "branch".into(), why: "逐个生成须给出党支部和年度".into() });
    };
    let filter = MeetingFilter {
        branch: Some(zhibu_core::domain::OrgId(branch)),
        from: NaiveDate::from_ymd_opt(year, 1, 1),
        to: NaiveDate::from_ymd_opt(year, 12, 31),
        ..MeetingFilter::default()
    };
    let meetings = args.store.meetings(&filter)?;
    let Some(first) = meetings.first() else { return Ok(Batch::default()) };
    // The reads and the rules run once for the batch (the branch's year), then each render
    // receives its own meeting only, as a single render given that meeting does: copying the
    // year's meetings into the sandbox for every one of them was most of a render's time.
    let these: Vec<(String, String)> = params.iter().filter(|(k, _)| k != "meeting").cloned().collect();
    let resolved = resolve_params(template, &these)?;
    let mut request = build_request(args.store, args.rules, template, resolved, args.generated_at, args.consent)?;
    let notes = host_notes(&request);
    let year_meetings = std::mem::take(&mut request.records.meetings);
    request.params.push(crate::plugin_host::Param { key: "meeting".into(), value: first.id.0.to_string() });
    let host = &args.catalog.host;
    let outcomes = host.in_parallel(meetings.len(), |i| {
        let id = meetings[i].id.0;
        let mut request = request.clone();
        request.records.meetings = year_meetings.iter().filter(|m| m.id == id).cloned().collect();
        for param in request.params.iter_mut().filter(|p| p.key == "meeting") {
            param.value = id.to_string();
        }
        host.render(&template.plugin, &request, args.cancel)
    });
    // Named as its file will be: the export's one rule for names Windows accepts.
    let names = meetings.iter().map(|m| super::export::file_name(&format!("{} {}", m.record.date(), m.record.title)));
    let mut batch = collect(names.zip(outcomes), &notes)?;
    // The template's own filters (a month, a type) are the user's choice of meetings: those they
    // leave out are not listed once anything was made (a month's batch would list the other
    // eleven months). When nothing was made, each meeting is listed with the template's reason.
    if !batch.made.is_empty() {
        batch.skipped.clear();
    }
    Ok(batch)
}

/// Renders a per-member template (one with a member parameter, as the volunteer certificate)
/// once for every member who served in a volunteer activity in the year given in `params`, branch
/// by branch, across the cores. The records are read once; each render receives them
/// narrowed to its member, exactly as a single render given that member does. A template's
/// `serial` parameter, when it has one, counts up from the value given (or its default): each
/// certificate gets its own number. Each result is named `党支部名称 姓名` (with the member's
/// number added where two would share a name); a member the template declines goes to
/// [`Batch::skipped`] with its reason.
pub fn render_each_volunteer(args: &RenderArgs<'_>) -> Result<Batch, ReportError> {
    let template_id = args.template_id;
    let template = args.catalog.get(template_id)?;
    let info = &template.plugin.info;
    let Some(key) = info.parameters.iter().find(|p| p.kind == ParamKind::Member).map(|p| p.key.clone()) else {
        return Err(ReportError::Param {
            key: "member".into(),
            why: format!("模板 {template_id} 没有党员参数，不能按志愿者逐个生成"),
        });
    };
    let params = args.params;
    let value = |key: &str| params.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned());
    let Some(year) = value("year").and_then(|y| y.parse::<i32>().ok()) else {
        return Err(ReportError::Param { key: "year".into(), why: "按志愿者逐个生成须给出年度".into() });
    };
    let (from, to) = match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
        (Some(from), Some(to)) => (from, to),
        _ => return Err(ReportError::Param { key: "year".into(), why: format!("年度不正确：{year}") }),
    };
    let served: std::collections::HashSet<i64> = args
        .store
        .volunteer_activities(from, to)?
        .iter()
        .flat_map(|a| a.record.participants.iter().map(|p| p.member.0))
        .collect();
    let organizations = args.store.organizations()?;
    let branch_name =
        |id: OrgId| organizations.iter().find(|o| o.id == id).map_or(String::new(), |o| o.record.name.clone());
    let mut volunteers: Vec<(i64, OrgId, String)> = args
        .store
        .members(None)?
        .into_iter()
        .filter(|m| served.contains(&m.id.0))
        .map(|m| (m.id.0, m.record.branch, format!("{} {}", branch_name(m.record.branch), m.record.name)))
        .collect();
    // Branch by branch, in the tree's order; each branch's members by their numbers.
    volunteers.sort_by_key(|(id, branch, _)| (organizations.iter().position(|o| o.id == *branch), *id));
    // The records are read and the rules run once; the member parameter is filled per render.
    let these: Vec<(String, String)> = params.iter().filter(|(k, _)| *k != key).cloned().collect();
    let resolved = resolve_params(template, &these)?;
    let request = build_request(args.store, args.rules, template, resolved, args.generated_at, args.consent)?;
    let notes = host_notes(&request);
    let serial_from = info.parameters.iter().find(|p| p.key == SERIAL_PARAM).map(|spec| {
        let given = request.params.iter().find(|p| p.key == SERIAL_PARAM).map(|p| p.value.trim().to_owned());
        given.or_else(|| spec.default_value.clone()).and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(1)
    });
    let host = &args.catalog.host;
    let outcomes = host.in_parallel(volunteers.len(), |i| {
        let (member, branch, _) = &volunteers[i];
        let mut request = request.clone();
        request.params.retain(|p| p.key != key && (serial_from.is_none() || p.key != SERIAL_PARAM));
        request.params.push(crate::plugin_host::Param { key: key.clone(), value: member.to_string() });
        if let Some(first) = serial_from {
            let serial = first + i64::try_from(i).unwrap_or(i64::MAX - first);
            request.params.push(crate::plugin_host::Param { key: SERIAL_PARAM.into(), value: serial.to_string() });
        }
        narrow_to_member(&mut request.records, &organizations, *member, Some(*branch));
        host.render(&template.plugin, &request, args.cancel)
    });
    // Two members of a branch may share a name: their files may not.
    let mut uses: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (_, _, name) in &volunteers {
        *uses.entry(name.as_str()).or_default() += 1;
    }
    let names = volunteers.iter().map(|(member, _, name)| {
        let shared = uses.get(name.as_str()).is_some_and(|&n| n > 1);
        super::export::file_name(&if shared { format!("{name} {member}") } else { name.clone() })
    });
    collect(names.zip(outcomes), &notes)
}

/// A batch's renders in order, each with its name: what was made (with the host's `notes` in its
/// log), and what the template declined with its reason; any other failure ends the batch.
fn collect(
    renders: impl Iterator<Item = (String, Result<RenderOutcome, PluginError>)>,
    notes: &[String],
) -> Result<Batch, ReportError> {
    let mut batch = Batch::default();
    for (name, outcome) in renders {
        match outcome {
            Ok(mut outcome) => {
                for note in notes {
                    outcome.log.host_note(note.clone());
                }
                batch.made.push((name, outcome));
            }
            Err(PluginError::Render(why)) => batch.skipped.push((name, why)),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(batch)
}

/// The parameter a per-volunteer batch numbers its documents by (see [`render_each_volunteer`]).
const SERIAL_PARAM: &str = "serial";

/// Stores the rating schemes templates provide, once per key, so the user can score with them.
pub fn sync_schemes(store: &mut Store, catalog: &Catalog) -> Result<usize, ReportError> {
    let existing: Vec<String> = store.rating_schemes()?.into_iter().map(|s| s.record.key).collect();
    let mut added = 0;
    for template in &catalog.templates {
        for scheme in &template.plugin.info.schemes {
            if existing.contains(&scheme.key) {
                continue;
            }
            let Some(scheme) = convert::scheme_from(scheme, &template.plugin.info.id) else { continue };
            store.write(|w| w.create_rating_scheme(&scheme))?;
            added += 1;
        }
    }
    Ok(added)
}

/// One branch's compliance result, as the contract passes it (a template's figures then match
/// `zhibu compliance` exactly).
pub fn compliance_record(c: &rules::BranchCompliance) -> plugin_host::BranchCompliance {
    plugin_host::BranchCompliance {
        branch: c.branch.0,
        meetings: c
            .meetings
            .iter()
            .map(|t| plugin_host::MeetingTally {
                kind: t.kind.code().to_owned(),
                label: t.label.clone(),
                required: t.required,
                held: t.held,
                missing: t.missing.clone(),
                clause: t.clause.clone(),
            })
            .collect(),
        attendance_rate: c.attendance_rate,
        volunteer_activities: c.volunteer_activities,
        volunteer_hours: c.volunteer_hours,
        findings: c
            .findings
            .iter()
            .map(|f| plugin_host::Finding {
                code: convert::code(&f.code),
                severity: convert::code(&f.severity),
                message: f.message.clone(),
                clause: f.clause.clone(),
            })
            .collect(),
    }
}
