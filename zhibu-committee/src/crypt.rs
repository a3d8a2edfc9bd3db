//! Encryption of what travels between a branch and its committee (issue 33): report packages to
//! the committee's key, feedback packages and connection files to the branch's. The format is
//! age (age-encryption.org/v1); a key pair is age's hybrid post-quantum identity (ML-KEM-768 with
//! X25519), so what is copied today cannot be opened by a future quantum computer either.
//! Signing stays Ed25519 (`package`): encryption says who can read, the signature who wrote.

use super::CommitteeError;
use age::secrecy::ExposeSecret as _;
use std::str::FromStr as _;

/// The prefix of a public encryption key as files and screens show it.
pub const PUBLIC_PREFIX: &str = "age1pq1";

/// A fresh secret encryption key (`AGE-SECRET-KEY-PQ-1…`), from the system's randomness. Kept in
/// the database of whoever owns it (a branch's PC, the committee's server), never in a file.
pub fn new_identity() -> String {
    age::pq::Identity::generate().to_string().expose_secret().to_owned()
}

/// The public key (`age1pq1…`) of the secret key `identity`.
pub fn public_of(identity: &str) -> Result<String, CommitteeError> {
    Ok(parse_identity(identity)?.to_public().to_string())
}

fn parse_identity(identity: &str) -> Result<age::pq::Identity, CommitteeError> {
    age::pq::Identity::from_str(identity.trim())
        .map_err(|_| CommitteeError::Invalid { what: "加密私钥已损坏", value: String::new() })
}

/// Checks a public encryption key as a registration or connection file gives it.
pub fn parse_public(text: &str) -> Result<age::pq::Recipient, CommitteeError> {
    age::pq::Recipient::from_str(text.trim()).map_err(|_| CommitteeError::Invalid {
        what: "加密公钥无效（应以 age1pq1 开头）",
        value: text.chars().take(24).collect(),
    })
}

/// `plaintext` encrypted so that only the holder of `public`'s secret key can read it.
pub fn encrypt_to(public: &str, plaintext: &[u8]) -> Result<Vec<u8>, CommitteeError> {
    let recipient = parse_public(public)?;
    age::encrypt(&recipient, plaintext).map_err(|e| CommitteeError::Package(format!("加密失败：{e}")))
}

/// `ciphertext` decrypted with the secret key `identity`; `what` names the file in the refusal.
pub fn decrypt_with(identity: &str, ciphertext: &[u8], what: &'static str) -> Result<Vec<u8>, CommitteeError> {
    let identity = parse_identity(identity)?;
    age::decrypt(&identity, ciphertext).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => CommitteeError::Foreign {
            what: "文件不是加密给本机的，无法打开（可能发错了单位或电脑）",
            value: what.to_owned(),
        },
        _ => CommitteeError::Tampered { what, why: "加密内容已损坏或被改动" },
    })
}
