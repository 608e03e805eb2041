/* A stand-in for Windows' bcryptprimitives.dll, for running payqr's
 * Windows builds under Wine 8 (Debian bookworm), which lacks that DLL.
 * Rust's std (1.78+) and getrandom import ProcessPrng from it; without it
 * every .exe stops at load with "bcryptprimitives.dll not found".
 *
 * ProcessPrng is given here with RtlGenRandom (advapi32's
 * SystemFunction036), which Wine implements from the host's /dev/urandom.
 * Test harness only (scripts/wine-test.sh copies it into a scratch Wine
 * prefix); never shipped: real Windows 10+ has the DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
