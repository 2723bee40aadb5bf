//! The store's one error type, [`StoreError`].
//!
//! Every database error is wrapped with what the store was doing ("importing transactions",
//! "loading the dataset") so that the CLI can print one line a user understands. SQLite's
//! "database is locked" after the busy timeout becomes [`StoreError::Busy`], because the fix
//! (wait for the other custval process, or retry) differs from that of a broken file.

use std::path::PathBuf;

use custval_model::RunId;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store file does not exist and the caller did not ask to create it.
    #[error("no custval store at {}: run `custval init` first (or pass --db)", path.display())]
    NotInitialised { path: PathBuf },

    /// A back end that is not available in this build (PostgreSQL for now).
    #[error("{what}")]
    Unsupported { what: String },

    /// Another process held the write lock for longer than the busy timeout.
    #[error(
        "{doing}: the store is busy (another custval process kept it locked for more than {seconds} s); try again when it has finished"
    )]
    Busy { doing: String, seconds: u64 },

    /// A run id that is not in the store.
    #[error("run {0} not found")]
    RunNotFound(RunId),

    /// A customer id that is not in the store.
    #[error("unknown customer {0:?}")]
    UnknownCustomer(String),

    /// A user name that is not in the store.
    #[error("unknown user {0:?}")]
    UnknownUser(String),

    /// An API token id that is not in the store.
    #[error("unknown token {0} (see `custval token list`)")]
    UnknownToken(i64),

    /// `add_user` with a name already taken.
    #[error("user {0:?} already exists")]
    UserExists(String),

    /// A password shorter than [`crate::MIN_PASSWORD_CHARS`] characters.
    #[error("the password must have at least {0} characters")]
    WeakPassword(usize),

    /// A role name other than admin, analyst, manager or sales.
    #[error("unknown role {0:?}: expected admin, analyst, manager or sales")]
    UnknownRole(String),

    /// A record the store cannot keep (a missing id, a number that is not finite). `row` is the
    /// 0-based index in the slice passed to the import call.
    #[error("{table} row {row}: {reason}")]
    InvalidRecord {
        table: &'static str,
        row: usize,
        reason: String,
    },

    /// An import session that already failed once; its transaction will be rolled back.
    #[error("this import already failed ({0}); nothing of it was stored, start a new import")]
    ImportAborted(String),

    /// A migration that could not be applied, with the migration's file name.
    #[error("upgrading the store {} with migration {file}: {message}", path.display())]
    Migration {
        path: PathBuf,
        file: String,
        message: String,
    },

    /// Password hashing or the OS random source failed.
    #[error("{doing}: {message}")]
    Crypto {
        doing: &'static str,
        message: String,
    },

    /// Any other database error, with what the store was doing.
    #[error("{doing}: {source}")]
    Sql {
        doing: String,
        #[source]
        source: sqlx::Error,
    },
}

/// Seconds SQLite waits for another writer before giving up with [`StoreError::Busy`].
pub const BUSY_TIMEOUT_SECS: u64 = 60;

/// SQLite primary result codes for "another connection holds the lock".
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;

/// True when `e` is SQLite's BUSY/LOCKED (any extended code) or a pool that timed out.
pub(crate) fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .is_some_and(|c| matches!(c & 0xff, SQLITE_BUSY | SQLITE_LOCKED)),
        sqlx::Error::PoolTimedOut => true,
        _ => false,
    }
}

impl StoreError {
    /// Wraps a sqlx error with what was being done.
    pub(crate) fn sql(doing: impl Into<String>, source: sqlx::Error) -> StoreError {
        let doing = doing.into();
        if is_busy(&source) {
            StoreError::Busy {
                doing,
                seconds: BUSY_TIMEOUT_SECS,
            }
        } else {
            StoreError::Sql { doing, source }
        }
    }

    /// True for [`StoreError::Busy`]: the operation may succeed if retried later.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy { .. })
    }
}

/// `map_err` helper: `.map_err(ctx("loading runs"))`.
pub(crate) fn ctx(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| StoreError::sql(doing, e)
}

/// [`ctx`] for an I/O error of the same work (decompressing a stored detail).
pub(crate) fn ctx_io(doing: &'static str) -> impl FnOnce(std::io::Error) -> StoreError {
    move |e| StoreError::sql(doing, sqlx::Error::Io(e))
}
