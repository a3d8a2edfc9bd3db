//! `zhibu sync …`: this PC's side of reporting up. `id` shows the installation's id and each
//! branch's UUID and change counter — what the committee registers a branch under.

use anyhow::Result;
use clap::Subcommand;
use zhibu_core::domain::OrgKind;
use zhibu_core::store::Store;

/// `zhibu sync …`.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// 显示本机安装标识和各支部的标识（UUID）、变更计数（上级登记支部时用）
    Id,
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
    }
    Ok(())
}
