//! Personal fields at rest: the key and the sealing of values (XChaCha20-Poly1305).
//!
//! A customer's personal fields (phone, e-mail) are stored as one sealed value per customer:
//! `version (1 byte) ‖ nonce (24 bytes) ‖ ciphertext ‖ tag (16 bytes)`, with the customer id
//! as associated data, so that a sealed value copied onto another customer's row does not
//! open. XChaCha20-Poly1305 rather than the 12-byte-nonce AEADs: its 24-byte nonces can be
//! drawn at random for every value without a counter and without any practical chance of
//! reuse, however many imports rewrite a million customers.
//!
//! The 32-byte key never enters the store. It comes from `CUSTVAL_KEY` (64 hex digits or
//! base64), from the file `CUSTVAL_KEY_FILE` names, or from the key file beside the database
//! (`custval.key` for `custval.db`), which `custval init` creates with mode 0600. The store
//! keeps only the key's id (16 hex digits of a SHA-256 of the key), so that a wrong key is
//! recognised before anything is sealed with it: two keys in one store would make half the
//! data unreadable with either.

use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// The environment variable holding the key itself (hex or base64 of 32 bytes).
pub const KEY_ENV: &str = "CUSTVAL_KEY";
/// The environment variable naming a key file.
pub const KEY_FILE_ENV: &str = "CUSTVAL_KEY_FILE";

/// First byte of a sealed value: the format, so that a later format can be told apart.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Associated data prefix: a sealed personal record of one customer, format 1.
const AAD_PREFIX: &[u8] = b"custval/personal/v1\0";

/// What went wrong with a key or a sealed value. One line each, naming the fix.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "{origin}: not a key (expected 32 bytes as 64 hex digits or base64; `custval init` writes one)"
    )]
    Malformed { origin: String },
    #[error("reading the key file {}: {message}", path.display())]
    Read { path: PathBuf, message: String },
    #[error("writing the key file {}: {message}", path.display())]
    Write { path: PathBuf, message: String },
    #[error("the operating system gave no random numbers: {0}")]
    Random(String),
    /// A sealed value that does not open with this key (another key, or damaged bytes).
    #[error("a sealed value does not open with key {key_id} (wrong key or damaged data)")]
    Open { key_id: String },
}

/// A 32-byte key. Its `Debug` shows the id only.
#[derive(Clone)]
pub struct Key {
    bytes: [u8; 32],
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.id())
    }
}

impl Key {
    /// A fresh random key from the operating system.
    pub fn generate() -> Result<Key, KeyError> {
        let mut bytes = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Key { bytes })
    }

    /// Reads a key written as 64 hex digits or as base64 (standard or URL-safe, padded or
    /// not); surrounding white space is ignored. `origin` names where the text came from.
    pub fn parse(text: &str, origin: &str) -> Result<Key, KeyError> {
        let t = text.trim();
        let bad = || KeyError::Malformed {
            origin: origin.to_string(),
        };
        let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut out = Vec::with_capacity(32);
            for pair in t.as_bytes().chunks(2) {
                let s = std::str::from_utf8(pair).map_err(|_| bad())?;
                out.push(u8::from_str_radix(s, 16).map_err(|_| bad())?);
            }
            out
        } else {
            use base64::engine::general_purpose::{
                STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
            };
            [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                .iter()
                .find_map(|e| e.decode(t).ok())
                .ok_or_else(bad)?
        };
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
        Ok(Key { bytes })
    }

    /// The key as 64 lower-case hex digits (what key files hold).
    pub fn to_hex(&self) -> String {
        self.bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The key's id: 16 hex digits of SHA-256 over a label and the key. The store keeps it to
    /// recognise its key; it reveals nothing of the key (256 bits of entropy behind a hash).
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"custval key id v1\0");
        h.update(self.bytes);
        h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Reads a key file (hex or base64 text).
    pub fn read_file(path: &Path) -> Result<Key, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|e| KeyError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Key::parse(&text, &format!("the key file {}", path.display()))
    }

    /// Writes the key as hex to a new file readable by its owner only (0600 on Unix); an
    /// existing file is never replaced (it may be the only copy of another key).
    pub fn write_new_file(&self, path: &Path) -> Result<(), KeyError> {
        use std::io::Write;
        let err = |e: std::io::Error| KeyError::Write {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(err)?;
        f.write_all(format!("{}\n", self.to_hex()).as_bytes())
            .map_err(err)?;
        f.sync_all().map_err(err)
    }

    /// Seals `plain` for the customer `customer_id` with a fresh random nonce.
    pub fn seal(&self, customer_id: &str, plain: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng
            .try_fill_bytes(&mut nonce)
            .map_err(|e| KeyError::Random(e.to_string()))?;
        let aad = aad(customer_id);
        let cipher = XChaCha20Poly1305::new((&self.bytes).into());
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            // Encryption fails only for messages beyond the cipher's length limit (256 GiB).
            .map_err(|_| KeyError::Open { key_id: self.id() })?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Opens a value [`Key::seal`] made for the same customer id.
    pub fn open(&self, customer_id: &str, sealed: &[u8]) -> Result<Vec<u8>, KeyError> {
        let fail = || KeyError::Open { key_id: self.id() };
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != VERSION {
            return Err(fail());
        }
        let (nonce, ct) = sealed[1..].split_at(NONCE_LEN);
        let aad = aad(customer_id);
        XChaCha20Poly1305::new((&self.bytes).into())
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
            .map_err(|_| fail())
    }
}

fn aad(customer_id: &str) -> Vec<u8> {
    let mut a = Vec::with_capacity(AAD_PREFIX.len() + customer_id.len());
    a.extend_from_slice(AAD_PREFIX);
    a.extend_from_slice(customer_id.as_bytes());
    a
}

/// The key file that belongs to a database file: same folder and name, extension `.key`
/// (`custval.key` for `custval.db`). `None` for a URL.
pub fn default_key_path(db: &str) -> Option<PathBuf> {
    let t = db.trim();
    let path = t
        .strip_prefix("sqlite://")
        .or_else(|| t.strip_prefix("sqlite:"))
        .unwrap_or(t);
    if path.contains("://") || path.starts_with(":memory:") {
        return None;
    }
    let path = path.split('?').next().unwrap_or(path);
    Some(Path::new(path).with_extension("key"))
}

/// Where the key for the store `db` comes from, in order: `CUSTVAL_KEY`, the file named by
/// `CUSTVAL_KEY_FILE`, the key file beside the database. `Ok(None)` when none is there; a
/// variable or file that holds no valid key is an error (a typo must not look like "no key").
pub fn key_from_environment(db: &str) -> Result<Option<(Key, String)>, KeyError> {
    if let Ok(text) = std::env::var(KEY_ENV)
        && !text.trim().is_empty()
    {
        return Ok(Some((Key::parse(&text, KEY_ENV)?, KEY_ENV.to_string())));
    }
    if let Ok(file) = std::env::var(KEY_FILE_ENV)
        && !file.trim().is_empty()
    {
        let p = PathBuf::from(file.trim());
        return Ok(Some((Key::read_file(&p)?, p.display().to_string())));
    }
    match default_key_path(db) {
        Some(p) if p.exists() => Ok(Some((Key::read_file(&p)?, p.display().to_string()))),
        _ => Ok(None),
    }
}

/// True when the environment names a key (so that `init` must not create a key file).
pub fn key_named_by_environment() -> bool {
    [KEY_ENV, KEY_FILE_ENV]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip_with_the_customer_as_associated_data() {
        let k = Key::generate().unwrap();
        let s = k.seal("C1", b"+86 138 0000 0000").unwrap();
        assert_eq!(k.open("C1", &s).unwrap(), b"+86 138 0000 0000");
        // Another customer's row, another key, a flipped bit: none opens.
        assert!(k.open("C2", &s).is_err());
        assert!(Key::generate().unwrap().open("C1", &s).is_err());
        let mut bad = s.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(k.open("C1", &bad).is_err());
        assert!(k.open("C1", &s[..10]).is_err());
    }

    #[test]
    fn nonces_are_random_per_value() {
        let k = Key::generate().unwrap();
        assert_ne!(k.seal("C1", b"x").unwrap(), k.seal("C1", b"x").unwrap());
    }

    #[test]
    fn keys_parse_from_hex_and_base64() {
        let k = Key::generate().unwrap();
        let hex = k.to_hex();
        assert_eq!(Key::parse(&hex, "t").unwrap().id(), k.id());
        assert_eq!(
            Key::parse(&format!("  {}\n", hex.to_uppercase()), "t")
                .unwrap()
                .id(),
            k.id()
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(k.bytes);
        assert_eq!(Key::parse(&b64, "t").unwrap().id(), k.id());
        for bad in ["", "abc", &hex[..62], "zz".repeat(32).as_str()] {
            let e = Key::parse(bad, "CUSTVAL_KEY").unwrap_err().to_string();
            assert!(e.starts_with("CUSTVAL_KEY: not a key"), "{e}");
        }
        assert!(!format!("{k:?}").contains(&hex));
    }

    #[test]
    fn key_files_are_private_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("custval.key");
        let k = Key::generate().unwrap();
        k.write_new_file(&p).unwrap();
        assert_eq!(Key::read_file(&p).unwrap().id(), k.id());
        assert!(Key::generate().unwrap().write_new_file(&p).is_err());
        assert_eq!(Key::read_file(&p).unwrap().id(), k.id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_key_file_sits_beside_the_database() {
        assert_eq!(
            default_key_path("custval.db"),
            Some(PathBuf::from("custval.key"))
        );
        assert_eq!(
            default_key_path("/x/y/shop.db"),
            Some(PathBuf::from("/x/y/shop.key"))
        );
        assert_eq!(
            default_key_path("sqlite:/x/a.db?mode=rwc"),
            Some(PathBuf::from("/x/a.key"))
        );
        assert_eq!(default_key_path("postgres://h/db"), None);
    }
}
