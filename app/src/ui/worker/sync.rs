//! The worker's side of 上级报送: each [`SyncRequest`] carried out on `zhibu-sync`'s services
//! (the same the command line calls), the feedback refreshed where a pull brought some, and where
//! every branch stands read again for the screen and the dashboard.

use super::{Backend, Effect};
use crate::ui::reporting::SyncRequest;
use zhibu_core::services::overview::Touched;

impl Backend {
    /// Carries out `request`; returns the status-bar message and the branches' status.
    pub(super) fn sync(
        &mut self,
        request: SyncRequest,
        touched: &mut Option<Touched>,
    ) -> Result<(Option<String>, Effect), String> {
        let store = &mut self.store;
        let mut key_changed = None;
        let text = match request {
            SyncRequest::Status => None,
            SyncRequest::Registration(branch, path) => {
                let org = zhibu_sync::branches(store)
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .find(|o| o.id == branch)
                    .ok_or("这个支部已不在数据库中")?;
                let registration = zhibu_sync::registration(store, &org).map_err(|e| e.to_string())?;
                let bytes = registration.to_bytes().map_err(|e| e.to_string())?;
                std::fs::write(&path, bytes).map_err(|e| format!("无法写入登记文件：{e}：{}", path.display()))?;
                Some(format!("已写出登记文件，请交给上级：{}", path.display()))
            }
            SyncRequest::Connect(path, replace) => {
                let bytes = std::fs::read(&path).map_err(|e| format!("无法读取账号文件：{e}：{}", path.display()))?;
                match zhibu_sync::import_connection(store, &bytes, replace) {
                    Ok(connected) => Some(format!(
                        "已导入上级账号：{}，服务器 {}{}",
                        connected.branch,
                        connected.server,
                        if connected.replaced_key { "（已替换上级密钥，记入审计日志）" } else { "" }
                    )),
                    Err(zhibu_sync::SyncError::KeyChanged(_)) => {
                        key_changed = Some(path);
                        Some("账号文件中的上级密钥与本机信任的不同，请核实后确认".to_owned())
                    }
                    Err(error) => return Err(format!("导入账号文件失败：{error}")),
                }
            }
            SyncRequest::Push(branch) => {
                let org = own(store, branch)?;
                let connection = zhibu_sync::connection(store, &org).map_err(|e| format!("报送失败：{e}"))?;
                let mut client = connection.connect().map_err(|e| format!("报送失败：{e}"))?;
                let pushed = zhibu_sync::push(store, &mut client).map_err(|e| format!("报送失败：{e}"))?;
                let missing = if pushed.missing.is_empty() {
                    String::new()
                } else {
                    format!("；{}个附件文件不在本机，未随报送：{}", pushed.missing.len(), pushed.missing.join("、"))
                };
                Some(format!(
                    "已报送：{}，{} 条变更、{} 个附件文件（上级已有的附件不重发），上级已确认到第 {} 号变更{missing}",
                    pushed.branch, pushed.sent, pushed.files, pushed.acknowledged
                ))
            }
            SyncRequest::Export(branch, path) => {
                let org = own(store, branch)?;
                let exported =
                    zhibu_sync::export(store, &org, false, &path).map_err(|e| format!("导出报送包失败：{e}"))?;
                Some(if exported.changes == 0 {
                    format!("{}自上次报送以来没有变更，未写报送包", exported.branch)
                } else {
                    format!(
                        "已导出报送包（已加密，只有上级能打开）：{} 条变更、{} 个附件文件：{}",
                        exported.changes,
                        exported.files,
                        path.display()
                    )
                })
            }
            SyncRequest::Pull(branch) => {
                let org = own(store, branch)?;
                let connection = zhibu_sync::connection(store, &org).map_err(|e| format!("获取反馈失败：{e}"))?;
                let mut client = connection.connect().map_err(|e| format!("获取反馈失败：{e}"))?;
                let pulled = zhibu_sync::pull_online(store, &mut client).map_err(|e| format!("获取反馈失败：{e}"))?;
                *touched = Some(Touched::Feedback);
                Some(format!("已取回上级反馈：{}，{} 条", pulled.branch, pulled.items.len()))
            }
            SyncRequest::PullFile(path) => {
                let bytes = std::fs::read(&path).map_err(|e| format!("无法读取反馈包：{e}：{}", path.display()))?;
                let pulled = zhibu_sync::pull_file(store, &bytes, None).map_err(|e| format!("读取反馈包失败：{e}"))?;
                *touched = Some(Touched::Feedback);
                Some(format!("已读取上级反馈包：{}，{} 条", pulled.branch, pulled.items.len()))
            }
        };
        let status = zhibu_sync::status(store).map_err(|e| format!("读取报送状态失败：{e}"))?;
        Ok((text, Effect::Sync(status, key_changed)))
    }
}

/// The branch `id` of the database, as the sync services take it.
fn own(
    store: &zhibu_core::store::Store,
    id: zhibu_core::domain::OrgId,
) -> Result<zhibu_core::domain::Stored<zhibu_core::domain::OrgId, zhibu_core::domain::Organization>, String> {
    zhibu_sync::branches(store)
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| "这个支部已不在数据库中".to_owned())
}
