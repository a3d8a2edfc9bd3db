//! The committee database's schema: numbered, append-only migrations recorded in
//! `zhibu.schema_migrations`, each in one transaction; and the registration of a branch, which
//! makes its login role.

use super::CommitteeError;
use postgres::Client;

/// The migrations, in order: (number, file name, SQL).
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "0001_schema.sql", include_str!("../migrations/0001_schema.sql")),
    (2, "0002_reviews.sql", include_str!("../migrations/0002_reviews.sql")),
    (3, "0003_duty_meetings.sql", include_str!("../migrations/0003_duty_meetings.sql")),
    (4, "0004_committee_key.sql", include_str!("../migrations/0004_committee_key.sql")),
    (5, "0005_attachments.sql", include_str!("../migrations/0005_attachments.sql")),
    (6, "0006_encryption.sql", include_str!("../migrations/0006_encryption.sql")),
];

/// The schema version of the database (0 for one never initialised).
pub fn schema_version(client: &mut Client) -> Result<i64, CommitteeError> {
    let exists: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables
             WHERE table_schema = 'zhibu' AND table_name = 'schema_migrations')",
            &[],
        )?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let version: Option<i64> = client.query_one("SELECT max(number) FROM zhibu.schema_migrations", &[])?.get(0);
    Ok(version.unwrap_or(0))
}

/// Brings the schema up to date; returns the version now in place. Safe to run again.
pub fn init(client: &mut Client) -> Result<i64, CommitteeError> {
    let latest = MIGRATIONS.last().map_or(0, |m| m.0);
    let found = schema_version(client)?;
    if found > latest {
        return Err(CommitteeError::TooNew { found, supported: latest });
    }
    for &(number, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        let mut tx = client.transaction()?;
        tx.batch_execute(sql)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS zhibu.schema_migrations (
                 number     BIGINT PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
        )?;
        tx.execute("INSERT INTO zhibu.schema_migrations(number, name) VALUES ($1, $2)", &[&number, &name])?;
        tx.commit()?;
    }
    // The committee's signing key is made once, from the system's randomness (not in SQL).
    if latest >= 4 {
        let secret = super::package::new_secret()?;
        let public = super::package::public_key_bytes(&secret);
        client.execute(
            "INSERT INTO zhibu.committee_key(secret, public_key) VALUES ($1, $2) ON CONFLICT (one) DO NOTHING",
            &[&secret.as_slice(), &public.as_slice()],
        )?;
    }
    // Its encryption key pair likewise, once (a database made before 0006 gets one now).
    if latest >= 6 {
        let identity = super::crypt::new_identity();
        let public = super::crypt::public_of(&identity)?;
        client.execute(
            "UPDATE zhibu.committee_key SET enc_secret = $1, enc_public = $2 WHERE enc_secret IS NULL",
            &[&identity, &public],
        )?;
    }
    Ok(latest)
}

/// A branch's credentials, made when it is registered: shown once to hand to the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchLogin {
    /// The login role.
    pub role: String,
    /// Its password (never logged, never stored by this program).
    pub password: String,
}

/// Registers the branch `uuid` named `name`, with the public key its package files are signed
/// with and the public key to encrypt to it (both from its registration file, when known), and
/// makes its login role with a fresh password.
pub fn add_branch(
    client: &mut Client,
    uuid: &str,
    name: &str,
    public_key: Option<&[u8; 32]>,
    enc_public: Option<&str>,
) -> Result<BranchLogin, CommitteeError> {
    if let Some(public) = enc_public {
        super::crypt::parse_public(public)?;
    }
    let hex: String = uuid.chars().filter(char::is_ascii_hexdigit).collect::<String>().to_ascii_lowercase();
    if hex.len() != 32 || uuid.len() != 36 {
        return Err(CommitteeError::Invalid { what: "支部标识应为UUID", value: uuid.to_owned() });
    }
    let role = format!("zhibu_branch_{hex}");
    let mut bytes = [0u8; 18];
    getrandom::fill(&mut bytes).map_err(|e| CommitteeError::Random(e.to_string()))?;
    // Letters and digits only: safe inside the quoted literal below and in a URL.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let password: String = bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    let known: i64 = client.query_one("SELECT count(*) FROM zhibu.branches WHERE uuid = $1", &[&uuid])?.get(0);
    if known > 0 {
        return Err(CommitteeError::Invalid { what: "该支部已登记", value: uuid.to_owned() });
    }
    let mut tx = client.transaction()?;
    // Role names and passwords cannot be bound as parameters; both are made of safe characters here.
    tx.batch_execute(&format!("CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE zhibu_branch"))?;
    tx.execute(
        "INSERT INTO zhibu.branches(uuid, name, role_name, public_key, enc_public) VALUES ($1, $2, $3, $4, $5)",
        &[&uuid, &name, &role, &public_key.map(|k| k.as_slice()), &enc_public],
    )?;
    tx.commit()?;
    Ok(BranchLogin { role, password })
}
