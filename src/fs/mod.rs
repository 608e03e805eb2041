//! Files: the storage rules every writer shares.
//!
//! - [`durable`]: every durable write, sync and rename (fault-injectable in
//!   debug builds, so tests can cut power at each step)
//! - [`atomic`]: whole-file writes that land complete or not at all
//! - [`lock`]: locks that follow a file's identity, not its name
//! - [`clobber`]: no output lands on an input
//! - [`platform`]: what differs between Unix and Windows
//! - `winacl` (Windows only): secret keys' access lists

pub mod atomic;
pub mod clobber;
pub mod durable;
pub mod lock;
pub mod platform;
// Win32 security calls (access lists of secret key files) are FFI:
// unsafe is allowed in that one module, each block beside its call.
#[cfg(windows)]
#[allow(unsafe_code)]
pub mod winacl;
