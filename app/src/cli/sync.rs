//! `zhibu sync …`: this PC's side of reporting up. `id` shows the installation's id and each
//! branch's UUID, change counter and public key — what the committee registers a branch under;
//! `push` sends the branch's changes since the committee's last acknowledged counter straight to
//! its server, under the branch's own login (the URL's password is never printed); `export` writes
//! the same change set as a signed package file for the offline route.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::path::PathBuf;
use zhibu_core::domain::{OrgId, OrgKind, Organization, Stored};
use zhibu_core::store::{Feedback, Route, Store};

/// `zhibu sync …`.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// 显示本机安装标识和各支部的标识（UUID）、变更计数、公钥（上级登记支部时用）
    Id,
    /// 把本支部上次报送以来的变更直接报送到上级的数据库（用上级发给本支部的账号；重复报送不会重复写入）
    Push {
        /// 上级数据库（含本支部账号，如 postgresql://账号:口令@服务器/数据库），也可用环境变量 ZHIBU_SYNC_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_SYNC_URL", hide_env_values = true)]
        to: String,
    },
    /// 取回上级对本支部的审核意见和结果（只读，显示在工作台首页）：从上级数据库（--from），或从上级发来的反馈包（--file）
    Pull {
        /// 上级数据库（含本支部账号），也可用环境变量 ZHIBU_SYNC_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_SYNC_URL", hide_env_values = true)]
        from: Option<String>,
        /// 上级发来的反馈包文件（不联网时）
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// 信任的上级公钥（首次用反馈包时写明：上级 zhibu committee key 显示，账号文件中的 committee_key）
        #[arg(long, value_name = "HEX")]
        committee_key: Option<String>,
    },
    /// 把本支部上次报送以来的变更写成签名的报送包文件（U盘或聊天软件交给上级，上级用 zhibu committee import 导入）
    Export {
        /// 报送包文件
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 导出全部记录，而不只是上次报送以来的变更（上级提示缺少变更时用）
        #[arg(long)]
        full: bool,
        /// 支部名称或标识（数据库中有多个支部时必填）
        #[arg(long, value_name = "支部")]
        branch: Option<String>,
    },
}

/// Runs one sync command on `store`.
pub fn run(store: &mut Store, command: SyncCommand) -> Result<()> {
    match command {
        SyncCommand::Id => {
            println!("安装标识\t{}", store.installation_id()?);
            for org in branches(store)? {
                let fresh = zhibu_committee::package::new_secret()?;
                let secret = store.write(|w| w.signing_secret(org.id, fresh))?;
                println!(
                    "{}\t{}\t变更计数 {}\t公钥 {}",
                    store.branch_key(Some(org.id))?,
                    org.record.name,
                    store.change_counter(Some(org.id))?,
                    zhibu_committee::package::public_key_hex(&secret)
                );
            }
        }
        SyncCommand::Push { to } => {
            let mut client = zhibu_committee::connect(&to)?;
            let (branch_uuid, acknowledged) = zhibu_committee::whoami(&mut client)?;
            let branch = own_branch(store, &branch_uuid)?;
            let after = u64::try_from(acknowledged).unwrap_or(0);
            let outgoing = crate::reporting::change_set_with(store, branch.id, after, |shas| {
                Ok(zhibu_committee::held_attachments(&mut client, &branch_uuid, shas)?)
            })?;
            warn_missing(&outgoing.missing);
            let set = outgoing.set;
            let pushed = zhibu_committee::push(&mut client, &branch_uuid, &set)?;
            store.write(|w| w.set_reported(branch.id, set.upto.max(0) as u64, Route::Push))?;
            println!(
                "已报送：{}，{} 条变更、{} 个附件文件（上级已确认到第 {} 号变更）",
                branch.record.name, pushed.sent, pushed.files, pushed.acknowledged
            );
        }
        SyncCommand::Pull { from, file, committee_key } => {
            let given = committee_key.as_deref().map(zhibu_committee::package::parse_public_key).transpose()?;
            let (branch, items, key) = match (file, from) {
                (Some(file), _) => {
                    let bytes = std::fs::read(&file).with_context(|| format!("无法读取反馈包：{}", file.display()))?;
                    let stored = store.setting(COMMITTEE_KEY)?;
                    let trusted = match (given, stored.as_deref()) {
                        (Some(key), _) => key,
                        (None, Some(stored)) => zhibu_committee::package::parse_public_key(stored)?,
                        (None, None) => bail!(
                            "本机还没有信任的上级公钥，请加 --committee-key（上级 zhibu committee key 显示）：{}",
                            file.display()
                        ),
                    };
                    let addressed = zhibu_committee::package::feedback_branch(&bytes)?;
                    let branch = own_branch(store, &addressed)?;
                    let feedback = zhibu_committee::package::open_feedback(&bytes, &trusted, &addressed)?;
                    let items = feedback
                        .items
                        .into_iter()
                        .map(|(uuid, year, topic, verdict, opinion, decided_at)| Feedback {
                            uuid,
                            year,
                            topic,
                            verdict,
                            opinion,
                            decided_at,
                        })
                        .collect();
                    (branch, items, trusted)
                }
                (None, Some(from)) => {
                    let mut client = zhibu_committee::connect(&from)?;
                    let (branch_uuid, _) = zhibu_committee::whoami(&mut client)?;
                    let branch = own_branch(store, &branch_uuid)?;
                    let key = zhibu_committee::package::parse_public_key(&zhibu_committee::package::committee_key(
                        &mut client,
                    )?)?;
                    let items = zhibu_committee::review::reviews(&mut client, None)?
                        .into_iter()
                        .map(|r| Feedback {
                            uuid: r.uuid,
                            year: r.year,
                            topic: r.topic,
                            verdict: r.verdict,
                            opinion: r.opinion,
                            decided_at: r.decided_at,
                        })
                        .collect();
                    (branch, items, key)
                }
                (None, None) => bail!("请用 --from 指定上级数据库，或用 --file 指定上级发来的反馈包"),
            };
            let key = hex_key(&key);
            let items: Vec<Feedback> = items;
            let trusted = store.setting(COMMITTEE_KEY)?;
            store.write(|w| {
                if trusted.as_deref() != Some(key.as_str()) {
                    w.set_setting(COMMITTEE_KEY, &key)?;
                }
                w.replace_feedback(branch.id, &items)
            })?;
            println!("已取回上级反馈：{}，{} 条", branch.record.name, items.len());
            for item in &items {
                println!(
                    "{}年度{}：{}{}",
                    item.year,
                    item.topic,
                    item.verdict,
                    if item.opinion.is_empty() { String::new() } else { format!("（{}）", item.opinion) }
                );
            }
        }
        SyncCommand::Export { out, full, branch } => {
            let branch = chosen_branch(store, branch.as_deref())?;
            let after = if full { 0 } else { store.reported_upto(branch.id)? };
            let outgoing = crate::reporting::change_set(store, branch.id, after)?;
            let set = outgoing.set;
            if set.rows.is_empty() {
                println!(
                    "{}自上次报送（第 {after} 号变更）以来没有变更，未写报送包（要全部重发请加 --full）",
                    branch.record.name
                );
                return Ok(());
            }
            warn_missing(&outgoing.missing);
            let fresh = zhibu_committee::package::new_secret()?;
            let secret = store.write(|w| w.signing_secret(branch.id, fresh))?;
            let bytes = zhibu_committee::package::seal(&secret, &set)?;
            // Written beside the target, then renamed: a half-written package never carries its name.
            let partial = out.with_extension("partial");
            std::fs::write(&partial, &bytes).with_context(|| format!("无法写入报送包：{}", partial.display()))?;
            std::fs::rename(&partial, &out).with_context(|| format!("无法写入报送包：{}", out.display()))?;
            store.write(|w| w.set_reported(branch.id, set.upto.max(0) as u64, Route::Package))?;
            println!(
                "已写报送包：{}，{} 条变更、{} 个附件文件（第 {} 号之后到第 {} 号），{} 字节：{}",
                branch.record.name,
                set.rows.len(),
                set.attachments.len(),
                set.after,
                set.upto,
                bytes.len(),
                out.display()
            );
        }
    }
    Ok(())
}

/// Tells the user which attachments their records name but this PC has lost: the records are
/// reported without them (holding the whole report back for a lost photo would lose more).
fn warn_missing(missing: &[String]) {
    for name in missing {
        eprintln!("警告：附件文件不在数据目录中，未随报送（可从备份恢复后再报送）：{name}");
    }
}

/// The setting holding the committee's public key this PC trusts for feedback packages (learnt
/// from the first online pull, or given once with `--committee-key`).
const COMMITTEE_KEY: &str = "committee_key";

/// 64 hex digits.
fn hex_key(key: &[u8; 32]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// The branches of this database.
fn branches(store: &Store) -> Result<Vec<Stored<OrgId, Organization>>> {
    Ok(store.organizations()?.into_iter().filter(|o| o.record.kind == OrgKind::Branch).collect())
}

/// The branch the committee knows this login as.
fn own_branch(store: &Store, branch_uuid: &str) -> Result<Stored<OrgId, Organization>> {
    for org in branches(store)? {
        if store.branch_key(Some(org.id))? == branch_uuid {
            return Ok(org);
        }
    }
    bail!("本机数据库中没有上级登记的这个支部（标识不符）：{branch_uuid}")
}

/// The branch named by `wanted` (name or UUID), or the only one.
fn chosen_branch(store: &Store, wanted: Option<&str>) -> Result<Stored<OrgId, Organization>> {
    let all = branches(store)?;
    match wanted {
        Some(wanted) => {
            let wanted = wanted.trim();
            for org in all {
                if org.record.name == wanted || store.branch_key(Some(org.id))? == wanted {
                    return Ok(org);
                }
            }
            bail!("本机数据库中没有这个支部：{wanted}")
        }
        None => match <[_; 1]>::try_from(all) {
            Ok([only]) => Ok(only),
            Err(all) if all.is_empty() => bail!("本机数据库中还没有党支部"),
            Err(all) => bail!(
                "本机数据库中有多个支部，请用 --branch 指定：{}",
                all.iter().map(|o| o.record.name.as_str()).collect::<Vec<_>>().join("、")
            ),
        },
    }
}
