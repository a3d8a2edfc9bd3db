//! The two files that join a branch to its committee (issue 33), so that nobody types a UUID, a
//! 64-digit key or a `postgresql://` URL. The **registration file** goes up: the branch's name,
//! UUID, installation and public keys (signing and encryption) — nothing secret, so it may travel
//! as it is. The **connection file** comes back from `committee add-branch`: the server's
//! address, the database, the branch's login and password, the server's TLS root certificate
//! when it has one, and the committee's public keys — encrypted to the branch's key from its
//! registration file, so only that branch's PC can open it.

use super::CommitteeError;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

/// The format name a registration file starts with.
pub const REGISTRATION_FORMAT: &str = "zhibu.registration/1";

/// The format name a connection file starts with.
pub const CONNECTION_FORMAT: &str = "zhibu.connection/1";

/// What a branch hands its committee to be registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// [`REGISTRATION_FORMAT`].
    pub format: String,
    /// The branch's UUID.
    pub branch: String,
    /// The branch's name.
    pub name: String,
    /// The installation (PC) it was made on.
    pub installation: String,
    /// The Ed25519 public key its report packages are signed with (64 hex digits).
    pub signing_key: String,
    /// The public key to encrypt to it (`age1pq1…`).
    pub encryption_key: String,
}

impl Registration {
    /// Reads and checks a registration file: the format, the UUID, both keys.
    pub fn read(bytes: &[u8]) -> Result<Self, CommitteeError> {
        let registration: Self = serde_json::from_slice(bytes).map_err(|_| {
            CommitteeError::Package("文件不是支部登记文件（由支部的“上级报送”页或 zhibu sync id --out 写出）".into())
        })?;
        if registration.format != REGISTRATION_FORMAT {
            return Err(CommitteeError::Package(format!(
                "登记文件格式为“{}”，本程序读“{REGISTRATION_FORMAT}”",
                registration.format
            )));
        }
        if uuid::Uuid::parse_str(&registration.branch).is_err() {
            return Err(CommitteeError::Invalid {
                what: "登记文件中的支部标识不是UUID", value: registration.branch
            });
        }
        super::package::parse_public_key(&registration.signing_key)?;
        super::crypt::parse_public(&registration.encryption_key)?;
        Ok(registration)
    }

    /// The file's bytes (JSON, readable: it holds nothing secret).
    pub fn to_bytes(&self) -> Result<Vec<u8>, CommitteeError> {
        serde_json::to_vec_pretty(self).map_err(|e| CommitteeError::Package(e.to_string()))
    }
}

/// Everything a branch needs to report to its committee online and by package.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// The branch it is for (UUID).
    pub branch: String,
    /// The branch's name as the committee registered it.
    pub branch_name: String,
    /// The server's address as branches reach it (host name or IP).
    pub host: String,
    /// Its port.
    pub port: u16,
    /// The committee's database.
    pub dbname: String,
    /// The branch's login role.
    pub role: String,
    /// Its password.
    pub password: String,
    /// The PEM root certificate the server's TLS certificate is checked against, when the server
    /// has its own (a self-signed one, the committee's own CA).
    pub root_cert: Option<String>,
    /// The committee's Ed25519 public key (feedback packages are signed with it; 64 hex digits).
    pub committee_signing_key: String,
    /// The committee's public encryption key (report packages are encrypted to it).
    pub committee_encryption_key: String,
}

impl std::fmt::Debug for Connection {
    // The password never reaches a log or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("branch", &self.branch)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("dbname", &self.dbname)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// The file around a connection: the branch in the clear (to say whose it is before opening it),
/// the rest encrypted.
#[derive(Serialize, Deserialize)]
struct ConnectionEnvelope {
    format: String,
    branch: String,
    payload: String,
}

impl Connection {
    /// The connection file: encrypted to `branch_key`, the branch's public encryption key.
    pub fn seal(&self, branch_key: &str) -> Result<Vec<u8>, CommitteeError> {
        let json = serde_json::to_vec(self).map_err(|e| CommitteeError::Package(e.to_string()))?;
        let envelope = ConnectionEnvelope {
            format: CONNECTION_FORMAT.to_owned(),
            branch: self.branch.clone(),
            payload: BASE64.encode(super::crypt::encrypt_to(branch_key, &json)?),
        };
        serde_json::to_vec_pretty(&envelope).map_err(|e| CommitteeError::Package(e.to_string()))
    }

    /// The branch a connection file is for, read without opening it.
    pub fn branch_of(bytes: &[u8]) -> Result<String, CommitteeError> {
        let envelope: ConnectionEnvelope =
            serde_json::from_slice(bytes).map_err(|_| CommitteeError::Package("文件不是上级发来的账号文件".into()))?;
        if envelope.format != CONNECTION_FORMAT {
            return Err(CommitteeError::Package(format!(
                "账号文件格式为“{}”，本程序读“{CONNECTION_FORMAT}”",
                envelope.format
            )));
        }
        Ok(envelope.branch)
    }

    /// Opens a connection file with `identity`, the branch's secret encryption key.
    pub fn open(bytes: &[u8], identity: &str) -> Result<Self, CommitteeError> {
        let branch = Self::branch_of(bytes)?;
        let envelope: ConnectionEnvelope =
            serde_json::from_slice(bytes).map_err(|_| CommitteeError::Package("文件不是上级发来的账号文件".into()))?;
        let sealed = BASE64
            .decode(envelope.payload)
            .map_err(|_| CommitteeError::Tampered { what: "账号文件", why: "内容编码已损坏" })?;
        let json = super::crypt::decrypt_with(identity, &sealed, "账号文件")?;
        let connection: Self = serde_json::from_slice(&json).map_err(|e| CommitteeError::Package(e.to_string()))?;
        if connection.branch != branch {
            return Err(CommitteeError::Tampered { what: "账号文件", why: "包外标注的支部与包内不同" });
        }
        super::package::parse_public_key(&connection.committee_signing_key)?;
        super::crypt::parse_public(&connection.committee_encryption_key)?;
        Ok(connection)
    }

    /// `role@host:port/database`, for screens and messages (never the password).
    pub fn describe(&self) -> String {
        format!("{}@{}:{}/{}", self.role, self.host, self.port, self.dbname)
    }

    /// Connects as the branch, over TLS (required when the file carries a root certificate; else
    /// whenever the server offers it), the server's certificate checked against the system's roots
    /// and the file's.
    pub fn connect(&self) -> Result<postgres::Client, CommitteeError> {
        let mut config = postgres::Config::new();
        config.host(&self.host).port(self.port).dbname(&self.dbname).user(&self.role).password(&self.password);
        if self.root_cert.is_some() {
            config.ssl_mode(postgres::config::SslMode::Require);
        }
        Ok(config.connect(super::tls_with(self.root_cert.as_deref().map(str::as_bytes))?)?)
    }
}

/// Where branches reach the committee's server: what goes into their connection files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// Host name or IP address, as the branches' PCs reach it.
    pub host: String,
    /// Port.
    pub port: u16,
    /// The PEM root certificate of the server's TLS certificate, if it has its own.
    pub root_cert: Option<String>,
}

/// Registers the branch `registration` describes (under `name` if given, else its own) and
/// returns its connection file, encrypted to the branch: a fresh login on `server`, the
/// committee's public keys. Nothing is left registered when the file cannot be made.
pub fn register(
    client: &mut postgres::Client,
    registration: &Registration,
    name: Option<&str>,
    server: &Server,
) -> Result<(Connection, Vec<u8>), CommitteeError> {
    let name = name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(registration.name.trim());
    let signing = super::package::parse_public_key(&registration.signing_key)?;
    let committee_signing_key = super::package::committee_key(client)?;
    let committee_encryption_key = super::package::committee_encryption_key(client)?;
    let dbname: String = client.query_one("SELECT current_database()::text", &[])?.get(0);
    let login =
        super::add_branch(client, &registration.branch, name, Some(&signing), Some(&registration.encryption_key))?;
    let connection = Connection {
        branch: registration.branch.clone(),
        branch_name: name.to_owned(),
        host: server.host.clone(),
        port: server.port,
        dbname,
        role: login.role,
        password: login.password,
        root_cert: server.root_cert.clone(),
        committee_signing_key,
        committee_encryption_key,
    };
    let file = connection.seal(&registration.encryption_key)?;
    Ok((connection, file))
}

/// Registers the keys of a registration file for a branch already registered (one added before
/// registration files, or one that moved to a new PC): the signing key only with `replace` when
/// another is registered, the encryption key always.
pub fn set_keys(
    client: &mut postgres::Client,
    registration: &Registration,
    replace: bool,
) -> Result<(), CommitteeError> {
    let signing = super::package::parse_public_key(&registration.signing_key)?;
    super::package::set_key(client, &registration.branch, &signing, replace)?;
    client.execute(
        "UPDATE zhibu.branches SET enc_public = $2 WHERE uuid = $1",
        &[&registration.branch, &registration.encryption_key],
    )?;
    Ok(())
}

impl Server {
    /// `host` or `host:port` as typed (port 5432 when left out).
    pub fn parse_address(given: &str) -> Result<(String, u16), CommitteeError> {
        let given = given.trim();
        let invalid = || CommitteeError::Invalid {
            what: "服务器地址应写成 主机 或 主机:端口",
            value: given.to_owned(),
        };
        let (host, port) = match given.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().map_err(|_| invalid())?),
            None => (given, 5432),
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(invalid());
        }
        Ok((host.to_owned(), port))
    }

    /// The network host and port a connection string names (not a local socket, which no branch
    /// PC can reach).
    pub fn address_of(url: &str) -> Result<(String, u16), CommitteeError> {
        let config: postgres::Config = url.parse()?;
        let host = config.get_hosts().iter().find_map(|h| match h {
            postgres::config::Host::Tcp(name) => Some(name.clone()),
            #[cfg(unix)]
            postgres::config::Host::Unix(_) => None,
        });
        let host = host.ok_or_else(|| CommitteeError::Invalid {
            what: "连接串用的是本机套接字，请写明支部电脑连接本服务器的地址（--server 主机:端口）",
            value: super::describe(url),
        })?;
        Ok((host, config.get_ports().first().copied().unwrap_or(5432)))
    }
}
