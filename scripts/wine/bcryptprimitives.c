/* A stand-in bcryptprimitives.dll for testing zhibu.exe under Debian's Wine 8.0 only.
 *
 * Rust's standard library (1.78 and later) takes its random seeds from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10 and 11 has but Wine added only in 9.x; without it
 * Wine 8 refuses to start the exe (c0000135). scripts/windows.sh compiles this file with MinGW and
 * copies the DLL into the throwaway Wine prefix's system32. It is never shipped: the release zip
 * holds zhibu.exe alone, which uses the real DLL on Windows.
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom (advapi32's SystemFunction036) takes a ULONG length: fill in chunks. */
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!RtlGenRandom(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
