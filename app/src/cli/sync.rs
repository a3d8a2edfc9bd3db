//! `zhibu sync …`: this PC's side of reporting up. `id` shows the installation's id and each
//! branch's UUID and change counter — what the committee registers a branch under; `push` sends
//! the branch's changes since the committee's last acknowledged counter straight to its server,
//! under the branch's own login (the URL's password is never printed).

use anyhow::{Context, Result};
use clap::Subcommand;
use zhibu_core::domain::OrgKind;
use zhibu_core::store::Store;

/// `zhibu sync …`.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// 显示本机安装标识和各支部的标识（UUID）、变更计数（上级登记支部时用）
    Id,
    /// 把本支部上次报送以来的变更直接报送到上级的数据库（用上级发给本支部的账号；重复报送不会重复写入）
    Push {
        /// 上级数据库（含本支部账号，如 postgresql://账号:口令@服务器/数据库），也可用环境变量 ZHIBU_SYNC_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_SYNC_URL", hide_env_values = true)]
        to: String,
    },
}

/// Runs one sync command on `store`.
pub fn run(store: &Store, command: SyncCommand) -> Result<()> {
    match command {
        SyncCommand::Id => {
            println!("安装标识\t{}", store.installation_id()?);
            for org in store.organizations()?.iter().filter(|o| o.record.kind == OrgKind::Branch) {
                println!(
                    "{}\t{}\t变更计数 {}",
                    store.branch_key(Some(org.id))?,
                    org.record.name,
                    store.change_counter(Some(org.id))?
                );
            }
        }
        SyncCommand::Push { to } => {
            let mut client = zhibu_committee::connect(&to)?;
            let (branch_uuid, acknowledged) = zhibu_committee::whoami(&mut client)?;
            let mut branch = None;
            for org in store.organizations()?.iter().filter(|o| o.record.kind == OrgKind::Branch) {
                if store.branch_key(Some(org.id))? == branch_uuid {
                    branch = Some(org.clone());
                }
            }
            let branch =
                branch.with_context(|| format!("本机数据库中没有上级登记的这个支部（标识不符）：{branch_uuid}"))?;
            let after = u64::try_from(acknowledged).unwrap_or(0);
            let set = zhibu_core::services::sync::change_set(store, branch.id, after)?;
            let rows: Vec<zhibu_committee::Row> = set
                .records
                .iter()
                .map(|r| zhibu_committee::Row {
                    kind: r.kind.clone(),
                    uuid: r.uuid.clone(),
                    counter: i64::try_from(r.counter).unwrap_or(i64::MAX),
                    body: r.body.as_ref().map(ToString::to_string),
                })
                .collect();
            let upto = i64::try_from(set.upto).unwrap_or(i64::MAX);
            let pushed = zhibu_committee::push(&mut client, &branch_uuid, acknowledged, upto, &rows)?;
            println!(
                "已报送：{}，{} 条变更（上级已确认到第 {} 号变更）",
                branch.record.name, pushed.sent, pushed.acknowledged
            );
        }
    }
    Ok(())
}
