//! The committee's database (issue 17): a PostgreSQL server of the committee's (Debian's package,
//! or a PostgreSQL-compatible one), never a program of ours. This crate creates its schema through
//! numbered migrations, registers branches (a login role per branch, under row-level security, so
//! a branch's credentials write and read only its own rows), and gives the committee's role read
//! access to everything. It never touches a branch's SQLite file: records reach it as change sets.

pub mod connection;
pub mod crypt;
pub mod duty;
pub mod package;
mod push;
mod read;
pub mod review;
mod schema;

pub use package::{ChangeSet, Imported};
/// The connection every function here takes (the server's client, re-exported so callers need
/// not pin the client crate themselves).
pub use postgres::Client;
pub use push::{Attachment, Pushed, Row, held_attachments, push, whoami};
pub use read::{
    BranchEntry, Stored, StoredFile, attachment_content, attachments, branches, records_by_branch, records_of_kinds,
};
pub use schema::{BranchLogin, MIGRATIONS, add_branch, init, schema_version};

use thiserror::Error;

/// What can go wrong with the committee's database.
#[derive(Debug, Error)]
pub enum CommitteeError {
    /// The server refused or the connection failed: the server's own message and its SQLSTATE
    /// (the connection string, and so its password, is never part of it).
    #[error("委员会数据库出错：{0}")]
    Database(String),
    /// The database holds a newer schema than this program knows.
    #[error("委员会数据库的结构版本{found}比本程序支持的{supported}新，请先升级程序")]
    TooNew {
        /// The version found.
        found: i64,
        /// The newest this build creates.
        supported: i64,
    },
    /// A value given is not acceptable (the problem, then the value).
    #[error("{what}：{value}")]
    Invalid {
        /// What is wrong, in Chinese.
        what: &'static str,
        /// The offending value.
        value: String,
    },
    /// The committee acknowledged another counter than the change set starts from: a set already
    /// received (a replay) or one that skips changes (a gap: send everything again).
    #[error("报送与上级记录的进度不符：上级已确认到第{acknowledged}号变更，本次从第{after}号之后开始")]
    OutOfStep {
        /// The counter the committee acknowledged.
        acknowledged: i64,
        /// The counter the change set starts after.
        after: i64,
    },
    /// A package file could not be read (not a package, or a damaged one that no signature
    /// check could even start on).
    #[error("不是可读的支部报送包：{0}")]
    Package(String),
    /// A package's contents were changed after they were signed.
    #[error("{what}被改动过，拒绝导入：{why}")]
    Tampered {
        /// Which kind of package (报送包, 反馈包).
        what: &'static str,
        /// What does not hold.
        why: &'static str,
    },
    /// A package from a branch not registered here, or signed by another key than the
    /// registered one.
    #[error("{what}：{value}")]
    Foreign {
        /// Why it is foreign.
        what: &'static str,
        /// The branch it names.
        value: String,
    },
    /// A package whose changes the committee already acknowledged (imported before).
    #[error("报送包已导入过：包内变更到第{upto}号，上级已确认到第{acknowledged}号")]
    Replayed {
        /// The counter the package reaches.
        upto: i64,
        /// The counter the committee acknowledged.
        acknowledged: i64,
    },
    /// A package starting after changes the committee never received (an earlier package is
    /// missing, or came later): the branch should export everything.
    #[error(
        "报送包与已导入的之间缺少变更（上级已确认到第{acknowledged}号，本包从第{after}号之后开始）：请支部导出全部变更（zhibu sync export --full）"
    )]
    Gap {
        /// The counter the committee acknowledged.
        acknowledged: i64,
        /// The counter the package starts after.
        after: i64,
    },
    /// No randomness for a password or a key.
    #[error("无法生成随机数：{0}")]
    Random(String),
}

impl From<postgres::Error> for CommitteeError {
    fn from(error: postgres::Error) -> Self {
        Self::Database(match error.as_db_error() {
            Some(db) => format!("{}（{}）", db.message(), db.code().code()),
            // `source` holds the cause (refused connection, authentication); the top text is generic.
            None => std::error::Error::source(&error).map_or_else(|| error.to_string(), |cause| cause.to_string()),
        })
    }
}

/// The environment variable naming a PEM file of the root certificate a remote committee server's
/// certificate is checked against, besides the system's (a committee's own CA, a self-signed server).
pub const ROOT_CERT_VARIABLE: &str = "ZHIBU_PG_ROOT_CERT";

/// Connects to the committee's database at `url` (`postgresql://…` or `host=… user=…`), over TLS
/// whenever the server offers it (`sslmode=require` insists on it), the server's certificate checked
/// against the system's roots and the one `ZHIBU_PG_ROOT_CERT` names, if set.
pub fn connect(url: &str) -> Result<postgres::Client, CommitteeError> {
    let root = std::env::var_os(ROOT_CERT_VARIABLE).map(std::path::PathBuf::from);
    connect_with(url, root.as_deref())
}

/// [`connect`] with `root` as the extra root certificate (PEM).
pub fn connect_with(url: &str, root: Option<&std::path::Path>) -> Result<postgres::Client, CommitteeError> {
    Ok(postgres::Client::connect(url, tls(root)?)?)
}

/// Connects to `url`, first creating its database (named in the URL) when the server has none of
/// that name — what `zhibu committee init` does, so setting up is one command once PostgreSQL is
/// installed. Returns the connection and whether the database was created.
pub fn connect_creating(url: &str) -> Result<(postgres::Client, bool), CommitteeError> {
    let root = std::env::var_os(ROOT_CERT_VARIABLE).map(std::path::PathBuf::from);
    match postgres::Client::connect(url, tls(root.as_deref())?) {
        Ok(client) => Ok((client, false)),
        Err(error) if error.code() == Some(&postgres::error::SqlState::INVALID_CATALOG_NAME) => {
            let mut config: postgres::Config = url.parse()?;
            let name = config.get_dbname().unwrap_or_default().to_owned();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(CommitteeError::Invalid {
                    what: "数据库名只能用字母、数字和下划线", value: name
                });
            }
            config.dbname("postgres");
            let mut server = config.connect(tls(root.as_deref())?)?;
            // A name cannot be bound as a parameter; it was checked above.
            server.batch_execute(&format!("CREATE DATABASE {name} ENCODING 'UTF8'"))?;
            Ok((postgres::Client::connect(url, tls(root.as_deref())?)?, true))
        }
        Err(error) => Err(error.into()),
    }
}

/// The TLS connector: the system's roots, and `root` if given.
fn tls(root: Option<&std::path::Path>) -> Result<postgres_native_tls::MakeTlsConnector, CommitteeError> {
    let pem = match root {
        Some(root) => {
            let pem = std::fs::read(root).map_err(|e| CommitteeError::Invalid {
                what: "无法读取根证书文件",
                value: format!("{e}：{}", root.display()),
            })?;
            // Named by its file here; a certificate from a connection file is named by its start.
            native_tls::Certificate::from_pem(&pem).map_err(|_| CommitteeError::Invalid {
                what: "根证书文件不是PEM格式的证书",
                value: root.display().to_string(),
            })?;
            Some(pem)
        }
        None => None,
    };
    tls_with(pem.as_deref())
}

/// The TLS connector: the system's roots, and the PEM certificate `root` if given.
fn tls_with(root: Option<&[u8]>) -> Result<postgres_native_tls::MakeTlsConnector, CommitteeError> {
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(pem) = root {
        let certificate = native_tls::Certificate::from_pem(pem).map_err(|_| CommitteeError::Invalid {
            what: "根证书不是PEM格式的证书",
            value: String::from_utf8_lossy(pem).chars().take(40).collect(),
        })?;
        builder.add_root_certificate(certificate);
    }
    let connector = builder.build().map_err(|e| CommitteeError::Database(format!("TLS无法初始化：{e}")))?;
    Ok(postgres_native_tls::MakeTlsConnector::new(connector))
}

/// What a connection string names, without its password: `user@host/database`, for titles and
/// messages.
pub fn describe(url: &str) -> String {
    match url.parse::<postgres::Config>() {
        Ok(config) => {
            let host = config
                .get_hosts()
                .iter()
                .map(|h| match h {
                    postgres::config::Host::Tcp(name) => name.clone(),
                    #[cfg(unix)]
                    postgres::config::Host::Unix(path) => path.display().to_string(),
                })
                .collect::<Vec<_>>()
                .join(",");
            format!(
                "{}@{}/{}",
                config.get_user().unwrap_or(""),
                if host.is_empty() { "localhost" } else { &host },
                config.get_dbname().unwrap_or("")
            )
        }
        Err(_) => "（连接串无法解析）".to_owned(),
    }
}
