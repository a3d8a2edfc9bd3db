//! Package files, the offline route up (a USB stick, a chat attachment): the same change set a
//! push sends, deflated, encrypted to the committee's public key (`crypt`: nobody who copies the
//! file on the way reads a member's ID number) and signed with the branch's own Ed25519 key,
//! which the committee registered once. Importing checks, in this order, that the file is a
//! package, that its branch is registered with this key, that the signature covers exactly the
//! bytes received, that it decrypts with the committee's key, and that it continues where the
//! committee's acknowledged counter stands; only then are its rows merged, exactly as a push
//! merges them, in one transaction. A package already imported, or one that leaves a gap, is
//! refused and says so. Feedback packages back down are encrypted to the branch's key and signed
//! with the committee's. Packages of format 1 (signed, not encrypted), made before, still open.

use super::CommitteeError;
use super::push::{Attachment, Row, merge};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use postgres::Client;
use serde::{Deserialize, Serialize};
use std::io::{Read as _, Write as _};

/// The format name a package file starts with: 2, encrypted to the committee.
pub const FORMAT: &str = "zhibu.package/2";

/// The format of packages made before they were encrypted (still imported).
const FORMAT_1: &str = "zhibu.package/1";

/// What the signature covers, before the payload: the format, so a signature made for anything
/// else (or for the other format) cannot pass for a package's.
fn signed_prefix(format: &str) -> Vec<u8> {
    format!("{format}\n").into_bytes()
}

/// The largest payload a package may inflate to (a deflate bomb stops here).
const MAX_PAYLOAD: u64 = 1 << 30;

/// The change set a package carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// The installation that made it.
    pub installation: String,
    /// The branch's UUID.
    pub branch: String,
    /// The branch's name.
    pub branch_name: String,
    /// The branch's counter the set starts after (0: everything).
    pub after: i64,
    /// The branch's counter the set reaches.
    pub upto: i64,
    /// The records.
    pub rows: Vec<Row>,
    /// The files the records attach that the receiver may lack (a package carries every file its
    /// meetings name; a push leaves out what the committee holds).
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// The file: the branch, its counters and key in the clear (to find the registration and sort
/// files without opening them; checked against the signed payload), the signature, and the
/// deflated change set.
#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    branch: String,
    after: i64,
    upto: i64,
    public_key: String,
    signature: String,
    payload: String,
}

/// A fresh secret key from the system's randomness.
pub fn new_secret() -> Result<[u8; 32], CommitteeError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| CommitteeError::Random(e.to_string()))?;
    Ok(secret)
}

/// The public key of `secret`, as the committee registers it (64 hex digits).
pub fn public_key_hex(secret: &[u8; 32]) -> String {
    hex::encode(public_key_bytes(secret))
}

/// The public key of `secret`.
pub fn public_key_bytes(secret: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(secret).verifying_key().to_bytes()
}

/// A public key given as 64 hex digits.
pub fn parse_public_key(text: &str) -> Result<[u8; 32], CommitteeError> {
    let invalid = || CommitteeError::Invalid {
        what: "公钥应为64位十六进制数字（支部电脑上 zhibu sync id 显示）",
        value: text.to_owned(),
    };
    let bytes: [u8; 32] = hex::decode(text.trim()).ok().and_then(|b| b.try_into().ok()).ok_or_else(invalid)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| invalid())?;
    Ok(bytes)
}

/// The package file of `set`: encrypted to `committee` (the committee's public encryption key)
/// and signed with `secret`.
pub fn seal(secret: &[u8; 32], set: &ChangeSet, committee: &str) -> Result<Vec<u8>, CommitteeError> {
    let json = serde_json::to_vec(set).map_err(|e| CommitteeError::Package(e.to_string()))?;
    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    deflater.write_all(&json).map_err(|e| CommitteeError::Package(e.to_string()))?;
    let deflated = deflater.finish().map_err(|e| CommitteeError::Package(e.to_string()))?;
    let payload = super::crypt::encrypt_to(committee, &deflated)?;
    let key = SigningKey::from_bytes(secret);
    let signature = key.sign(&[&signed_prefix(FORMAT), payload.as_slice()].concat());
    let envelope = Envelope {
        format: FORMAT.to_owned(),
        branch: set.branch.clone(),
        after: set.after,
        upto: set.upto,
        public_key: hex::encode(key.verifying_key().as_bytes()),
        signature: hex::encode(signature.to_bytes()),
        payload: BASE64.encode(&payload),
    };
    serde_json::to_vec_pretty(&envelope).map_err(|e| CommitteeError::Package(e.to_string()))
}

/// The payload (base64 in the file) once `signature` (hex) by `key` over `prefix` and the payload
/// holds; `what` names the kind of package in the refusal.
fn signed_payload(
    what: &'static str,
    prefix: &[u8],
    key: &VerifyingKey,
    signature: &str,
    payload: &str,
) -> Result<Vec<u8>, CommitteeError> {
    let payload =
        BASE64.decode(payload).map_err(|_| CommitteeError::Tampered { what, why: "内容编码已损坏" })?;
    let signature = hex::decode(signature)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or(CommitteeError::Tampered { what, why: "签名已损坏" })?;
    key.verify(&[prefix, &payload].concat(), &signature)
        .map_err(|_| CommitteeError::Tampered { what, why: "内容与签名不符" })?;
    Ok(payload)
}

/// A package file read and checked against `registered`, the branch's registered public key,
/// and decrypted with `identity`, the committee's secret encryption key (format 2).
fn open(envelope: &Envelope, registered: &[u8; 32], identity: Option<&str>) -> Result<ChangeSet, CommitteeError> {
    if hex::decode(&envelope.public_key).ok().as_deref() != Some(registered.as_slice()) {
        return Err(CommitteeError::Foreign {
            what: "报送包的签名密钥不是该支部登记的密钥（可能来自另一台电脑或伪造）",
            value: envelope.branch.clone(),
        });
    }
    let key = VerifyingKey::from_bytes(registered)
        .map_err(|_| CommitteeError::Invalid { what: "登记的公钥无效", value: envelope.branch.clone() })?;
    let prefix = signed_prefix(&envelope.format);
    let payload = signed_payload("报送包", &prefix, &key, &envelope.signature, &envelope.payload)?;
    let payload = if envelope.format == FORMAT_1 {
        payload
    } else {
        let identity = identity.ok_or(CommitteeError::Invalid {
            what: "委员会数据库还没有加密密钥（先运行 zhibu committee init）",
            value: String::new(),
        })?;
        super::crypt::decrypt_with(identity, &payload, "报送包")?
    };
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(payload.as_slice())
        .take(MAX_PAYLOAD + 1)
        .read_to_end(&mut json)
        .map_err(|e| CommitteeError::Package(e.to_string()))?;
    if json.len() as u64 > MAX_PAYLOAD {
        return Err(CommitteeError::Package(format!("内容超过{}MB", MAX_PAYLOAD >> 20)));
    }
    let set: ChangeSet = serde_json::from_slice(&json).map_err(|e| CommitteeError::Package(e.to_string()))?;
    // The clear labels were changed after signing (the signed payload is what counts).
    if (set.branch.as_str(), set.after, set.upto) != (envelope.branch.as_str(), envelope.after, envelope.upto) {
        return Err(CommitteeError::Tampered {
            what: "报送包", why: "包外标注的支部或变更号与包内不同"
        });
    }
    Ok(set)
}

/// Where a package file sorts among others given at once: by branch, then by the counter it
/// starts after, as its envelope states (checked against the signed payload on import); a file
/// that cannot be read sorts last and is refused when imported.
pub fn order_key(bytes: &[u8]) -> (String, i64) {
    serde_json::from_slice::<Envelope>(bytes)
        .map_or_else(|_| (String::from("\u{10FFFF}"), 0), |envelope| (envelope.branch, envelope.after))
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The branch's UUID.
    pub branch: String,
    /// The branch's name, as the committee registered it.
    pub name: String,
    /// Rows in the package.
    pub sent: u64,
    /// Rows stored or replaced.
    pub stored: u64,
    /// Attachment files stored (the committee had the others already).
    pub files: u64,
    /// The counter the committee now acknowledges.
    pub acknowledged: i64,
}

/// Imports the package file `bytes` into the committee's database (as its owner), in one
/// transaction. A package overlapping what was acknowledged is taken (its rows merge by counter);
/// one wholly acknowledged is a replay, one starting beyond the acknowledged counter a gap.
pub fn import(client: &mut Client, bytes: &[u8]) -> Result<Imported, CommitteeError> {
    let envelope: Envelope =
        serde_json::from_slice(bytes).map_err(|_| CommitteeError::Package("文件不是报送包格式".into()))?;
    if envelope.format != FORMAT && envelope.format != FORMAT_1 {
        return Err(CommitteeError::Package(format!("格式为“{}”，本程序读“{FORMAT}”", envelope.format)));
    }
    let mut tx = client.transaction()?;
    let identity: Option<String> =
        tx.query_opt("SELECT enc_secret FROM zhibu.committee_key", &[])?.and_then(|r| r.get(0));
    let Some(branch) = tx.query_opt(
        "SELECT name, public_key, last_counter FROM zhibu.branches WHERE uuid = $1 FOR UPDATE",
        &[&envelope.branch],
    )?
    else {
        return Err(CommitteeError::Foreign {
            what: "报送包来自未在本委员会登记的支部", value: envelope.branch
        });
    };
    let name: String = branch.get(0);
    let registered: Option<Vec<u8>> = branch.get(1);
    let acknowledged: i64 = branch.get(2);
    let registered: [u8; 32] = registered.and_then(|k| k.try_into().ok()).ok_or_else(|| CommitteeError::Invalid {
        what: "该支部尚未登记签名公钥（zhibu committee set-key）",
        value: name.clone(),
    })?;
    let set = open(&envelope, &registered, identity.as_deref())?;
    if set.upto <= acknowledged {
        return Err(CommitteeError::Replayed { upto: set.upto, acknowledged });
    }
    if set.after > acknowledged {
        return Err(CommitteeError::Gap { acknowledged, after: set.after });
    }
    let (sent, stored, files) = merge(&mut tx, &set.branch, &set)?;
    tx.commit()?;
    Ok(Imported { branch: set.branch, name, sent, stored, files, acknowledged: set.upto })
}

/// Registers (or, with `replace`, replaces) the public key `key` of branch `uuid`.
pub fn set_key(client: &mut Client, uuid: &str, key: &[u8; 32], replace: bool) -> Result<(), CommitteeError> {
    let current: Option<Option<Vec<u8>>> =
        client.query_opt("SELECT public_key FROM zhibu.branches WHERE uuid = $1", &[&uuid])?.map(|r| r.get(0));
    match current {
        None => {
            Err(CommitteeError::Invalid { what: "委员会数据库中没有这个支部", value: uuid.to_owned() })
        }
        Some(Some(old)) if !replace && old != key.as_slice() => Err(CommitteeError::Invalid {
            what: "该支部已登记了另一个公钥（确认支部换了电脑且未恢复备份后，加 --replace 更换）",
            value: uuid.to_owned(),
        }),
        Some(_) => {
            client.execute("UPDATE zhibu.branches SET public_key = $2 WHERE uuid = $1", &[&uuid, &key.as_slice()])?;
            Ok(())
        }
    }
}

/// The format name a feedback package file starts with: 2, encrypted to the branch.
pub const FEEDBACK_FORMAT: &str = "zhibu.feedback/2";

/// The format of feedback packages made before they were encrypted (still opened).
const FEEDBACK_FORMAT_1: &str = "zhibu.feedback/1";

/// The committee's word for one branch, as a feedback package carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// The branch it is for.
    pub branch: String,
    /// When the committee wrote the package (the server's time).
    pub issued_at: String,
    /// Every decision the committee holds for the branch: (uuid, year, topic, verdict, opinion, decided_at).
    pub items: Vec<(String, i32, String, String, String, String)>,
}

/// The file around a feedback package's payload.
#[derive(Serialize, Deserialize)]
struct FeedbackEnvelope {
    format: String,
    branch: String,
    committee_key: String,
    signature: String,
    payload: String,
}

/// The committee's public key (64 hex digits), which a branch trusts for feedback packages.
pub fn committee_key(client: &mut Client) -> Result<String, CommitteeError> {
    let key: Vec<u8> = client
        .query_opt("SELECT public_key FROM zhibu.committee_key", &[])?
        .map(|r| r.get(0))
        .ok_or_else(|| CommitteeError::Invalid {
            what: "委员会数据库还没有签名密钥（先运行 zhibu committee init）",
            value: String::new(),
        })?;
    Ok(hex::encode(key))
}

/// The committee's public encryption key (`age1pq1…`), which report packages are encrypted to.
pub fn committee_encryption_key(client: &mut Client) -> Result<String, CommitteeError> {
    client.query_opt("SELECT enc_public FROM zhibu.committee_key", &[])?.and_then(|r| r.get(0)).ok_or(
        CommitteeError::Invalid {
            what: "委员会数据库还没有加密密钥（先运行 zhibu committee init）",
            value: String::new(),
        },
    )
}

/// A feedback package for `branch`: every decision the committee holds for it, encrypted to the
/// branch's registered encryption key and signed with the committee's key.
pub fn feedback_package(client: &mut Client, branch: &str) -> Result<Vec<u8>, CommitteeError> {
    let row =
        client.query_opt("SELECT secret FROM zhibu.committee_key", &[])?.ok_or_else(|| CommitteeError::Invalid {
            what: "委员会数据库还没有签名密钥（先运行 zhibu committee init）",
            value: String::new(),
        })?;
    let secret: Vec<u8> = row.get(0);
    let secret: [u8; 32] = secret
        .try_into()
        .map_err(|_| CommitteeError::Invalid { what: "委员会签名密钥已损坏", value: String::new() })?;
    let Some(known) = client.query_opt("SELECT enc_public FROM zhibu.branches WHERE uuid = $1", &[&branch])? else {
        return Err(CommitteeError::Invalid {
            what: "委员会数据库中没有这个支部", value: branch.to_owned()
        });
    };
    let recipient: Option<String> = known.get(0);
    let recipient = recipient.ok_or_else(|| CommitteeError::Invalid {
        what: "该支部还没有登记加密公钥，反馈包无法加密（用支部的登记文件：zhibu committee set-key --registration）",
        value: branch.to_owned(),
    })?;
    let issued_at: String = client.query_one("SELECT to_char(CURRENT_TIMESTAMP, 'YYYY-MM-DD HH24:MI')", &[])?.get(0);
    let items = client
        .query(
            "SELECT uuid, year, topic, verdict, opinion, to_char(decided_at, 'YYYY-MM-DD HH24:MI')
             FROM zhibu.reviews WHERE branch_uuid = $1 ORDER BY year, topic",
            &[&branch],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
        .collect();
    let feedback = Feedback { branch: branch.to_owned(), issued_at, items };
    let json = serde_json::to_vec(&feedback).map_err(|e| CommitteeError::Package(e.to_string()))?;
    let payload = super::crypt::encrypt_to(&recipient, &json)?;
    let key = SigningKey::from_bytes(&secret);
    let signature = key.sign(&[&signed_prefix(FEEDBACK_FORMAT), payload.as_slice()].concat());
    let envelope = FeedbackEnvelope {
        format: FEEDBACK_FORMAT.to_owned(),
        branch: branch.to_owned(),
        committee_key: hex::encode(key.verifying_key().as_bytes()),
        signature: hex::encode(signature.to_bytes()),
        payload: BASE64.encode(&payload),
    };
    serde_json::to_vec_pretty(&envelope).map_err(|e| CommitteeError::Package(e.to_string()))
}

/// The branch a feedback package names on its envelope (checked against the signed payload when
/// opened).
pub fn feedback_branch(bytes: &[u8]) -> Result<String, CommitteeError> {
    serde_json::from_slice::<FeedbackEnvelope>(bytes)
        .map(|e| e.branch)
        .map_err(|_| CommitteeError::Package("文件不是上级反馈包格式".into()))
}

/// A feedback package read and checked: signed by `trusted` (the committee key the branch
/// trusts), meant for `branch` and decrypted with `identity`, the branch's secret encryption key.
pub fn open_feedback(
    bytes: &[u8],
    trusted: &[u8; 32],
    branch: &str,
    identity: &str,
) -> Result<Feedback, CommitteeError> {
    let envelope: FeedbackEnvelope =
        serde_json::from_slice(bytes).map_err(|_| CommitteeError::Package("文件不是上级反馈包格式".into()))?;
    if envelope.format != FEEDBACK_FORMAT && envelope.format != FEEDBACK_FORMAT_1 {
        return Err(CommitteeError::Package(format!("格式为“{}”，本程序读“{FEEDBACK_FORMAT}”", envelope.format)));
    }
    if hex::decode(&envelope.committee_key).ok().as_deref() != Some(trusted.as_slice()) {
        return Err(CommitteeError::Foreign {
            what: "反馈包不是本支部信任的上级签发的（签名密钥不符）",
            value: envelope.committee_key,
        });
    }
    let key = VerifyingKey::from_bytes(trusted)
        .map_err(|_| CommitteeError::Invalid { what: "信任的上级公钥无效", value: hex::encode(trusted) })?;
    let prefix = signed_prefix(&envelope.format);
    let payload = signed_payload("反馈包", &prefix, &key, &envelope.signature, &envelope.payload)?;
    let payload = if envelope.format == FEEDBACK_FORMAT_1 {
        payload
    } else {
        super::crypt::decrypt_with(identity, &payload, "反馈包")?
    };
    let feedback: Feedback = serde_json::from_slice(&payload).map_err(|e| CommitteeError::Package(e.to_string()))?;
    if feedback.branch != branch || envelope.branch != branch {
        return Err(CommitteeError::Foreign { what: "反馈包是发给另一个支部的", value: feedback.branch });
    }
    Ok(feedback)
}
