//! Windows' counterpart of a secret key's mode 0600.
//!
//! Windows has no mode bits: who may read a file is its access list
//! (DACL), by default inherited from the folder it is created in. A key
//! written in `C:\Users\me` inherits "me, SYSTEM, Administrators"; one
//! written in `C:\ProgramData`, on a share or a second disk may inherit
//! "Users: read". So:
//!
//! - a secret file payqr writes gets, while still empty, a protected DACL
//!   (no inheritance) that admits only the current user ([`make_private`]);
//! - a secret key others may read is WARNED about, not refused
//!   ([`other_readers`]): an allow entry granting read to an account other
//!   than the current user, SYSTEM or Administrators (who can read every
//!   file anyway, as root can on Unix), or no DACL at all (FAT/exFAT,
//!   some shares: everyone reads everything).
//!
//! Why a warning where Unix refuses: an access list is not three mode
//! bits. payqr reads only its allow entries; deny entries, group
//! membership and domain policy decide what is really granted, so a
//! refusal would be a guess that could stop a clerk's counter for a key
//! that is in fact safe. And the one Windows payqr is tested on here,
//! Wine, derives access lists from Unix modes and ignores
//! `SetSecurityInfo`, so a refusal could not be tested. The warning names
//! the accounts and gives the `icacls` command that fixes it.

use std::ffi::{OsStr, c_void};
use std::fs::File;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::AsRawHandle;
use std::path::Path;
use std::ptr;

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_INSUFFICIENT_BUFFER, GENERIC_ALL, GENERIC_READ, HANDLE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, GetNamedSecurityInfoW, SE_FILE_OBJECT, SetSecurityInfo,
};
use windows_sys::Win32::Security::{
    ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, ACL_REVISION, AddAccessAllowedAce,
    DACL_SECURITY_INFORMATION, EqualSid, GetAce, GetLengthSid, GetTokenInformation,
    INHERIT_ONLY_ACE, InitializeAcl, IsWellKnownSid, LookupAccountSidW,
    PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID, SID_NAME_USE, TOKEN_QUERY,
    TOKEN_USER, TokenUser, WinBuiltinAdministratorsSid, WinLocalSystemSid,
};
use windows_sys::Win32::Storage::FileSystem::{FILE_ALL_ACCESS, FILE_READ_DATA};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// `ACCESS_ALLOWED_ACE_TYPE`: the only entry type that grants access to
/// a plain file (object and callback entries are for directory services
/// and conditional access, not set on files by Explorer or icacls).
const ACCESS_ALLOWED: u8 = 0;

/// The current user's SID, as bytes (a SID is self-contained).
pub fn current_user() -> io::Result<Vec<u8>> {
    let mut token: HANDLE = ptr::null_mut();
    // SAFETY: a pseudo-handle for this process and a valid out-pointer.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let result = (|| {
        let mut len = 0u32;
        // SAFETY: asks only for the size (null buffer of length 0).
        unsafe { GetTokenInformation(token, TokenUser, ptr::null_mut(), 0, &mut len) };
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(ERROR_INSUFFICIENT_BUFFER as i32) {
            return Err(e);
        }
        // u64s: TOKEN_USER holds a pointer and must be aligned for it.
        let mut buf = vec![0u64; (len as usize).div_ceil(8)];
        // SAFETY: `buf` has room for `len` bytes.
        if unsafe { GetTokenInformation(token, TokenUser, buf.as_mut_ptr().cast(), len, &mut len) }
            == 0
        {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the call filled a TOKEN_USER whose SID points into `buf`.
        let sid = unsafe { (*buf.as_ptr().cast::<TOKEN_USER>()).User.Sid };
        Ok(sid_bytes(sid))
    })();
    // SAFETY: the token handle opened above, closed once.
    unsafe { CloseHandle(token) };
    result
}

/// Copies a valid SID out of memory someone else owns.
fn sid_bytes(sid: PSID) -> Vec<u8> {
    // SAFETY: callers pass a valid SID; GetLengthSid gives its size.
    unsafe {
        let len = GetLengthSid(sid) as usize;
        std::slice::from_raw_parts(sid.cast::<u8>(), len).to_vec()
    }
}

/// Gives the file `f` (opened with `WRITE_DAC` access) a protected DACL
/// that allows full access to each SID in `sids` and to nobody else.
pub fn set_dacl(f: &File, sids: &[&[u8]]) -> io::Result<()> {
    let size = std::mem::size_of::<ACL>()
        + sids
            .iter()
            .map(|s| std::mem::size_of::<ACCESS_ALLOWED_ACE>() + s.len())
            .sum::<usize>();
    // u32s: an ACL is DWORD-aligned.
    let mut acl = vec![0u32; size.div_ceil(4)];
    let acl_ptr = acl.as_mut_ptr().cast::<ACL>();
    // SAFETY: `acl` is `size` bytes or more, aligned.
    if unsafe { InitializeAcl(acl_ptr, size as u32, ACL_REVISION) } == 0 {
        return Err(io::Error::last_os_error());
    }
    for sid in sids {
        let mut sid = sid.to_vec();
        // SAFETY: the ACL was sized for every entry; `sid` is a whole SID.
        if unsafe {
            AddAccessAllowedAce(
                acl_ptr,
                ACL_REVISION,
                FILE_ALL_ACCESS,
                sid.as_mut_ptr().cast(),
            )
        } == 0
        {
            return Err(io::Error::last_os_error());
        }
    }
    // SAFETY: an open handle and a valid ACL; owner, group and SACL are
    // left as they are (null).
    let e = unsafe {
        SetSecurityInfo(
            f.as_raw_handle() as HANDLE,
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            ptr::null_mut(),
            ptr::null_mut(),
            acl_ptr,
            ptr::null(),
        )
    };
    if e != 0 {
        return Err(io::Error::from_raw_os_error(e as i32));
    }
    Ok(())
}

/// Makes `f` readable and writable by the current user only.
pub fn make_private(f: &File) -> io::Result<()> {
    set_dacl(f, &[&current_user()?])
}

/// Who besides the current user, SYSTEM and Administrators may read the
/// file at `path` (account names, or SID strings when a name cannot be
/// found); empty when nobody.
pub fn other_readers(path: &Path) -> io::Result<Vec<String>> {
    let me = current_user()?;
    let wide: Vec<u16> = OsStr::new(path).encode_wide().chain([0]).collect();
    let mut dacl: *mut ACL = ptr::null_mut();
    let mut sd: PSECURITY_DESCRIPTOR = ptr::null_mut();
    // SAFETY: a NUL-terminated path; out-pointers valid; the descriptor
    // is freed below with LocalFree, as documented.
    let e = unsafe {
        GetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            ptr::null_mut(),
            ptr::null_mut(),
            &mut dacl,
            ptr::null_mut(),
            &mut sd,
        )
    };
    if e != 0 {
        return Err(io::Error::from_raw_os_error(e as i32));
    }
    let mut who = Vec::new();
    if dacl.is_null() {
        who.push("Everyone (the file has no access list)".to_string());
    } else {
        // SAFETY: `dacl` points into `sd`, alive until LocalFree below.
        let count = unsafe { (*dacl).AceCount };
        for i in 0..u32::from(count) {
            let mut ace: *mut c_void = ptr::null_mut();
            // SAFETY: `i` is below the ACL's entry count.
            if unsafe { GetAce(dacl, i, &mut ace) } == 0 {
                continue;
            }
            // SAFETY: every entry starts with an ACE_HEADER; an allow
            // entry is an ACCESS_ALLOWED_ACE whose SID starts at SidStart.
            let (header, mask, sid) = unsafe {
                let h = *ace.cast::<ACE_HEADER>();
                let a = ace.cast::<ACCESS_ALLOWED_ACE>();
                (
                    h,
                    (*a).Mask,
                    ptr::addr_of_mut!((*a).SidStart).cast::<c_void>(),
                )
            };
            if header.AceType != ACCESS_ALLOWED
                || u32::from(header.AceFlags) & INHERIT_ONLY_ACE != 0
                || mask & (FILE_READ_DATA | GENERIC_READ | GENERIC_ALL) == 0
            {
                continue;
            }
            // SAFETY: valid SIDs (`me` is a whole SID copied from the token).
            let trusted = unsafe {
                EqualSid(sid, me.as_ptr() as PSID) != 0
                    || IsWellKnownSid(sid, WinLocalSystemSid) != 0
                    || IsWellKnownSid(sid, WinBuiltinAdministratorsSid) != 0
            };
            if !trusted {
                who.push(account_name(sid));
            }
        }
    }
    // SAFETY: allocated by GetNamedSecurityInfoW, freed once.
    unsafe { LocalFree(sd) };
    Ok(who)
}

/// `DOMAIN\name`, or the SID as `S-1-…` when it names no known account.
fn account_name(sid: PSID) -> String {
    let (mut name, mut domain) = ([0u16; 256], [0u16; 256]);
    let (mut n, mut d) = (256u32, 256u32);
    let mut kind: SID_NAME_USE = 0;
    // SAFETY: buffers and their lengths in characters, a valid SID.
    let found = unsafe {
        LookupAccountSidW(
            ptr::null(),
            sid,
            name.as_mut_ptr(),
            &mut n,
            domain.as_mut_ptr(),
            &mut d,
            &mut kind,
        )
    } != 0;
    if found {
        let name = String::from_utf16_lossy(&name[..n as usize]);
        let domain = String::from_utf16_lossy(&domain[..d as usize]);
        return if domain.is_empty() {
            name
        } else {
            format!("{domain}\\{name}")
        };
    }
    let mut s: *mut u16 = ptr::null_mut();
    // SAFETY: a valid SID; the string is freed with LocalFree.
    if unsafe { ConvertSidToStringSidW(sid, &mut s) } == 0 {
        return "an unknown account".to_string();
    }
    // SAFETY: a NUL-terminated string from the call above.
    let text = unsafe {
        let len = (0..).take_while(|&i| *s.add(i) != 0).count();
        String::from_utf16_lossy(std::slice::from_raw_parts(s, len))
    };
    // SAFETY: allocated by ConvertSidToStringSidW, freed once.
    unsafe { LocalFree(s.cast()) };
    text
}

/// Whether this process runs under Wine, whose access lists are derived
/// from Unix modes (tests say what they cannot check there).
pub fn under_wine() -> bool {
    use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
    let ntdll: Vec<u16> = "ntdll.dll".encode_utf16().chain([0]).collect();
    // SAFETY: NUL-terminated names; ntdll is loaded in every process.
    unsafe {
        let m = GetModuleHandleW(ntdll.as_ptr());
        !m.is_null() && GetProcAddress(m, c"wine_get_version".as_ptr().cast()).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;
    use std::os::windows::fs::OpenOptionsExt;
    use windows_sys::Win32::Foundation::GENERIC_WRITE;
    use windows_sys::Win32::Storage::FileSystem::WRITE_DAC;

    /// S-1-1-0, "Everyone".
    const EVERYONE: [u8; 12] = [1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0];

    fn create(p: &Path) -> File {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .access_mode(GENERIC_WRITE | WRITE_DAC)
            .open(p)
            .unwrap()
    }

    #[test]
    fn a_file_everyone_may_read_is_named() {
        let d = tempfile::tempdir().unwrap();
        let shared = d.path().join("shared");
        set_dacl(&create(&shared), &[&current_user().unwrap(), &EVERYONE]).unwrap();
        let who = other_readers(&shared).unwrap();
        assert_eq!(who.len(), 1, "{who:?}");
        assert!(
            who[0].contains("Everyone") || who[0] == "S-1-1-0",
            "{who:?}"
        );
    }

    #[test]
    fn a_private_file_has_no_other_reader() {
        if under_wine() {
            eprintln!(
                "NOT CHECKED under Wine: it derives access lists from Unix modes and \
                 ignores SetSecurityInfo, so every file reads as Everyone's"
            );
            return;
        }
        let d = tempfile::tempdir().unwrap();
        let private = d.path().join("private");
        make_private(&create(&private)).unwrap();
        assert_eq!(other_readers(&private).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_key_others_may_read_is_warned_about_and_still_loads() {
        use crate::trust::keys::IssuerKey;
        let d = tempfile::tempdir().unwrap();
        let k = IssuerKey::generate("x", "X", 0).unwrap();
        let (kp, _) = k.save(&d.path().join("x"), false).unwrap();
        if !under_wine() {
            // keygen's file admits only its user, wherever it is written.
            assert_eq!(IssuerKey::exposure_warning(&kp), None);
            let f = OpenOptions::new().access_mode(WRITE_DAC).open(&kp).unwrap();
            set_dacl(&f, &[&current_user().unwrap(), &EVERYONE]).unwrap();
            drop(f);
        }
        // Under Wine the file reads as Everyone's already (its Unix mode).
        let w = IssuerKey::exposure_warning(&kp).expect("a warning");
        assert!(w.contains("Everyone") && w.contains("icacls"), "{w}");
        assert!(IssuerKey::load(&kp).is_ok());
    }
}
